import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("PRV-4, PRV-6: retention of closed accounts and legal holds")
struct PrivacyRetentionTests {
    /// A closed account with what retention must treat differently: a session, a sign-up
    /// record, a ticket, an invoice, a teammate who is also on another team.
    struct World {
        let owner: TestData.Customer
        let teammate: User
        let other: TestData.Customer
        let ticket: Int
    }

    static func world(_ app: Application) async throws -> World {
        let owner = try await TestData.customer(app, "avery")
        let teammate = try await TestData.teammate(app, "casey", role: .developer, on: owner.account)
        let other = try await TestData.customer(app, "harper")
        try await Membership(account: other.account.sid, user: teammate.sid, role: .developer, now: app.now).create(on: app.db)
        let registration = Registration()
        registration.id = UUID()
        registration.tokenHash = "hash-\(UUID().uuidString)"
        registration.email = owner.user.email
        registration.username = owner.user.username
        registration.fullName = owner.user.fullName
        registration.passwordHash = "x"
        registration.accountName = owner.account.friendlyName
        registration.createdAt = app.now
        registration.expiresAt = app.now
        registration.confirmedAt = app.now
        registration.accountSID = owner.account.sid
        registration.phone = "+15555550123"
        registration.country = "US"
        try await registration.create(on: app.db)
        let opened = try await app.tickets(now: app.now).open(
            NewTicket(subject: "Close us", description: "Please close our account.", priority: "3", intake: IntakeForm(product: .other)),
            about: owner.account, by: TicketActor(user: owner.user))
        try await Invoice(reference: "INV-1", account: owner.account.sid, billRun: "2026-02", amountCents: 1000, currency: "USD", dueAt: app.now, now: app.now).create(on: app.db)
        try await PrivacyTestKit.closeAccount(app, owner)
        // Closing ended every session; this one was signed in again (read-only console) since.
        try await UserSession(idHash: "session-\(UUID().uuidString)", user: owner.user.sid, stage: .signedIn, now: app.now, lifetime: 400 * 86_400).create(on: app.db)
        return World(owner: owner, teammate: teammate, other: other, ticket: opened.ticket.number)
    }

    @Test("PRV-4: at closure + 60 days account data is deleted or de-identified (59 days 23 hours: nothing); support mail stays 3 years, invoices 7")
    func accountDataStep() async throws {
        try await withTrustDesk { app in
            let world = try await Self.world(app)
            let start = app.now
            app.clock.set(start.addingTimeInterval(59 * 86_400 + 23 * 3600))
            try await PrivacyTestKit.runJobs(app)
            #expect(try await User.find(world.owner.user.sid, on: app.db)?.fullName == "Avery", "nothing before day 60")

            app.clock.set(start.addingTimeInterval(60 * 86_400))
            try await PrivacyTestKit.runJobs(app)
            let owner = try #require(try await User.find(world.owner.user.sid, on: app.db))
            #expect(owner.fullName == "Deleted user")
            #expect(owner.email == "\(owner.sid)@deleted.invalid")
            #expect(owner.passwordHash == "!")
            #expect(try await UserSession.query(on: app.db).filter(\.$userSID == owner.sid).count() == 0)
            #expect(try await Registration.query(on: app.db).filter(\.$accountSID == world.owner.account.sid).count() == 0)
            #expect(try await Account.find(world.owner.account.sid, on: app.db)?.friendlyName == "Closed account")
            let teammate = try #require(try await User.find(world.teammate.sid, on: app.db))
            #expect(teammate.fullName == "Casey", "a teammate on another open team stays")
            #expect(try await Ticket.find(world.ticket, on: app.db)?.requesterName == "Avery", "support communications stay 3 years")
            #expect(try await Invoice.query(on: app.db).filter(\.$accountSID == world.owner.account.sid).count() == 1)
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$recipient == "avery@example.com").count() == 0, "mail to them is de-identified too")
            let entry = try #require(try await PrivacyTestKit.ledger(app, account: world.owner.account.sid).first { $0.action == "retention_account_data" })
            #expect(try entry.entries.contains { $0.table == "users" && $0.rows == 1 })
            #expect(!entry.tables.contains("Avery") && !entry.tables.contains("avery@"), "PRV-9: the ledger holds no values")

            app.clock.set(PrivacyCalendar.adding(years: 3, to: start))
            try await PrivacyTestKit.runJobs(app)
            #expect(try await Ticket.find(world.ticket, on: app.db) == nil, "support communications go after 3 years")
            #expect(try await Invoice.query(on: app.db).filter(\.$accountSID == world.owner.account.sid).count() == 1)
            app.clock.set(PrivacyCalendar.adding(years: 7, to: start))
            try await PrivacyTestKit.runJobs(app)
            #expect(try await Invoice.query(on: app.db).filter(\.$accountSID == world.owner.account.sid).count() == 0, "invoices go after 7 years")
            #expect(try await PrivacySchedule.find(world.owner.account.sid, on: app.db)?.nextActionAt == nil)
        }
    }

    @Test("PRV-6: a hold placed on day 59 stops day 60 and the ledger names the case; its release lets the next run delete")
    func holdOnDay59() async throws {
        try await withTrustDesk { app in
            let world = try await Self.world(app)
            let start = app.now
            app.clock.set(start.addingTimeInterval(59 * 86_400))
            let hold = try await PrivacyTestKit.placeHold(app, on: world.owner.account, case: "LIT-7")
            app.clock.set(start.addingTimeInterval(60 * 86_400))
            try await PrivacyTestKit.runJobs(app)
            #expect(try await User.find(world.owner.user.sid, on: app.db)?.fullName == "Avery")
            #expect(try await PrivacyTestKit.ledger(app, account: world.owner.account.sid).contains { $0.action == "held" && $0.legalHoldCases == "LIT-7" })
            // purge_expired asks the gate too.
            app.clock.set(start.addingTimeInterval(500 * 86_400))
            try await PlatformJobs.purgeExpired(on: app.db, now: app.now)
            #expect(try await UserSession.query(on: app.db).filter(\.$userSID == world.owner.user.sid).count() == 1, "a held account's sessions are not purged")
            let lead = try #require(try await User.query(on: app.db).filter(\.$username == "staff.lead").first())
            _ = try await LegalHolds(database: app.db, now: app.now).release(try #require(hold.id), by: lead)
            try await PrivacyTestKit.runJobs(app)
            #expect(try await User.find(world.owner.user.sid, on: app.db)?.fullName == "Deleted user")
        }
    }

    @Test("PRV-6: only a trust-and-safety lead or an admin places a hold, with a case reference and a reason")
    func holdPage() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "avery")
            let (agent, _) = try await StandingTestKit.staffBrowser(app, role: .trustSafety)
            try await agent.get("/staff/privacy/holds")
            let refused = try await agent.post("/staff/privacy/holds", ["account_sid": customer.account.sid, "case_reference": "C-1", "reason": "Litigation hold for the case"])
            #expect(refused.errorCode == 20006)
            let (lead, _) = try await StandingTestKit.staffBrowser(app, role: .trustSafetyLead)
            try await lead.get("/staff/privacy/holds")
            let missing = try await lead.post("/staff/privacy/holds", ["account_sid": customer.account.sid, "case_reference": "", "reason": ""])
            #expect(missing.errorCode == 20001)
            #expect(missing.text.contains("id=\"case_reference-error\"") && missing.text.contains("id=\"reason-error\""), "every problem at once")
            let placed = try await lead.post("/staff/privacy/holds", ["account_sid": customer.account.sid, "case_reference": "C-1", "reason": "Litigation hold for the case"])
            #expect(placed.status == .ok)
            #expect(try await LegalHolds(database: app.db, now: app.now).active(on: customer.account.sid).count == 1)
        }
    }

    @Test("PRV-6: a deletion request under hold is accepted and shown on legal hold")
    func deletionUnderHold() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "avery")
            _ = try await PrivacyTestKit.placeHold(app, on: customer.account)
            let created = try await app.testing().sendRequest(.POST, "/v1/Accounts/\(customer.account.sid)/PrivacyRequests",
                                                              headers: TestData.json(customer.account.sid, customer.authToken), body: PrivacyTestKit.json(["type": "deletion"]))
            #expect(created.status == .created)
            try await PrivacyTestKit.runJobs(app)
            let shown = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(customer.account.sid)/PrivacyRequests/\(created.json["sid"] as? String ?? "")",
                                                            headers: TestData.json(customer.account.sid, customer.authToken))
            #expect(shown.json["legal_hold"] as? Bool == true)
            #expect((shown.json["progress"] as? String)?.contains("legal hold") == true)
            #expect(try await Account.find(customer.account.sid, on: app.db)?.standing == "active", "nothing happened to the account")
        }
    }
}
