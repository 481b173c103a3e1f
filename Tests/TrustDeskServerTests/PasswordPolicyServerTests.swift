import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("ACC-3, ACC-4, ACC-5: easily guessed passwords are refused wherever a password is chosen")
struct PasswordPolicyServerTests {
    @Test("The shipped list of common passwords is loaded at start")
    func shippedList() async throws {
        try await withTrustDesk { app in
            #expect(app.passwordPolicy.commonCount >= 30_000)
        }
    }

    @Test("ACC-3: sign-up refuses a trivial, a common and a self-describing password, says why, and stores nothing", arguments: [
        ("aaaaaaaaaa", "repeated or sequential"), ("password1234", "most commonly used"), ("noorhaddad2026", "your name"), ("Noor-Labs-2026", "your name"),
    ])
    func signUp(password: String, reason: String) async throws {
        try await withTrustDesk { app in
            let browser = Browser(app)
            try await browser.get("/signup")
            var form = SignUpTests.form
            form["password"] = password
            let refused = try await browser.post("/signup", form)
            #expect(refused.status == .badRequest)
            #expect(refused.errorCode == 20001)
            #expect(refused.text.contains(reason), "\(password)")
            #expect(try await Registration.query(on: app.db).count() == 0)
            #expect(try await TestData.mail(app, to: "noor@example.com").isEmpty)
        }
    }

    @Test("ACC-5: a reset refuses a password built from the user's own username and keeps the link usable")
    func reset() async throws {
        try await withTrustDesk { app in
            _ = try await TestData.customer(app, "omarkhan")
            let browser = Browser(app)
            let token = try await browser.requestReset("omarkhan@example.com")
            try await browser.get("/password/reset?token=\(token)")
            let refused = try await browser.post("/password/reset", ["token": token, "password": "omarkhan2026!", "password_confirmation": "omarkhan2026!"])
            #expect(refused.errorCode == 20001)
            #expect(refused.text.contains("your name, email address, username"))
            let done = try await browser.post("/password/reset", ["token": token, "password": "quiet-lantern-orbit", "password_confirmation": "quiet-lantern-orbit"])
            #expect(done.text.contains("id=\"password-changed\""))
        }
    }

    @Test("ACC-4: accepting an invitation refuses a common password and creates no login")
    func invitation() async throws {
        try await withTrustDesk { app in
            let owner = try await TestData.customer(app, "pia")
            let admin = Browser(app)
            _ = try await admin.signIn("pia")
            try await admin.get("/console/accounts/\(owner.account.sid)/teammates")
            _ = try await admin.post("/console/accounts/\(owner.account.sid)/teammates/invite", ["email": "rui@example.com", "role": "developer"])
            let mail = try #require(try await TestData.mail(app, to: "rui@example.com").first)
            let token = try #require(TestData.linkToken(mail.body, path: "/invitations/accept"))
            let invitee = Browser(app)
            try await invitee.get("/invitations/accept?token=\(token)")
            let refused = try await invitee.post("/invitations/accept", ["token": token, "full_name": "Rui Costa", "username": "rui", "password": "qwertyuiop"])
            #expect(refused.errorCode == 20001)
            #expect(try await User.query(on: app.db).filter(\.$username == "rui").count() == 0)
        }
    }
}

@Suite("ACC-5, SEC-2: a signed-in person changes their password")
struct PasswordChangeTests {
    @Test("Every problem is shown at once beside its field; nothing changes")
    func refusals() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "omarkhan")
            let browser = Browser(app)
            _ = try await browser.signIn("omarkhan")
            try await browser.get("/security")
            let refused = try await browser.post("/security/password", ["current_password": "not-my-password", "new_password": "omarkhan2026", "password_confirmation": "something-else"])
            #expect(refused.status == .unauthorized)
            for field in ["current_password", "new_password", "password_confirmation"] {
                #expect(refused.text.contains(#"id="\#(field)-error""#), "\(field)")
                #expect(refused.text.contains(#"aria-describedby="\#(field)-error" aria-invalid="true""#), "\(field)")
            }
            #expect(!refused.text.contains("not-my-password") && !refused.text.contains("omarkhan2026"))
            #expect(try await User.find(customer.user.sid, on: app.db)?.passwordHash == customer.user.passwordHash)
            let common = try await browser.post("/security/password", ["current_password": TestData.password, "new_password": "iloveyou12", "password_confirmation": "iloveyou12"])
            #expect(common.errorCode == 20001 && common.text.contains(#"id="new_password-error""#))
            #expect(!common.text.contains(#"id="current_password-error""#))
        }
    }

    @Test("SEC-2: guesses at the current password are throttled like sign-in")
    func throttled() async throws {
        try await withTrustDesk { app in
            _ = try await TestData.customer(app, "omarkhan")
            let browser = Browser(app)
            _ = try await browser.signIn("omarkhan")
            try await browser.get("/security")
            for _ in 0..<ThrottlePolicy.signInPerIdentity.limit {
                #expect(try await browser.post("/security/password", ["current_password": "guess-\(UUID())", "new_password": "quiet-lantern-orbit", "password_confirmation": "quiet-lantern-orbit"]).errorCode == 20003)
            }
            let blocked = try await browser.post("/security/password", ["current_password": TestData.password, "new_password": "quiet-lantern-orbit", "password_confirmation": "quiet-lantern-orbit"])
            #expect(blocked.errorCode == 20012)
        }
    }

    @Test("ACC-5: a good new password works at once, signs out every other session, keeps this one, and mails a notice")
    func change() async throws {
        try await withTrustDesk { app in
            _ = try await TestData.customer(app, "omarkhan")
            let elsewhere = Browser(app)
            _ = try await elsewhere.signIn("omarkhan")
            let browser = Browser(app)
            _ = try await browser.signIn("omarkhan")
            try await browser.get("/security")
            let changed = try await browser.post("/security/password", ["current_password": TestData.password, "new_password": "quiet-lantern-orbit", "password_confirmation": "quiet-lantern-orbit"])
            #expect(changed.status == .ok)
            #expect(changed.text.contains("Your password was changed"))
            #expect(try await browser.get("/security").status == .ok)
            #expect(try await elsewhere.get("/console").location == "/signin")
            #expect(try await browser.get("/console").location != "/signin")
            let mail = try #require(try await TestData.mail(app, to: "omarkhan@example.com").last)
            #expect(mail.subject == "Your TrustDesk password was changed" && mail.body.contains("every other session"))
            let again = Browser(app)
            #expect(try await again.signIn("omarkhan", password: "quiet-lantern-orbit").location == "/console")
            #expect(try await Browser(app).signIn("omarkhan").location != "/console")
        }
    }
}
