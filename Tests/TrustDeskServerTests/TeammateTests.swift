import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("ACC-4: teammates in the console")
struct TeammateTests {
    @Test("ACC-4: an admin invites by email; the invitee creates a login and joins with that role")
    func inviteAndAccept() async throws {
        try await withTrustDesk { app in
            let owner = try await TestData.customer(app, "pia")
            _ = try await TestData.teammate(app, "quin", role: .admin, on: owner.account)
            let admin = Browser(app)
            _ = try await admin.signIn("quin")
            try await admin.get("/console/accounts/\(owner.account.sid)/teammates")
            let invited = try await admin.post("/console/accounts/\(owner.account.sid)/teammates/invite", ["email": "Rui@Example.com", "role": "developer"])
            #expect(invited.status == .ok)
            #expect(invited.text.contains("rui@example.com as Developer"))
            let mail = try #require(try await TestData.mail(app, to: "rui@example.com").first)
            let token = try #require(TestData.linkToken(mail.body, path: "/invitations/accept"))

            let invitee = Browser(app)
            let page = try await invitee.get("/invitations/accept?token=\(token)")
            #expect(page.text.contains("Developer"))
            let joined = try await invitee.post("/invitations/accept", ["token": token, "full_name": "Rui Costa", "username": "rui", "password": "rui-password-123"])
            #expect(joined.location == "/console/accounts/\(owner.account.sid)")
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "rui").first())
            #expect(user.email == "rui@example.com")
            let role = try await Team(database: app.db, now: app.now, publicURL: "").role(of: user.sid, on: owner.account)
            #expect(role == .developer)
            #expect(try await invitee.post("/invitations/accept", ["token": token, "full_name": "X", "username": "rui2", "password": "rui-password-123"]).errorCode == 20015)
        }
    }

    @Test("ACC-4: roles without the permission can't manage teammates or credentials")
    func permissionsEnforced() async throws {
        try await withTrustDesk { app in
            let owner = try await TestData.customer(app, "pia")
            _ = try await TestData.teammate(app, "sol", role: .developer, on: owner.account)
            _ = try await TestData.teammate(app, "tao", role: .support, on: owner.account)
            let developer = Browser(app)
            _ = try await developer.signIn("sol")
            try await developer.get("/console/accounts/\(owner.account.sid)/teammates")
            let invite = try await developer.post("/console/accounts/\(owner.account.sid)/teammates/invite", ["email": "x@example.com", "role": "admin"])
            #expect(invite.errorCode == 20006)
            #expect(try await Invitation.query(on: app.db).count() == 0)
            #expect(try await developer.get("/console/accounts/\(owner.account.sid)/credentials").status == .ok)

            let support = Browser(app)
            _ = try await support.signIn("tao")
            let credentials = try await support.get("/console/accounts/\(owner.account.sid)/credentials")
            #expect(credentials.status == .forbidden)
            #expect(credentials.errorCode == 20006)
            try await support.get("/console/accounts/\(owner.account.sid)")
            #expect(try await support.post("/console/accounts/\(owner.account.sid)/keys", ["friendly_name": "sneaky"]).errorCode == 20006)
            #expect(try await APIKey.query(on: app.db).count() == 0)
        }
    }

    @Test("ACC-4: the owner can't be removed or demoted; transfer keeps exactly one owner")
    func exactlyOneOwner() async throws {
        try await withTrustDesk { app in
            let owner = try await TestData.customer(app, "pia")
            let admin = try await TestData.teammate(app, "quin", role: .admin, on: owner.account)
            let adminBrowser = Browser(app)
            _ = try await adminBrowser.signIn("quin")
            try await adminBrowser.get("/console/accounts/\(owner.account.sid)/teammates")
            #expect(try await adminBrowser.post("/console/accounts/\(owner.account.sid)/teammates/\(owner.user.sid)/remove").errorCode == 20017)
            #expect(try await adminBrowser.post("/console/accounts/\(owner.account.sid)/teammates/\(owner.user.sid)/role", ["role": "support"]).errorCode == 20017)
            #expect(try await adminBrowser.post("/console/accounts/\(owner.account.sid)/teammates/\(admin.sid)/transfer").errorCode == 20006)

            let ownerBrowser = Browser(app)
            _ = try await ownerBrowser.signIn("pia")
            try await ownerBrowser.get("/console/accounts/\(owner.account.sid)/teammates")
            let transferred = try await ownerBrowser.post("/console/accounts/\(owner.account.sid)/teammates/\(admin.sid)/transfer", ["confirm": admin.sid])
            #expect(transferred.status == .ok)
            let roles = try await Membership.query(on: app.db).filter(\.$accountSID == owner.account.sid).all().map(\.role)
            #expect(TeamPolicy.hasExactlyOneOwner(roles))
            let team = Team(database: app.db, now: app.now, publicURL: "")
            #expect(try await team.role(of: admin.sid, on: owner.account) == .owner)
            #expect(try await team.role(of: owner.user.sid, on: owner.account) == .admin)
        }
    }

    @Test("ACC-4: an admin changes a role and removes a teammate, who then loses access")
    func changeAndRemove() async throws {
        try await withTrustDesk { app in
            let owner = try await TestData.customer(app, "pia")
            let member = try await TestData.teammate(app, "uma", role: .billing, on: owner.account)
            let browser = Browser(app)
            _ = try await browser.signIn("pia")
            try await browser.get("/console/accounts/\(owner.account.sid)/teammates")
            #expect(try await browser.post("/console/accounts/\(owner.account.sid)/teammates/\(member.sid)/role", ["role": "developer"]).status == .ok)
            let team = Team(database: app.db, now: app.now, publicURL: "")
            #expect(try await team.role(of: member.sid, on: owner.account) == .developer)
            #expect(try await browser.post("/console/accounts/\(owner.account.sid)/teammates/\(member.sid)/role", ["role": "owner"]).errorCode == 20017)
            #expect(try await browser.post("/console/accounts/\(owner.account.sid)/teammates/\(member.sid)/role", ["role": "emperor"]).errorCode == 20001)
            #expect(try await browser.post("/console/accounts/\(owner.account.sid)/teammates/\(member.sid)/remove", ["confirm": member.sid]).status == .ok)

            let removed = Browser(app)
            _ = try await removed.signIn("uma")
            #expect(try await removed.get("/console/accounts/\(owner.account.sid)").errorCode == 20404)
        }
    }

    @Test("SEC-3: a customer can't open another tenant's console pages")
    func consoleIsolation() async throws {
        try await withTrustDesk { app in
            _ = try await TestData.customer(app, "pia")
            let other = try await TestData.customer(app, "vic")
            let browser = Browser(app)
            _ = try await browser.signIn("pia")
            for path in ["", "/credentials", "/teammates"] {
                let response = try await browser.get("/console/accounts/\(other.account.sid)\(path)")
                #expect(response.status == .notFound)
                #expect(!response.text.contains("Vic Inc"))
            }
            #expect(try await browser.post("/console/accounts/\(other.account.sid)/keys", ["friendly_name": "x"]).status == .notFound)
            #expect(try await browser.get("/staff/accounts").status == .notFound)
        }
    }

    @Test("ACC-2: the console creates subaccounts under the main account and shows the token once")
    func consoleSubaccounts() async throws {
        try await withTrustDesk { app in
            let owner = try await TestData.customer(app, "pia")
            let browser = Browser(app)
            _ = try await browser.signIn("pia")
            try await browser.get("/console/accounts/\(owner.account.sid)")
            let created = try await browser.post("/console/accounts/\(owner.account.sid)/subaccounts", ["friendly_name": "Pia EU"])
            let subSID = try #require(capture(#"id="new-subaccount-sid">(AC[0-9a-f]{32})<"#, in: created.text))
            let token = try #require(oneTimeSecret("new-subaccount-token", in: created.text))
            let sub = try #require(try await Account.find(subSID, on: app.db))
            #expect(sub.ownerAccountSID == owner.account.sid)
            #expect(sub.primaryTokenHash == Secrets.hash(token))
            // Team members of the parent reach the subaccount's pages.
            let subPage = try await browser.get("/console/accounts/\(subSID)")
            #expect(subPage.status == .ok)
            #expect(!subPage.text.contains("id=\"subaccount-form\""))
            #expect(!(try await browser.get("/console/accounts/\(owner.account.sid)")).text.contains(token))
        }
    }
}
