import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// Helpers for privacy tests.
enum PrivacyTestKit {
    /// Runs the privacy jobs once at the app clock's now, as the scheduler would.
    static func runJobs(_ app: Application) async throws {
        let now = app.now
        try await app.privacyRequests(now: now).processDue()
        try await app.underAgeReports(now: now).removeDue()
        try await app.privacyRequests(now: now).flagOverdue()
        try await app.privacyRetention(now: now).runDue()
        try await UsageDeletions(database: app.db, now: now).runDue()
    }

    static func json(_ body: [String: Any]) -> ByteBuffer {
        ByteBuffer(string: String(decoding: (try? JSONSerialization.data(withJSONObject: body)) ?? Data(), as: UTF8.self))
    }

    /// A customer browser for `username`, signed in.
    static func signedIn(_ app: Application, _ username: String) async throws -> Browser {
        let browser = Browser(app)
        _ = try await browser.signIn(username)
        return browser
    }

    static func closeAccount(_ app: Application, _ customer: TestData.Customer) async throws {
        try await StandingTestKit.apply(app, StandingDecision(to: .closed, reason: .ownerRequest, decider: .owner(sid: customer.user.sid)), to: customer.account)
    }

    static func placeHold(_ app: Application, on account: Account, case reference: String = "CASE-1") async throws -> LegalHold {
        var lead = try await User.query(on: app.db).filter(\.$username == "staff.lead").first()
        if lead == nil { lead = try await TestData.staff(app, "staff.lead", role: .trustSafetyLead) }
        guard let lead else { throw TestData.NoLink(description: "no staff.lead") }
        return try await LegalHolds(database: app.db, now: app.now).place(on: account, caseReference: reference, reason: "Litigation about the account's traffic", by: lead)
    }

    static func ledger(_ app: Application, account: String) async throws -> [PrivacyLedgerEntry] {
        try await PrivacyLedgerEntry.query(on: app.db).filter(\.$accountSID == account).sort(\.$at).all()
    }
}
