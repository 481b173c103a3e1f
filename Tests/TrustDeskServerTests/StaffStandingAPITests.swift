import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// A staff member with a personal API key; returns Basic headers for it.
func staffKey(_ app: Application, role: StaffRole, _ username: String? = nil) async throws -> (User, HTTPHeaders) {
    let staff = try await TestData.staff(app, username ?? "api.\(role.rawValue)", role: role)
    let (key, secret) = try await StaffCredentials(database: app.db, now: app.now).create(for: staff, friendlyName: "script")
    return (staff, TestData.json(key.sid, secret))
}

private func post(_ app: Application, _ path: String, _ headers: HTTPHeaders, _ json: String) async throws -> TestingHTTPResponse {
    try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: json))
}

private func audits(_ app: Application, _ staff: User, _ action: String) async throws -> [StaffAuditEvent] {
    try await StaffAuditEvent.query(on: app.db).filter(\.$staffUserSID == staff.sid).filter(\.$action == action).all()
}

@Suite("STD and SEC-3: the staff standing API")
struct StaffStandingAPITests {
    @Test("SEC-1: a staff member with two-factor creates a personal API key on a staff page; the secret is shown once, stored hashed, and revoking stops it")
    func keysFromThePage() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "ada")
            let (browser, staff) = try await StandingTestKit.staffBrowser(app, role: .consumerTrust)
            #expect(try await browser.get("/security").text.contains("href=\"/staff/api-keys\""))
            try await browser.get("/staff/api-keys")
            let created = try await browser.post("/staff/api-keys", ["friendly_name": "Review script"])
            let sid = try #require(capture(#"id="new-key-sid">([^<]+)<"#, in: created.text))
            let secret = try #require(oneTimeSecret("new-key-secret", in: created.text))
            #expect(sid.hasPrefix("SA") && secret.hasPrefix("tdsa_"))
            let stored = try #require(try await StaffAPIKey.find(sid, on: app.db))
            #expect(stored.secretHash != secret && stored.secretHash == Secrets.hash(secret))
            #expect(!(try await browser.get("/staff/api-keys").text.contains(secret)), "the secret is shown once")
            #expect(try await audits(app, staff, "create_staff_api_key").count == 1)

            let path = "/v1/Staff/Accounts/\(acme.account.sid)/Standing"
            #expect(try await app.testing().sendRequest(.GET, path, headers: TestData.basic(sid, secret)).status == .ok)
            // Revoke… asks first and revokes nothing; its confirmation does.
            let step = try await browser.post("/staff/api-keys/\(sid)/revoke")
            #expect(step.text.contains("Revoke your staff API key Review script?") && step.text.contains("Nothing has changed yet."))
            #expect(try await app.testing().sendRequest(.GET, path, headers: TestData.basic(sid, secret)).status == .ok)
            #expect(try await audits(app, staff, "revoke_staff_api_key").isEmpty)
            _ = try await browser.post("/staff/api-keys/\(sid)/revoke", ["confirm": sid])
            let revoked = try await app.testing().sendRequest(.GET, path, headers: TestData.basic(sid, secret))
            #expect(revoked.status == .unauthorized && revoked.errorCode == 20003)
            #expect(try await audits(app, staff, "revoke_staff_api_key").count == 1)
        }
    }

    @Test("SEC-1: a staff member without two-factor can't create a key, and a key stops working when its holder is no longer staff")
    func needsTwoFactorAndStaff() async throws {
        try await withTrustDesk { app in
            let unenrolled = try await TestData.staff(app, "no.totp", role: .consumerTrust, enrolled: false)
            await #expect(throws: DomainError.self) {
                _ = try await StaffCredentials(database: app.db, now: app.now).create(for: unenrolled, friendlyName: "script")
            }
            let acme = try await TestData.customer(app, "bo")
            let (staff, headers) = try await staffKey(app, role: .trustSafety)
            staff.staffRoleRaw = nil
            try await staff.save(on: app.db)
            let refused = try await app.testing().sendRequest(.GET, "/v1/Staff/Accounts/\(acme.account.sid)/Standing", headers: headers)
            #expect(refused.errorCode == 20003)
        }
    }

    @Test("SEC-3: GET shows the standing, the history with who decided, and the actions the caller's role may take; every call is audited")
    func show() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "cy")
            try await StandingTestKit.apply(app, StandingDecision(to: .suspended, reason: .abusiveTraffic, decider: .rule(StandingRule.abuseDetection),
                                                                  evidence: "10x traffic spike"), to: acme.account)
            let (ct, ctHeaders) = try await staffKey(app, role: .consumerTrust)
            let path = "/v1/Staff/Accounts/\(acme.account.sid)/Standing"
            let view = try await app.testing().sendRequest(.GET, path, headers: ctHeaders)
            #expect(view.status == .ok)
            #expect(view.json["standing"] as? String == "suspended")
            let records = try #require(view.json["records"] as? [[String: Any]])
            #expect(records.first?["decided_by"] as? String == "rule:abuse_detection" && records.first?["evidence"] as? String == "10x traffic spike")
            let actions = try #require(view.json["allowed_actions"] as? [[String: Any]])
            #expect(actions.contains { $0["to"] as? String == "active" && $0["reason"] as? String == "reinstated" })
            #expect(try await audits(app, ct, "api_view_standing").map(\.accountSID) == [acme.account.sid])

            let (_, agentHeaders) = try await staffKey(app, role: .agent)
            let agentView = try await app.testing().sendRequest(.GET, path, headers: agentHeaders)
            #expect((agentView.json["allowed_actions"] as? [Any])?.isEmpty == true, "support agents have no standing actions")

            let missing = try await app.testing().sendRequest(.GET, "/v1/Staff/Accounts/AC\(String(repeating: "0", count: 32))/Standing", headers: ctHeaders)
            #expect(missing.status == .notFound && missing.errorCode == 20404)
            #expect(try await audits(app, ct, "api_view_standing").count == 2, "a refused call is recorded too")
        }
    }

    @Test("STD-9: POST changes the standing for an allowed role; a forbidden change gives its clear code and changes nothing")
    func change() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "dee")
            try await StandingTestKit.ban(app, acme.account)
            let path = "/v1/Staff/Accounts/\(acme.account.sid)/Standing"
            let before = try await StandingTestKit.records(app, acme.account).count

            let (agent, agentHeaders) = try await staffKey(app, role: .agent)
            let refused = try await post(app, path, agentHeaders, #"{"to":"active","reason":"ban_lifted","justification":"The ban was a clear mistake on our side."}"#)
            #expect(refused.status == .forbidden && refused.errorCode == 20006)
            #expect(refused.text.contains("only a trust-and-safety lead can"))
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "banned")
            #expect(try await StandingTestKit.records(app, acme.account).count == before)
            #expect(try await audits(app, agent, "api_change_standing").first?.detail == "refused 20006")

            let (lead, leadHeaders) = try await staffKey(app, role: .trustSafetyLead)
            let short = try await post(app, path, leadHeaders, #"{"to":"active","reason":"ban_lifted","justification":"mistake"}"#)
            #expect(short.errorCode == 20309 && short.text.contains("justification"))
            let wrong = try await post(app, path, leadHeaders, #"{"to":"dormant","reason":"dormancy"}"#)
            #expect(wrong.errorCode == 20307)
            let unknown = try await post(app, path, leadHeaders, #"{"to":"active","reason":"ban_lifted","note":"x"}"#)
            #expect(unknown.errorCode == 20007)
            #expect(try await StandingTestKit.records(app, acme.account).count == before)

            let lifted = try await post(app, path, leadHeaders, #"{"to":"active","reason":"ban_lifted","justification":"The ban was a clear mistake on our side."}"#)
            #expect(lifted.status == .ok)
            #expect(lifted.json["standing"] as? String == "active")
            let record = try #require(try await StandingTestKit.records(app, acme.account).last)
            #expect(record.reason == "ban_lifted" && record.decidedBy == lead.sid)
            #expect(try await audits(app, lead, "api_change_standing").map(\.detail).contains("active:ban_lifted applied"))
            #expect(try await audits(app, lead, "standing_ban_lifted").count == 1)
        }
    }

    @Test("ACC-7: customer credentials on the staff API get 401 with 20003, and a staff key is no customer credential")
    func customerCredentials() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "eli")
            let path = "/v1/Staff/Accounts/\(acme.account.sid)/Standing"
            let customer = try await app.testing().sendRequest(.GET, path, headers: TestData.basic(acme.account.sid, acme.authToken))
            #expect(customer.status == .unauthorized && customer.errorCode == 20003)
            let (_, secret) = try await Credentials(database: app.db, now: app.now).createKey(for: acme.account.sid, friendlyName: "prod")
            let keys = try await APIKey.query(on: app.db).all()
            let viaKey = try await post(app, path, TestData.json(keys.first?.sid ?? "", secret), #"{"to":"closed","reason":"owner_request"}"#)
            #expect(viaKey.errorCode == 20003)
            #expect(try await app.testing().sendRequest(.GET, path).errorCode == 20003)
            let (_, staffHeaders) = try await staffKey(app, role: .admin)
            let onCustomerAPI = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(acme.account.sid)", headers: staffHeaders)
            #expect(onCustomerAPI.status == .unauthorized && onCustomerAPI.errorCode == 20003)
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "active")
        }
    }
}

@Suite("SEC-4 and SEC-1: exposed staff API keys")
struct ExposedStaffKeyTests {
    @Test("SEC-1: a staff API key secret in a signed secret-scanning report is revoked at once and its holder told where it was found")
    func exposedStaffKey() async throws {
        try await withTrustDesk { app in
            let signer = ExposedCredentialsTests.Signer()
            signer.configure(app)
            let acme = try await TestData.customer(app, "fay")
            let staff = try await TestData.staff(app, "api.leaker", role: .trustSafety)
            let (key, secret) = try await StaffCredentials(database: app.db, now: app.now).create(for: staff, friendlyName: "laptop script")
            let path = "/v1/Staff/Accounts/\(acme.account.sid)/Standing"
            #expect(try await app.testing().sendRequest(.GET, path, headers: TestData.basic(key.sid, secret)).status == .ok)

            let body = ExposedCredentialsTests.report(secret)
            let response = try await app.testing().sendRequest(.POST, "/v1/SecretScanning/GitHub", headers: try signer.headers(for: body), body: ByteBuffer(string: body))
            #expect(response.text.contains("true_positive"))
            let refused = try await app.testing().sendRequest(.GET, path, headers: TestData.basic(key.sid, secret))
            #expect(refused.errorCode == 20003)
            let mail = try #require(try await TestData.mail(app, to: staff.email).last)
            #expect(mail.subject.contains(key.sid) && mail.body.contains("https://github.com/example/leaky/blob/main/config.env"))
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "active", "no customer account is touched")
            #expect(try await audits(app, staff, "exposed_staff_api_key").count == 1)
        }
    }
}
