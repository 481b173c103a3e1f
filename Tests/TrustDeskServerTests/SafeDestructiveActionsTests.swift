import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// Console actions that can't be undone (issue 11): each first POST changes nothing and
/// answers with a confirmation step that says what will happen; only that step's form does it.
/// Closing an account also needs its name typed, and a wrong one says why beside the field.
@Suite("Safe destructive actions in the customer console")
struct SafeDestructiveActionsTests {
    static func apiStatus(_ app: Application, _ username: String, _ secret: String, account: String) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.GET, "/v1/Accounts/\(account)", headers: TestData.basic(username, secret))
    }

    @Test("ACC-7: revoking a key asks first, naming the key, its dates and what stops; only the confirmation revokes it")
    func revokeKeyAsksFirst() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "kit", account: "Kit Rockets")
            let (key, secret) = try await Credentials(database: app.db, now: app.now).createKey(for: acme.account.sid, friendlyName: "Billing sync")
            let browser = try await StandingTestKit.customerBrowser(app, "kit")
            let credentials = "/console/accounts/\(acme.account.sid)/credentials"
            #expect(try await browser.get(credentials).text.contains(">never<"), "an unused key says so")
            #expect(try await Self.apiStatus(app, key.sid, secret, account: acme.account.sid).status == .ok)
            let used = try await browser.get(credentials)
            #expect(used.text.contains(DateDisplay.utc(app.now)), "last used, to the hour")
            #expect(!used.text.contains(">never<"))

            let revoke = "/console/accounts/\(acme.account.sid)/keys/\(key.sid)/revoke"
            let step = try await browser.post(revoke)
            #expect(step.status == .ok)
            #expect(step.text.contains("Revoke the API key Billing sync?"))
            #expect(step.text.contains(key.sid) && step.text.contains("Nothing has changed yet."))
            #expect(step.text.contains("refused from now on (401, error 20003)"))
            #expect(step.text.contains("name=\"confirm\" value=\"\(key.sid)\""))
            #expect(try await Self.apiStatus(app, key.sid, secret, account: acme.account.sid).status == .ok, "the first post revoked nothing")

            // A confirmation meant for another key is not this one's.
            let other = try await browser.post(revoke, ["confirm": "SK00000000000000000000000000000000"])
            #expect(other.text.contains("id=\"confirm-form\""))
            #expect(try await APIKey.find(key.sid, on: app.db)?.revokedAt == nil)

            let done = try await browser.post(revoke, ["confirm": key.sid])
            #expect(done.status == .ok)
            #expect(done.text.contains("Billing sync (\(key.sid)) revoked"))
            #expect(try await Self.apiStatus(app, key.sid, secret, account: acme.account.sid).errorCode == 20003)
            #expect(try await browser.post(revoke, ["confirm": key.sid]).errorCode == 20404, "a revoked key is gone from the console")
        }
    }

    @Test("ACC-4: removing a teammate asks first and names them; a refusal comes at once; only the confirmation removes")
    func removeTeammateAsksFirst() async throws {
        try await withTrustDesk { app in
            let owner = try await TestData.customer(app, "pia", account: "Pia Labs")
            let member = try await TestData.teammate(app, "uma", role: .billing, on: owner.account)
            let browser = try await StandingTestKit.customerBrowser(app, "pia")
            let team = Team(database: app.db, now: app.now, publicURL: "")
            let page = try await browser.get("/console/accounts/\(owner.account.sid)/teammates")
            #expect(page.text.contains("Remove…"))

            let remove = "/console/accounts/\(owner.account.sid)/teammates/\(member.sid)/remove"
            let step = try await browser.post(remove)
            #expect(step.status == .ok)
            #expect(step.text.contains("Remove Uma from Pia Labs?"))
            #expect(step.text.contains("uma@example.com") && step.text.contains("now billing"))
            #expect(try await team.role(of: member.sid, on: owner.account) == .billing, "the first post removed nobody")

            // The owner can't be removed: said at once, with no confirmation step to click through.
            let refused = try await browser.post("/console/accounts/\(owner.account.sid)/teammates/\(owner.user.sid)/remove")
            #expect(refused.errorCode == 20017)
            #expect(!refused.text.contains("id=\"confirm-form\""))

            #expect(try await browser.post(remove, ["confirm": owner.user.sid]).text.contains("id=\"confirm-form\""))
            #expect(try await team.role(of: member.sid, on: owner.account) == .billing)
            let done = try await browser.post(remove, ["confirm": member.sid])
            #expect(done.text.contains("Teammate removed."))
            #expect(try await team.role(of: member.sid, on: owner.account) == nil)
        }
    }

    @Test("ACC-4: transferring ownership asks first and says the owner becomes an admin; only the confirmation transfers")
    func transferAsksFirst() async throws {
        try await withTrustDesk { app in
            let owner = try await TestData.customer(app, "pia", account: "Pia Labs")
            let admin = try await TestData.teammate(app, "quin", role: .admin, on: owner.account)
            let browser = try await StandingTestKit.customerBrowser(app, "pia")
            let team = Team(database: app.db, now: app.now, publicURL: "")
            try await browser.get("/console/accounts/\(owner.account.sid)/teammates")
            let transfer = "/console/accounts/\(owner.account.sid)/teammates/\(admin.sid)/transfer"
            let step = try await browser.post(transfer)
            #expect(step.text.contains("Make Quin the owner of Pia Labs?"))
            #expect(step.text.contains("you become an admin"))
            #expect(try await team.role(of: owner.user.sid, on: owner.account) == .owner)
            #expect(try await team.role(of: admin.sid, on: owner.account) == .admin)

            #expect(try await browser.post(transfer, ["confirm": admin.sid]).text.contains("Ownership transferred."))
            #expect(try await team.role(of: admin.sid, on: owner.account) == .owner)
            #expect(try await team.role(of: owner.user.sid, on: owner.account) == .admin)
            let roles = try await Membership.query(on: app.db).filter(\.$accountSID == owner.account.sid).all().map(\.role)
            #expect(TeamPolicy.hasExactlyOneOwner(roles))
        }
    }

    @Test("ACC-4: the invitation form starts at the least-privileged role, and a refused one keeps the role chosen")
    func invitationDefault() async throws {
        try await withTrustDesk { app in
            let owner = try await TestData.customer(app, "pia", account: "Pia Labs")
            let browser = try await StandingTestKit.customerBrowser(app, "pia")
            let page = try await browser.get("/console/accounts/\(owner.account.sid)/teammates")
            #expect(page.text.contains("<option value=\"\(TeamPolicy.defaultInvitationRole.rawValue)\" selected>"))
            #expect(!page.text.contains("<option value=\"admin\" selected>"))
            let refused = try await browser.post("/console/accounts/\(owner.account.sid)/teammates/invite", ["email": "not-an-address", "role": "developer"])
            #expect(refused.errorCode == 20001)
            #expect(refused.text.contains("<option value=\"developer\" selected>"))
            #expect(refused.text.contains("value=\"not-an-address\""))
            #expect(try await Invitation.query(on: app.db).count() == 0)
        }
    }

    @Test("STD-10: closing asks first and says what happens; a wrong name changes nothing and says why beside the field; the name closes")
    func closeNeedsTheName() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "yve", account: "Yve Rockets")
            let (sub, _) = try await app.accounts(now: app.now).createSubaccount(of: acme.account, named: "Yve EU", limits: .standard)
            let owner = try await StandingTestKit.customerBrowser(app, "yve")
            let close = "/console/accounts/\(acme.account.sid)/standing/close"
            let standingPage = try await owner.get("/console/accounts/\(acme.account.sid)/standing")
            #expect(standingPage.text.contains("id=\"close-form\"") && standingPage.text.contains("class=\"danger\""))

            let step = try await owner.post(close)
            #expect(step.status == .ok)
            #expect(step.text.contains("Close Yve Rockets?") && step.text.contains("Nothing has changed yet."))
            #expect(step.text.contains("Yve EU") && step.text.contains(sub.sid), "the subaccount that stays open is named")
            #expect(step.text.contains("Within \(RetentionPolicy.accountDataDays) days its account data is deleted"))
            #expect(step.text.contains("yve@example.com"), "who is mailed")
            #expect(!step.text.contains("id=\"confirm-error\""))
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "active")

            for typed in ["yve rockets", acme.account.sid, ""] {
                let wrong = try await owner.post(close, ["confirm": typed])
                #expect(wrong.errorCode == ErrorCode.confirmationMismatch.rawValue, "\(typed)")
                #expect(wrong.text.contains("id=\"confirm-error\""), "beside the field: \(typed)")
                #expect(wrong.text.contains("aria-describedby=\"confirm-error\" aria-invalid=\"true\""))
                #expect(wrong.text.contains("value=\"\(typed)\""), "what was typed is kept: \(typed)")
                #expect(try await StandingTestKit.reload(app, acme.account).standing == "active")
            }
            #expect(try await StandingTestKit.records(app, acme.account).isEmpty)

            let closed = try await owner.post(close, ["confirm": " Yve Rockets "])
            #expect(closed.errorCode == nil)
            #expect(closed.text.contains("The account is closed."))
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "closed")
            #expect(try await StandingTestKit.reload(app, sub).standing == "active", "a subaccount is an account of its own (ACC-2)")
            #expect(try await StandingTestKit.records(app, acme.account).map(\.decidedBy) == [acme.user.sid])
        }
    }

    @Test("STD-1: owners confirming the same close from several browsers at once close it once, and the others are refused cleanly")
    func concurrentClose() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "ola", account: "Ola Ltd")
            let sid = acme.account.sid
            let statuses = try await withThrowingTaskGroup(of: (UInt, Int?).self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let browser = try await StandingTestKit.customerBrowser(app, "ola")
                        try await browser.get("/console/accounts/\(sid)/standing")
                        let answer = try await browser.post("/console/accounts/\(sid)/standing/close", ["confirm": "Ola Ltd"])
                        return (answer.status.code, answer.errorCode)
                    }
                }
                var all: [(UInt, Int?)] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.count == 4)
            #expect(statuses.allSatisfy { $0.0 < 500 }, "\(statuses)")
            #expect(statuses.filter { $0.1 == nil }.count >= 1)
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "closed")
            #expect(try await StandingTestKit.records(app, acme.account).count == 1, "one close, one record")
        }
    }
}
