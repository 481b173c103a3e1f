import Foundation
import Testing
@testable import TrustDeskCore

@Suite("ACC-3, ACC-5, SEC-2: links and throttling")
struct LinksAndThrottleTests {
    let issued = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("ACC-3: a confirmation link expires after 48 hours")
    func confirmationLifetime() throws {
        let expiry = SingleUseLink.expiry(for: .signupConfirmation, issuedAt: issued)
        #expect(expiry.timeIntervalSince(issued) == 48 * 3600)
        #expect(throws: Never.self) { try SingleUseLink.check(expiresAt: expiry, usedAt: nil, now: issued.addingTimeInterval(47 * 3600)) }
        #expect(throws: DomainError.self) { try SingleUseLink.check(expiresAt: expiry, usedAt: nil, now: expiry) }
    }

    @Test("ACC-5: a reset link is valid for 1 hour")
    func resetLifetime() {
        let expiry = SingleUseLink.expiry(for: .passwordReset, issuedAt: issued)
        #expect(expiry.timeIntervalSince(issued) == 3600)
        let error = #expect(throws: DomainError.self) { try SingleUseLink.check(expiresAt: expiry, usedAt: nil, now: issued.addingTimeInterval(3601)) }
        #expect(error?.code == .linkExpired)
    }

    @Test("ACC-3: a used link says it was used, even once expired")
    func usedLink() {
        let expiry = SingleUseLink.expiry(for: .signupConfirmation, issuedAt: issued)
        let error = #expect(throws: DomainError.self) {
            try SingleUseLink.check(expiresAt: expiry, usedAt: issued, now: expiry.addingTimeInterval(10))
        }
        #expect(error?.code == .linkUsed)
    }

    @Test("ACC-3: unconfirmed registrations are purged after 7 days")
    func purge() {
        #expect(!SingleUseLink.isPurgeable(registrationCreatedAt: issued, now: issued.addingTimeInterval(7 * 86400 - 1)))
        #expect(SingleUseLink.isPurgeable(registrationCreatedAt: issued, now: issued.addingTimeInterval(7 * 86400)))
    }

    @Test("SEC-2: the sixth guess within 15 minutes is blocked until the first ages out")
    func throttleBlocks() {
        let policy = ThrottlePolicy.signInPerIdentity
        let failures = (0..<5).map { issued.addingTimeInterval(TimeInterval($0 * 60)) }
        let now = issued.addingTimeInterval(5 * 60)
        #expect(policy.decide(failures: Array(failures.prefix(4)), now: now) == .allowed)
        #expect(policy.decide(failures: failures, now: now) == .blocked(retryAfter: 600))
        #expect(policy.decide(failures: failures, now: issued.addingTimeInterval(15 * 60)) == .allowed)
    }

    @Test("SEC-2: failures outside the window do not count")
    func throttleWindow() {
        let policy = ThrottlePolicy(limit: 2, window: 60)
        let old = [issued, issued.addingTimeInterval(1)]
        #expect(policy.decide(failures: old, now: issued.addingTimeInterval(61)) == .allowed)
        #expect(policy.decide(failures: old, now: issued.addingTimeInterval(30)) == .blocked(retryAfter: 30))
    }
}
