import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("PRV-5, PRV-8: usage deletion and under-age reports")
struct PrivacyUsageAndUnderageTests {
    static func admitted(_ app: Application, account: String, count: Int, at: Date) async throws {
        for index in 0..<count {
            let message = AdmittedMessage()
            message.id = SID.generate(.smsMessage).rawValue
            message.accountSID = account
            message.admittedAt = at.addingTimeInterval(Double(index))
            try await message.create(on: app.db)
        }
    }

    @Test("PRV-5: a usage deletion removes the range's admitted messages in batches, its progress readable; hourly counts stay; a bad range is 20001")
    func usageDeletion() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "avery")
            let other = try await TestData.customer(app, "harper")
            let day = app.now.addingTimeInterval(-2 * 86_400)
            try await Self.admitted(app, account: customer.account.sid, count: 1_203, at: day)
            try await Self.admitted(app, account: customer.account.sid, count: 5, at: app.now.addingTimeInterval(-3600))
            try await Self.admitted(app, account: other.account.sid, count: 7, at: day)
            let bucket = QuotaBucket()
            bucket.id = UUID()
            bucket.accountSID = customer.account.sid
            bucket.bucket = 10
            bucket.granted = 1_208
            try await bucket.create(on: app.db)
            let path = "/v1/Accounts/\(customer.account.sid)/UsageDeletions"
            let headers = TestData.json(customer.account.sid, customer.authToken)
            let bad = try await app.testing().sendRequest(.POST, path, headers: headers, body: PrivacyTestKit.json(["from": "2026-03-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"]))
            #expect(bad.errorCode == 20001)
            let created = try await app.testing().sendRequest(.POST, path, headers: headers, body: PrivacyTestKit.json(["from": "2026-02-27T00:00:00Z", "to": "2026-03-01T00:00:00Z"]))
            #expect(created.status == .created)
            #expect(created.json["rows_total"] as? Int == 1_203)
            #expect(created.json["status"] as? String == "queued")
            let id = try #require(created.json["sid"] as? String)
            let deletion = try #require(try await UsageDeletion.find(UUID(uuidString: id), on: app.db))
            try await UsageDeletions(database: app.db, now: app.now).run(deletion, batches: 1)
            let partway = try await app.testing().sendRequest(.GET, "\(path)/\(id)", headers: headers)
            #expect(partway.json["rows_deleted"] as? Int == 1_000)
            #expect(partway.json["status"] as? String == "running")
            try await PrivacyTestKit.runJobs(app)
            let done = try await app.testing().sendRequest(.GET, "\(path)/\(id)", headers: headers)
            #expect(done.json["rows_deleted"] as? Int == 1_203)
            #expect(done.json["status"] as? String == "complete")
            #expect(try await AdmittedMessage.query(on: app.db).filter(\.$accountSID == customer.account.sid).count() == 5, "outside the range stays")
            #expect(try await AdmittedMessage.query(on: app.db).filter(\.$accountSID == other.account.sid).count() == 7, "SEC-3: another tenant's rows stay")
            #expect(try await QuotaBucket.query(on: app.db).filter(\.$accountSID == customer.account.sid).first()?.granted == 1_208, "PT-3's hourly counts stay")
            #expect(try await PrivacyTestKit.ledger(app, account: customer.account.sid).contains { $0.action == "usage_deletion" && $0.rowsTotal == 1_203 })
        }
    }

    @Test("PRV-8: a report about an unknown user gets the same answer as one about a known user; confirmed, the person's data goes and their account closes")
    func underage() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "kid")
            try await UserSession(idHash: "kid-session", user: customer.user.sid, stage: .signedIn, now: app.now, lifetime: 86_400).create(on: app.db)
            let browser = Browser(app)
            try await browser.get("/privacy/report-underage")
            let unknown = try await browser.post("/privacy/report-underage", ["reported": "no.such.user", "reporter_email": "parent@example.com",
                                                                                "details": "My child signed up without asking."])
            try await browser.get("/privacy/report-underage")
            let known = try await browser.post("/privacy/report-underage", ["reported": "kid", "reporter_email": "parent@example.com",
                                                                              "details": "My child signed up without asking."])
            #expect(unknown.status == .ok && known.status == .ok)
            #expect(capture(#"<main id="main">(.*)</main>"#, in: unknown.text) == capture(#"<main id="main">(.*)</main>"#, in: known.text))
            let invalid = try await browser.post("/privacy/report-underage", ["reported": "kid", "reporter_email": "nope", "details": "short"])
            #expect(invalid.errorCode == 20001)
            #expect(invalid.text.contains("id=\"reporter_email-error\"") && invalid.text.contains("id=\"details-error\""))

            let report = try #require(try await UnderAgeReport.query(on: app.db).filter(\.$userSID == customer.user.sid).first())
            let number = try #require(report.ticketNumber)
            let ticket = try #require(try await Ticket.find(number, on: app.db))
            #expect(ticket.topic == ConsumerTrustTopic.underageUser.rawValue)

            let (staff, _) = try await StandingTestKit.staffBrowser(app, role: .consumerTrust)
            try await staff.get("/staff/privacy")
            let confirmed = try await staff.post("/staff/privacy/underage/\(try #require(report.id).uuidString.lowercased())/confirm")
            #expect(confirmed.status == .ok)
            let account = try #require(try await Account.find(customer.account.sid, on: app.db))
            #expect(account.standing == "closed")
            #expect(try await EnforcementRecord.query(on: app.db).filter(\.$accountSID == account.sid).filter(\.$reason == "underage").count() == 1)
            #expect(try await UserSession.query(on: app.db).filter(\.$userSID == customer.user.sid).count() == 0, "sessions end")
            app.clock.advance(by: 60)
            try await PrivacyTestKit.runJobs(app)
            let user = try #require(try await User.find(customer.user.sid, on: app.db))
            #expect(user.fullName == "Deleted user" && user.email.hasSuffix("@deleted.invalid"))
            #expect(try await UnderAgeReport.find(report.id, on: app.db)?.reportStatus == .complete)
            #expect(try await PrivacyLedgerEntry.query(on: app.db).filter(\.$action == "underage_removal").count() == 1)
        }
    }
}

@Suite("PRV-7: marketing opt-out")
struct MarketingOptOutTests {
    @Test("PRV-7: marketing is off by default; after opt-out a queued announcement is never delivered, while a reset mail is")
    func optOut() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "avery")
            let (admin, _) = try await StandingTestKit.staffBrowser(app, role: .admin)
            try await admin.get("/staff/privacy/announcements")
            let none = try await admin.post("/staff/privacy/announcements", ["subject": "Spring news", "body": "New features this spring."])
            #expect(none.text.contains("queued for 0 people"), "off by default")

            let browser = try await PrivacyTestKit.signedIn(app, "avery")
            try await browser.get("/console/privacy")
            try await browser.post("/console/privacy/marketing", ["marketing_opt_in": "true"])
            try await admin.get("/staff/privacy/announcements")
            let one = try await admin.post("/staff/privacy/announcements", ["subject": "Spring news", "body": "New features this spring."])
            #expect(one.text.contains("queued for 1 people"))
            let queued = try #require(try await TestData.mail(app, to: customer.user.email).last { $0.kind == "announcement" })
            #expect(queued.body.contains("/privacy/unsubscribe?user=\(customer.user.sid)&token="))

            try await browser.post("/console/privacy/marketing", [:])
            let passwords = Passwords(database: app.db, now: app.now, publicURL: "http://127.0.0.1:8080")
            try await passwords.request(.passwordReset, email: customer.user.email)
            _ = try await passwords.sendDue()
            let transport = FlakyTransport(failures: 0)
            _ = try await OutboxDelivery(database: app.db, transport: transport, from: "TrustDesk <no-reply@trustdesk.example.com>", logger: app.logger).deliverDue(now: app.now)
            let subjects = transport.delivered.map(\.subject)
            #expect(!subjects.contains("Spring news"), "the queued announcement is withheld")
            #expect(subjects.contains("Reset your TrustDesk password"), "service mail still goes")
            #expect(try await OutboxMessage.find(queued.id, on: app.db)?.lastError?.hasPrefix("not sent") == true)
        }
    }

    @Test("PRV-7: the one-click link opts out without a session; a forged one is refused")
    func oneClick() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "avery")
            try await PrivacyPreferences(database: app.db, now: app.now).setMarketing(true, for: customer.user.sid)
            let token = PrivacyPreferences.unsubscribeToken(for: customer.user.sid, box: app.secretBox)
            let forged = try await app.testing().sendRequest(.POST, "/privacy/unsubscribe/one-click?user=\(customer.user.sid)&token=\(String(repeating: "0", count: 64))")
            #expect(forged.errorCode == 20014)
            let ok = try await app.testing().sendRequest(.POST, "/privacy/unsubscribe/one-click?user=\(customer.user.sid)&token=\(token)",
                                                         headers: ["Content-Type": "application/x-www-form-urlencoded"], body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
            #expect(ok.status == .ok)
            #expect(try await PrivacyPreferences(database: app.db, now: app.now).preference(of: customer.user.sid).marketingOptIn == false)
        }
    }
}
