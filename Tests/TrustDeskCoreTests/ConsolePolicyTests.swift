import Foundation
import Testing
@testable import TrustDeskCore

/// STD-2 and its neighbours as one table: what each standing lets a customer do in the console.
@Suite("STD-2: what a restricted account's console may do")
struct ConsolePolicyTests {
    /// The expected table, written out by hand from DOMAIN.md: `true` where the owner may act.
    /// Columns: pending_vetting, active, suspended, dormant, terminated, banned, closed.
    static let expected: [ConsoleAction: [Bool]] = [
        .view: [true, true, true, true, false, false, true],
        .viewCredentials: [true, true, true, true, false, false, true],
        .viewStanding: [true, true, true, true, true, false, true],
        .requestReview: [true, false, true, true, true, false, true],
        .supportTickets: [true, true, true, true, true, false, true],
        .createSubaccount: [false, true, false, false, false, false, false],
        .manageCredentials: [false, true, true, false, false, false, false],
        .manageTeammates: [false, true, false, false, false, false, false],
        .requestMessagingChange: [false, true, false, false, false, false, false],
        .closeAccount: [true, true, true, true, false, false, false],
    ]

    @Test("STD-2: standing x console action, every cell")
    func table() {
        #expect(Set(Self.expected.keys) == Set(ConsoleAction.allCases), "every action has a row")
        for (action, row) in Self.expected {
            for (standing, allowed) in zip(Standing.allCases, row) {
                #expect(ConsolePolicy.allows(action, in: standing) == allowed, "\(action.rawValue) in \(standing.rawValue)")
                let refusal = ConsolePolicy.refusal(action, standing: standing, role: .owner)
                #expect((refusal == nil) == allowed, "\(action.rawValue) in \(standing.rawValue) for the owner")
            }
        }
    }

    @Test("STD-2: a refusal carries the standing's own code and says why in words")
    func refusalCodes() throws {
        for standing in Standing.allCases where standing != .active {
            let refusal = try #require(ConsolePolicy.refusal(.createSubaccount, standing: standing, role: .owner))
            #expect(refusal.code == standing.refusalCode)
            #expect(refusal.code.httpStatus == 403)
            #expect(refusal.message.contains("can't create subaccounts"))
        }
        let suspended = try #require(ConsolePolicy.refusal(.requestMessagingChange, standing: .suspended, role: .owner))
        #expect(suspended.message == "This account is suspended, so you can't ask for more messages or a score review. The standing page says why and how to ask for a review.")
    }

    @Test("STD-5: a suspended account may replace its credentials; nothing else changes")
    func suspendedCredentials() {
        let changes: [ConsoleAction] = [.createSubaccount, .manageTeammates, .requestMessagingChange]
        #expect(ConsolePolicy.allows(.manageCredentials, in: .suspended))
        for action in changes { #expect(!ConsolePolicy.allows(action, in: .suspended)) }
    }

    @Test("STD-10: closing follows the standing machine's owner-request path")
    func closing() {
        let path = StandingPolicy.paths.first { $0.reason == .ownerRequest }
        for standing in Standing.allCases {
            #expect(ConsolePolicy.allows(.closeAccount, in: standing) == (path?.from.contains(standing) ?? false))
        }
    }

    @Test("ACC-4: in good standing, the role decides; closing is the owner's alone")
    func roles() {
        #expect(ConsolePolicy.refusal(.createSubaccount, standing: .active, role: .developer)?.code == .permissionDenied)
        #expect(ConsolePolicy.refusal(.manageCredentials, standing: .active, role: .developer) == nil)
        #expect(ConsolePolicy.refusal(.requestMessagingChange, standing: .active, role: .support) == nil)
        #expect(ConsolePolicy.refusal(.closeAccount, standing: .active, role: .admin)?.message.contains("Only the account's owner") == true)
        // The standing speaks first: a crafted request is refused with the standing's code.
        #expect(ConsolePolicy.refusal(.createSubaccount, standing: .dormant, role: .developer)?.code == .accountDormant)
    }
}

@Suite("Forms report every problem at once")
struct FieldChecksTests {
    @Test("Every check runs; the first problem carries the others, one per field")
    func collects() {
        var checks = FieldChecks()
        let name = checks.run { () throws(DomainError) in try Validate.displayName("", field: "name") }
        let email = checks.run { () throws(DomainError) in try Validate.email("nope") }
        let good = checks.run { () throws(DomainError) in try Validate.username("ada.l") }
        checks.add(DomainError(.invalidParameter, "email: a second problem with the same field."))
        #expect(name == nil && email == nil && good == "ada.l")
        #expect(throws: DomainError.self) { try checks.finish() }
        do {
            try checks.finish()
        } catch {
            #expect(error.field == "name")
            #expect(error.others.map(\.field) == ["email"])
        }
    }

    @Test("SUP-12: the intake reports every malformed field of a ticket at once")
    func intake() {
        let form = IntakeForm(product: .messaging, sidsText: "SMnot-a-sid", direction: "sideways")
        do {
            _ = try Intake.check(form, now: Date(timeIntervalSince1970: 1_772_452_800))
            Issue.record("a malformed SID and direction must be refused")
        } catch {
            #expect(([error] + error.others).compactMap(\.field) == ["sids", "direction"])
        }
    }

    @Test("PT-10: each unreadable date is reported on its own field")
    func dates() {
        do {
            _ = try TrustRequestPolicy.range(startsOn: "soon", endsOn: "later", now: Date(timeIntervalSince1970: 1_772_452_800))
            Issue.record("unreadable dates must be refused")
        } catch {
            #expect(([error] + error.others).compactMap(\.field) == ["starts_on", "ends_on"])
        }
    }
}
