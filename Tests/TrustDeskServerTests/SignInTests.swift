import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("ACC-8, SEC-2, SEC-5: sign-in, two-factor, sessions")
struct SignInTests {
    @Test("ACC-8: sign-in with a password starts a database session; sign-out ends it")
    func passwordSignIn() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "lina")
            let browser = Browser(app)
            let response = try await browser.signIn("lina")
            #expect(response.status == .seeOther)
            #expect(response.location == "/console")
            #expect(try await UserSession.query(on: app.db).filter(\.$userSID == customer.user.sid).count() == 1)
            let console = try await browser.get("/console/accounts/\(customer.account.sid)")
            #expect(console.status == .ok)
            #expect(console.text.contains(customer.account.sid))

            let out = try await browser.post("/signout")
            #expect(out.location == "/signin")
            #expect(try await UserSession.query(on: app.db).count() == 0)
            #expect(try await browser.get("/console").location == "/signin")
        }
    }

    @Test("ACC-8: wrong and unknown usernames get the same answer")
    func wrongPassword() async throws {
        try await withTrustDesk { app in
            _ = try await TestData.customer(app, "lina")
            let browser = Browser(app)
            let wrong = try await browser.signIn("lina", password: "not-the-password")
            let unknown = try await browser.signIn("nobody-here", password: "not-the-password")
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(wrong.errorCode == 20003)
            #expect(capture(#"role="alert">(.*?)</p>"#, in: wrong.text) == capture(#"role="alert">(.*?)</p>"#, in: unknown.text))
            #expect(try await UserSession.query(on: app.db).count() == 0)
        }
    }

    @Test("SEC-2: after 5 wrong passwords the right one is refused too, until the window passes")
    func signInThrottle() async throws {
        try await withTrustDesk { app in
            _ = try await TestData.customer(app, "lina")
            let browser = Browser(app)
            for _ in 0..<5 {
                #expect(try await browser.signIn("lina", password: "guess-guess-guess").errorCode == 20003)
            }
            let blocked = try await browser.signIn("lina")
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.errorCode == 20012)
            app.clock.advance(by: 15 * 60)
            #expect(try await browser.signIn("lina").location == "/console")
        }
    }

    @Test("SEC-1: passwords are stored with bcrypt at cost 12 or more")
    func bcryptCost() async throws {
        try await withTrustDesk(passwordCost: 12) { app in
            let browser = Browser(app)
            try await browser.get("/signup")
            try await browser.post("/signup", SignUpTests.form)
            let registration = try #require(try await Registration.query(on: app.db).first())
            #expect(registration.passwordHash.hasPrefix("$2b$12$") || registration.passwordHash.hasPrefix("$2a$12$") || registration.passwordHash.hasPrefix("$2y$12$"))
        }
    }

    /// Enrols two-factor through the pages and returns the secret and the recovery codes.
    static func enrol(_ browser: Browser, app: Application) async throws -> (secret: [UInt8], codes: [String]) {
        try await browser.get("/security")
        let start = try await browser.post("/security/two-factor/start")
        let base32 = try #require(oneTimeSecret("totp-secret", in: start.text))
        let secret = try #require(Base32.decode(base32))
        let confirmed = try await browser.post("/security/two-factor/confirm", ["code": TestData.code(app, secret: secret)])
        #expect(confirmed.status == .ok)
        let codes = try #require(oneTimeSecret("recovery-codes", in: confirmed.text)).split(separator: "\n").map(String.init)
        return (secret, codes)
    }

    @Test("ACC-8: enrolled users sign in with a TOTP code, and each code works once")
    func totpSignIn() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "mei")
            let browser = Browser(app)
            _ = try await browser.signIn("mei")
            let (secret, codes) = try await Self.enrol(browser, app: app)
            #expect(codes.count == 10)
            let stored = try #require(try await User.find(customer.user.sid, on: app.db))
            #expect(stored.twoFactorEnabled)
            #expect(try await RecoveryCode.query(on: app.db).filter(\.$userSID == customer.user.sid).count() == 10)
            #expect(try await TestData.mail(app, to: "mei@example.com").contains { $0.subject == "Two-factor authentication enabled" })
            try await browser.post("/signout")

            app.clock.advance(by: 30)
            let password = try await browser.signIn("mei")
            #expect(password.location == "/signin/two-factor")
            // Half signed in is not signed in.
            #expect(try await browser.get("/console").location == "/signin")
            try await browser.get("/signin/two-factor")
            let code = TestData.code(app, secret: secret)
            let done = try await browser.post("/signin/two-factor", ["code": code])
            #expect(done.location == "/console")
            #expect(try await browser.get("/console").location == "/console/accounts/\(customer.account.sid)")
            try await browser.post("/signout")

            // The same code again, within its 30 seconds: refused.
            _ = try await browser.signIn("mei")
            try await browser.get("/signin/two-factor")
            let replay = try await browser.post("/signin/two-factor", ["code": code])
            #expect(replay.status == .unauthorized)
            #expect(replay.errorCode == 20016)
        }
    }

    @Test("ACC-8: a recovery code signs in once")
    func recoveryCode() async throws {
        try await withTrustDesk { app in
            _ = try await TestData.customer(app, "mei")
            let browser = Browser(app)
            _ = try await browser.signIn("mei")
            let (_, codes) = try await Self.enrol(browser, app: app)
            try await browser.post("/signout")
            let code = try #require(codes.first)

            _ = try await browser.signIn("mei")
            try await browser.get("/signin/two-factor")
            #expect(try await browser.post("/signin/two-factor", ["code": code.uppercased()]).location == "/console")
            try await browser.post("/signout")

            _ = try await browser.signIn("mei")
            try await browser.get("/signin/two-factor")
            #expect(try await browser.post("/signin/two-factor", ["code": code]).errorCode == 20016)
        }
    }

    @Test("ACC-8: staff must enrol two-factor before reaching the staff console, and can't turn it off")
    func staffMustEnrol() async throws {
        try await withTrustDesk { app in
            _ = try await TestData.staff(app, "staff.new", role: .agent, enrolled: false)
            let browser = Browser(app)
            #expect(try await browser.signIn("staff.new").location == "/security")
            #expect(try await browser.get("/staff/accounts").location == "/security")
            _ = try await Self.enrol(browser, app: app)
            #expect(try await browser.get("/staff/accounts").status == .ok)
            let security = try await browser.get("/security")
            #expect(!security.text.contains("totp-disable-form"))
        }
    }

    @Test("ACC-8: enrolled staff sign in with password then code")
    func staffSignIn() async throws {
        try await withTrustDesk { app in
            _ = try await TestData.staff(app, "staff.alex", role: .agent)
            let browser = Browser(app)
            #expect(try await browser.signIn("staff.alex").location == "/signin/two-factor")
            try await browser.get("/signin/two-factor")
            #expect(try await browser.post("/signin/two-factor", ["code": TestData.code(app)]).location == "/staff")
            #expect(try await browser.get("/staff/accounts").status == .ok)
        }
    }

    @Test("SEC-2: two-factor guesses are throttled")
    func twoFactorThrottle() async throws {
        try await withTrustDesk { app in
            _ = try await TestData.staff(app, "staff.alex", role: .agent)
            let browser = Browser(app)
            _ = try await browser.signIn("staff.alex")
            try await browser.get("/signin/two-factor")
            for _ in 0..<5 {
                #expect(try await browser.post("/signin/two-factor", ["code": "000000"]).errorCode == 20016)
            }
            #expect(try await browser.post("/signin/two-factor", ["code": TestData.code(app)]).errorCode == 20012)
        }
    }

    @Test("SEC-5: a form post without the CSRF token is refused and changes nothing")
    func csrfRequired() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "lina")
            let browser = Browser(app)
            _ = try await browser.signIn("lina")
            let forged = try await browser.post("/console/accounts/\(customer.account.sid)/keys", ["friendly_name": "forged"], csrf: false)
            #expect(forged.status == .forbidden)
            #expect(forged.errorCode == 20013)
            let wrong = try await browser.post("/console/accounts/\(customer.account.sid)/keys", ["friendly_name": "forged", "csrf_token": "tdln_" + String(repeating: "A", count: 32)])
            #expect(wrong.errorCode == 20013)
            #expect(try await APIKey.query(on: app.db).count() == 0)
        }
    }

    @Test("SEC-5: session cookies are HttpOnly and SameSite, and Secure behind https")
    func cookieAttributes() async throws {
        try await withTrustDesk(publicURL: "https://trustdesk.example.com") { app in
            _ = try await TestData.customer(app, "lina")
            try await app.testing().test(.GET, "/signin") { response in
                let csrf = try #require(response.headers[.setCookie].first { $0.hasPrefix("td_csrf=") })
                #expect(csrf.contains("HttpOnly") && csrf.contains("Secure") && csrf.contains("SameSite=Strict"))
                #expect(response.headers.first(name: "Strict-Transport-Security") != nil)
            }
            let browser = Browser(app)
            try await browser.get("/signin")
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            headers.replaceOrAdd(name: .cookie, value: "td_csrf=\(browser.csrfToken ?? "")")
            let body = Browser.formEncode(["username": "lina", "password": TestData.password, "csrf_token": browser.csrfToken ?? ""])
            let response = try await app.testing().sendRequest(.POST, "/signin", headers: headers, body: ByteBuffer(string: body))
            let session = try #require(response.headers[.setCookie].first { $0.hasPrefix("td_session=") })
            #expect(session.contains("HttpOnly") && session.contains("Secure") && session.contains("SameSite=Lax"))
        }
    }

    @Test("SEC-5: pages carry security headers")
    func securityHeaders() async throws {
        try await withTrustDesk { app in
            try await app.testing().test(.GET, "/signin") { response in
                #expect(response.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
                #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(response.headers.first(name: "X-Frame-Options") == "DENY")
                #expect(response.headers.first(name: "Referrer-Policy") == "same-origin")
                #expect(response.headers.first(name: .cacheControl) == "no-store")
            }
        }
    }

    @Test("SEC-5: a session cookie from before sign-in is replaced at sign-in")
    func sessionFixation() async throws {
        try await withTrustDesk { app in
            _ = try await TestData.customer(app, "lina")
            let browser = Browser(app)
            let planted = Secrets.generate(.session)
            browser.setCookie("td_session", planted)
            _ = try await browser.signIn("lina")
            #expect(browser.cookies["td_session"] != planted)
            #expect(try await UserSession.find(Secrets.hash(planted), on: app.db) == nil)
        }
    }
}
