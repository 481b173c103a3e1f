import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("ACC-5, ACC-6: password reset and forgotten usernames")
struct RecoveryTests {
    @Test("ACC-5: a reset link mails the integrations warning, changes the password and ends every session")
    func reset() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "omar")
            let other = Browser(app)
            #expect(try await other.signIn("omar").location == "/console")

            let browser = Browser(app)
            try await browser.get("/password/forgot")
            let requested = try await browser.post("/password/forgot", ["email": "omar@example.com"])
            #expect(requested.text.contains("id=\"reset-requested\""))
            // The answer comes first; the mail is written by the recovery job.
            #expect(try await TestData.mail(app, to: "omar@example.com").isEmpty)
            #expect(try await app.sendRecoveryMail() == 1)
            let mail = try #require(try await TestData.mail(app, to: "omar@example.com").last)
            #expect(mail.subject == "Reset your TrustDesk password")
            #expect(mail.body.contains("API and SMTP integrations"))
            let token = try #require(TestData.linkToken(mail.body, path: "/password/reset"))

            let page = try await browser.get("/password/reset?token=\(token)")
            #expect(page.text.contains("id=\"integrations-warning\""))
            #expect(page.text.contains("API and SMTP integrations"))
            let done = try await browser.post("/password/reset", ["token": token, "password": "brand-new-password", "password_confirmation": "brand-new-password"])
            #expect(done.status == .ok)
            #expect(done.text.contains("id=\"password-changed\""))

            #expect(try await UserSession.query(on: app.db).filter(\.$userSID == customer.user.sid).count() == 0)
            #expect(try await other.get("/console").location == "/signin")
            #expect(try await browser.signIn("omar").errorCode == 20003)
            #expect(try await browser.signIn("omar", password: "brand-new-password").location == "/console")
            #expect(try await TestData.mail(app, to: "omar@example.com").contains { $0.subject == "Your TrustDesk password was changed" })

            let reused = try await browser.post("/password/reset", ["token": token, "password": "another-password-1", "password_confirmation": "another-password-1"])
            #expect(reused.errorCode == 20015)
        }
    }

    @Test("ACC-5: a reset link is valid for one hour")
    func resetExpires() async throws {
        try await withTrustDesk { app in
            _ = try await TestData.customer(app, "omar")
            let browser = Browser(app)
            let token = try await browser.requestReset("omar@example.com")
            app.clock.advance(by: 3601)
            let page = try await browser.get("/password/reset?token=\(token)")
            #expect(page.status == .gone)
            #expect(page.errorCode == 20014)
        }
    }

    @Test("ACC-5: mismatched or weak new passwords are refused and the link stays usable")
    func resetBadInput() async throws {
        try await withTrustDesk { app in
            _ = try await TestData.customer(app, "omar")
            let browser = Browser(app)
            let token = try await browser.requestReset("omar@example.com")
            try await browser.get("/password/reset?token=\(token)")
            #expect(try await browser.post("/password/reset", ["token": token, "password": "brand-new-password", "password_confirmation": "different-password"]).errorCode == 20001)
            #expect(try await browser.post("/password/reset", ["token": token, "password": "short", "password_confirmation": "short"]).errorCode == 20001)
            #expect(try await browser.post("/password/reset", ["token": token, "password": "brand-new-password", "password_confirmation": "brand-new-password"]).status == .ok)
        }
    }

    @Test("ACC-6: the username form answers the same for known and unknown addresses")
    func usernameNoEnumeration() async throws {
        try await withTrustDesk { app in
            _ = try await TestData.user(app, "omar.one", email: "omar@example.com")
            _ = try await TestData.user(app, "omar.two", email: "omar@example.com")
            let browser = Browser(app)
            try await browser.get("/username/forgot")
            let known = try await browser.post("/username/forgot", ["email": "omar@example.com"])
            let unknown = try await browser.post("/username/forgot", ["email": "nobody@example.com"])
            #expect(known.status == unknown.status)
            // Both did the same work: one queued request each, looked up only by the job.
            #expect(try await RecoveryRequest.query(on: app.db).count() == 2)
            #expect(try await app.sendRecoveryMail() == 2)
            #expect(try await RecoveryRequest.query(on: app.db).count() == 0)
            let strip: (String) -> String = { $0.replacingOccurrences(of: #"value="tdln_[A-Za-z0-9]+""#, with: "", options: .regularExpression)
                .replacingOccurrences(of: "omar@example.com", with: "X").replacingOccurrences(of: "nobody@example.com", with: "X") }
            #expect(strip(known.text) == strip(unknown.text))
            let mail = try await TestData.mail(app, to: "omar@example.com")
            #expect(mail.count == 1)
            #expect(mail.first?.body.contains("omar.one") == true && mail.first?.body.contains("omar.two") == true)
            #expect(try await TestData.mail(app, to: "nobody@example.com").isEmpty)
        }
    }

    @Test("ACC-5: the reset form answers the same for unknown addresses and sends nothing")
    func resetNoEnumeration() async throws {
        try await withTrustDesk { app in
            let browser = Browser(app)
            try await browser.get("/password/forgot")
            let response = try await browser.post("/password/forgot", ["email": "nobody@example.com"])
            #expect(response.status == .ok)
            #expect(response.text.contains("id=\"reset-requested\""))
            #expect(try await app.sendRecoveryMail() == 1)
            #expect(try await OutboxMessage.query(on: app.db).count() == 0)
        }
    }

    @Test("ACC-5: the recovery job mails each request once, also when two nodes run it at the same time, and drops what it can't read")
    func recoveryJobOnce() async throws {
        try await withTrustDesk { app in
            _ = try await TestData.customer(app, "omar")
            let browser = Browser(app)
            try await browser.get("/password/forgot")
            for _ in 0..<2 { _ = try await browser.post("/password/forgot", ["email": "omar@example.com"]) }
            let odd = RecoveryRequest(kind: .passwordReset, email: "omar@example.com", now: app.now)
            odd.kind = "something_else"
            try await odd.create(on: app.db)
            async let first = app.sendRecoveryMail()
            async let second = app.sendRecoveryMail()
            #expect(try await first + second == 2)
            #expect(try await TestData.mail(app, to: "omar@example.com").count == 2)
            #expect(try await RecoveryRequest.query(on: app.db).count() == 0)
            #expect(try await app.sendRecoveryMail() == 0)
        }
    }

    @Test("SEC-2: recovery forms are throttled per address")
    func recoveryThrottle() async throws {
        try await withTrustDesk { app in
            let browser = Browser(app)
            try await browser.get("/password/forgot")
            for _ in 0..<3 {
                #expect(try await browser.post("/password/forgot", ["email": "someone@example.com"]).status == .ok)
            }
            let blocked = try await browser.post("/password/forgot", ["email": "someone@example.com"])
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.errorCode == 20012)
        }
    }
}

extension Application {
    /// Runs the recovery job once, as the scheduler would; returns the requests it handled.
    func sendRecoveryMail() async throws -> Int {
        try await TrustDeskServer.Passwords(database: db, now: now, publicURL: trustDeskConfiguration.publicURL).sendDue()
    }
}
