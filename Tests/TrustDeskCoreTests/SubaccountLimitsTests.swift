import Foundation
import Testing
import TrustDeskCore

@Suite("ACC-2 with PT-2: subaccounts per account and per day")
struct SubaccountLimitsTests {
    let now = Date(timeIntervalSince1970: 1_772_452_800)
    let limits = SubaccountLimits(maximum: 3, perDay: 2)

    func code(_ existing: Int, _ ages: [TimeInterval]) -> ErrorCode? {
        do {
            try limits.checkNew(existing: existing, createdAt: ages.map { now.addingTimeInterval(-$0) }, now: now)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("ACC-2: below both limits a subaccount may be created")
    func allowed() {
        #expect(code(0, []) == nil)
        #expect(code(2, [3600]) == nil)
        #expect(code(2, [86_400, 90_000]) == nil)
    }

    @Test("ACC-2: the maximum counts open subaccounts, whenever they were made")
    func maximum() {
        #expect(code(3, []) == .subaccountLimitReached)
        #expect(code(4, [400_000]) == .subaccountLimitReached)
    }

    @Test("ACC-2: the rate counts creations in any rolling 24 hours and says when the next one can be made")
    func rate() throws {
        #expect(code(1, [60, 120]) == .subaccountRateLimited)
        #expect(code(2, [86_399, 10]) == .subaccountRateLimited)
        #expect(code(2, [86_400, 10]) == nil)
        #expect(throws: DomainError(.subaccountRateLimited, "This account created 2 subaccounts in the last 24 hours, the most allowed (2); the next can be created in 60 minutes.")) {
            try limits.checkNew(existing: 2, createdAt: [now.addingTimeInterval(-23 * 3600), now.addingTimeInterval(-60)], now: now)
        }
        #expect(SubaccountLimits.standard == SubaccountLimits(maximum: 20, perDay: 5))
    }

    @Test("ACC-2: a zero limit means no subaccounts at all")
    func zero() {
        let none = SubaccountLimits(maximum: 0, perDay: 5)
        #expect(throws: DomainError.self) { try none.checkNew(existing: 0, createdAt: [], now: now) }
        let paused = SubaccountLimits(maximum: 5, perDay: 0)
        #expect(throws: DomainError.self) { try paused.checkNew(existing: 0, createdAt: [], now: now) }
    }
}
