import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("ACC-3: sign-up by emailed confirmation")
struct SignUpTests {
    static let form = [
        "full_name": "Noor Haddad", "email": "noor@example.com", "username": "noor",
        "password": "a-long-enough-password", "account_name": "Noor Labs",
    ]

    @Test("ACC-3: sign-up creates no account, only a pending registration and a confirmation mail")
    func signUpCreatesNothingYet() async throws {
        try await withTrustDesk { app in
            let browser = Browser(app)
            try await browser.get("/signup")
            let response = try await browser.post("/signup", Self.form)
            #expect(response.status == .ok)
            #expect(response.text.contains("id=\"signup-sent\""))
            #expect(try await Account.query(on: app.db).count() == 0)
            #expect(try await User.query(on: app.db).count() == 0)
            #expect(try await Registration.query(on: app.db).count() == 1)
            let mail = try await TestData.mail(app, to: "noor@example.com")
            #expect(mail.map(\.subject) == ["Confirm your email address"])
            #expect(TestData.linkToken(mail[0].body, path: "/signup/confirm") != nil)
            // The stored registration holds a bcrypt hash, never the password.
            let registration = try #require(try await Registration.query(on: app.db).first())
            #expect(!registration.passwordHash.contains("a-long-enough-password"))
        }
    }

    @Test("ACC-3: confirming creates the account and its owner, then the link is spent")
    func confirmCreatesAccount() async throws {
        try await withTrustDesk { app in
            let browser = Browser(app)
            let token = try await browser.signUp(Self.form)

            let confirmPage = try await browser.get("/signup/confirm?token=\(token)")
            #expect(confirmPage.status == .ok)
            #expect(confirmPage.text.contains("id=\"confirm-form\""))
            // Looking at the link does not spend it: mail scanners open links too.
            #expect(try await Account.query(on: app.db).count() == 0)

            let created = try await browser.post("/signup/confirm", ["token": token])
            #expect(created.status == .ok)
            let sid = try #require(capture(#"id="account-sid">(AC[0-9a-f]{32})<"#, in: created.text))
            let authToken = try #require(oneTimeSecret("auth-token", in: created.text))
            let account = try #require(try await Account.find(sid, on: app.db))
            #expect(account.friendlyName == "Noor Labs")
            #expect(account.primaryTokenHash == Secrets.hash(authToken))
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "noor").first())
            let membership = try #require(try await Membership.query(on: app.db).filter(\.$userSID == user.sid).first())
            #expect(membership.role == .owner)
            #expect(membership.accountSID == sid)

            let again = try await browser.post("/signup/confirm", ["token": token])
            #expect(again.status == .gone)
            #expect(again.errorCode == 20015)
            #expect(try await Account.query(on: app.db).count() == 1)

            let signIn = try await browser.signIn("noor", password: "a-long-enough-password")
            #expect(signIn.location == "/console")
        }
    }

    @Test("ACC-3: a confirmation link expires after 48 hours")
    func linkExpires() async throws {
        try await withTrustDesk { app in
            let browser = Browser(app)
            let token = try await browser.signUp(Self.form)
            app.clock.advance(by: 48 * 3600 + 1)
            let response = try await browser.post("/signup/confirm", ["token": token])
            #expect(response.status == .gone)
            #expect(response.errorCode == 20014)
            #expect(try await Account.query(on: app.db).count() == 0)
        }
    }

    @Test("ACC-3: unconfirmed registrations are purged after 7 days")
    func purge() async throws {
        try await withTrustDesk { app in
            let browser = Browser(app)
            try await browser.get("/signup")
            try await browser.post("/signup", Self.form)
            app.clock.advance(by: 6 * 86400)
            try await PlatformJobs.purgeExpired(on: app.db, now: app.now)
            #expect(try await Registration.query(on: app.db).count() == 1)
            app.clock.advance(by: 86400)
            try await PlatformJobs.purgeExpired(on: app.db, now: app.now)
            #expect(try await Registration.query(on: app.db).count() == 0)
        }
    }

    @Test("ACC-3: an address that already has a login gets the same answer and a reminder, not a second login")
    func existingAddress() async throws {
        try await withTrustDesk { app in
            _ = try await TestData.customer(app, "noor.existing").user
            let existing = try await User.query(on: app.db).first()
            existing?.email = "noor@example.com"
            try await existing?.save(on: app.db)
            let browser = Browser(app)
            try await browser.get("/signup")
            let response = try await browser.post("/signup", Self.form)
            #expect(response.status == .ok)
            #expect(response.text.contains("id=\"signup-sent\""))
            #expect(try await Registration.query(on: app.db).count() == 0)
            #expect(try await TestData.mail(app, to: "noor@example.com").map(\.subject) == ["You already have a TrustDesk login"])
        }
    }

    @Test("ACC-3: a signed-in user creates another account without confirming again")
    func unifiedLoginCreatesAccountAtOnce() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "rafa")
            let browser = Browser(app)
            _ = try await browser.signIn("rafa")
            let response = try await browser.post("/console/accounts", ["account_name": "Rafa Second"])
            #expect(response.status == .ok)
            #expect(try await Membership.query(on: app.db).filter(\.$userSID == customer.user.sid).count() == 2)
            #expect(try await Registration.query(on: app.db).count() == 0)
        }
    }

    @Test("ACC-3: bad sign-up input is answered next to the form, and nothing is stored", arguments: [
        ("email", "not-an-email", 20001), ("username", "x", 20001), ("password", "short", 20001),
        ("account_name", "", 20001), ("full_name", String(repeating: "n", count: 101), 20001),
    ])
    func badInput(field: String, value: String, code: Int) async throws {
        try await withTrustDesk { app in
            let browser = Browser(app)
            try await browser.get("/signup")
            var form = Self.form
            form[field] = value
            let response = try await browser.post("/signup", form)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == code)
            #expect(response.text.contains("id=\"signup-form\""))
            #expect(try await Registration.query(on: app.db).count() == 0)
            #expect(try await OutboxMessage.query(on: app.db).count() == 0)
        }
    }

    @Test("ACC-3: a taken username is refused before anything is stored")
    func takenUsername() async throws {
        try await withTrustDesk { app in
            _ = try await TestData.customer(app, "noor")
            let browser = Browser(app)
            try await browser.get("/signup")
            let response = try await browser.post("/signup", Self.form)
            #expect(response.errorCode == 20011)
            #expect(try await Registration.query(on: app.db).count() == 0)
        }
    }

    @Test("ACC-3: HTML in names is stored as typed and shown escaped")
    func htmlIsEscaped() async throws {
        try await withTrustDesk { app in
            let browser = Browser(app)
            var form = Self.form
            form["account_name"] = "<script>alert('x')</script>"
            let token = try await browser.signUp(form)
            let page = try await browser.get("/signup/confirm?token=\(token)")
            #expect(!page.text.contains("<script>alert"))
            #expect(page.text.contains("&lt;script&gt;"))
        }
    }
}
