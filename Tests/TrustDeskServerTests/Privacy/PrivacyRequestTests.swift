import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("PRV-3: verified privacy requests")
struct PrivacyRequestTests {
    @Test("PRV-3: the API takes a request, acknowledges it by mail at once, and shows its due date and status")
    func apiRequest() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "avery")
            let path = "/v1/Accounts/\(customer.account.sid)/PrivacyRequests"
            let headers = TestData.json(customer.account.sid, customer.authToken)
            let created = try await app.testing().sendRequest(.POST, path, headers: headers, body: PrivacyTestKit.json(["type": "access"]))
            #expect(created.status == .created)
            let sid = try #require(created.json["sid"] as? String)
            #expect(created.json["status"] as? String == "pending")
            #expect(created.json["date_due"] as? String == "2026-04-01T12:00:00Z", "received 2 March: due 30 days on, before 2 April")
            #expect(created.json["date_extended_to"] is NSNull)
            #expect(try await TestData.mail(app, to: customer.user.email).contains { $0.kind == "privacy_acknowledgement" })
            try await PrivacyTestKit.runJobs(app)
            let shown = try await app.testing().sendRequest(.GET, "\(path)/\(sid)", headers: headers)
            #expect(shown.status == .ok)
            #expect(shown.json["status"] as? String == "complete")
            #expect((shown.json["report_uri"] as? String)?.hasSuffix("/\(sid)/Report") == true)

            let bad = try await app.testing().sendRequest(.POST, path, headers: headers, body: PrivacyTestKit.json(["type": "forget-me"]))
            #expect(bad.errorCode == 20001)
            let other = try await TestData.customer(app, "harper")
            let foreign = try await app.testing().sendRequest(.GET, "\(path)/\(sid)", headers: TestData.json(other.account.sid, other.authToken))
            #expect(foreign.errorCode == 20404, "SEC-3: another tenant's request is not found")
        }
    }

    @Test("PRV-3: a second open deletion request is 23001, also when several clients ask at once")
    func secondDeletion() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "avery")
            let path = "/v1/Accounts/\(customer.account.sid)/PrivacyRequests"
            let headers = TestData.json(customer.account.sid, customer.authToken)
            let codes = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        let response = try await app.testing().sendRequest(.POST, path, headers: headers, body: PrivacyTestKit.json(["type": "deletion"]))
                        return response.status == .created ? 201 : (response.errorCode ?? 0)
                    }
                }
                var all: [Int] = []
                for try await code in group { all.append(code) }
                return all
            }
            #expect(codes.filter { $0 == 201 }.count == 1, "\(codes)")
            #expect(codes.filter { $0 == 23001 }.count == 5, "\(codes)")
        }
    }

    @Test("PRV-3: the public form gives one answer for known and unknown addresses; the link works once, three wrong tries spend it")
    func publicRequest() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "avery")
            let browser = Browser(app)
            try await browser.get("/privacy/request")
            let unknown = try await browser.post("/privacy/request", ["email": "nobody@example.com", "type": "export"])
            try await browser.get("/privacy/request")
            let known = try await browser.post("/privacy/request", ["email": customer.user.email, "type": "export"])
            #expect(unknown.status == .ok && known.status == .ok)
            func notice(_ text: String) -> String? { capture(#"<p class="notice" role="status">([^<]*)</p>"#, in: text) }
            #expect(notice(unknown.text) == notice(known.text) && notice(known.text) != nil)
            #expect(try await TestData.mail(app, to: "nobody@example.com").isEmpty)
            let mail = try #require(try await TestData.mail(app, to: customer.user.email).last)
            #expect(mail.kind == "privacy_verification")
            let id = try #require(capture(#"verify\?id=([0-9a-f-]+)&"#, in: mail.body))
            let token = try #require(capture(#"&token=([A-Za-z0-9_]+)"#, in: mail.body))

            try await browser.get("/privacy/request/verify?id=\(id)&token=\(token)")
            let good = try await browser.post("/privacy/request/verify", ["id": id, "token": token])
            #expect(good.status == .ok)
            let request = try #require(try await PrivacyRequest.find(UUID(uuidString: id), on: app.db))
            #expect(request.requestStatus == .pending)
            let again = try await browser.post("/privacy/request/verify", ["id": id, "token": token])
            #expect(again.errorCode == 20015)

            // A second request: three wrong tries cancel it, then even the right token is spent.
            try await browser.get("/privacy/request")
            try await browser.post("/privacy/request", ["email": customer.user.email, "type": "access"])
            let second = try #require(try await TestData.mail(app, to: customer.user.email).last)
            let id2 = try #require(capture(#"verify\?id=([0-9a-f-]+)&"#, in: second.body))
            let token2 = try #require(capture(#"&token=([A-Za-z0-9_]+)"#, in: second.body))
            for _ in 0..<3 {
                let wrong = try await browser.post("/privacy/request/verify", ["id": id2, "token": "tdln_" + String(repeating: "x", count: 32)])
                #expect(wrong.errorCode == 20014)
            }
            #expect(try await browser.post("/privacy/request/verify", ["id": id2, "token": token2]).errorCode == 20015)
            #expect(try await PrivacyRequest.find(UUID(uuidString: id2), on: app.db)?.requestStatus == .canceled)

            // A third: the link expires after an hour.
            try await browser.get("/privacy/request")
            try await browser.post("/privacy/request", ["email": customer.user.email, "type": "access"])
            let third = try #require(try await TestData.mail(app, to: customer.user.email).last)
            let id3 = try #require(capture(#"verify\?id=([0-9a-f-]+)&"#, in: third.body))
            let token3 = try #require(capture(#"&token=([A-Za-z0-9_]+)"#, in: third.body))
            app.clock.advance(by: 3601)
            #expect(try await browser.post("/privacy/request/verify", ["id": id3, "token": token3]).errorCode == 20014)
        }
    }

    @Test("PRV-3: the signed-in owner re-enters the password; a wrong one is refused beside its field and nothing typed is lost")
    func consoleRequest() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "avery")
            let browser = try await PrivacyTestKit.signedIn(app, "avery")
            let page = try await browser.get("/console/privacy")
            #expect(page.status == .ok)
            let wrong = try await browser.post("/console/privacy/requests", ["type": "restriction", "scope": "user", "password": "not-the-password"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("id=\"password-error\""))
            #expect(wrong.text.contains("<option value=\"restriction\" selected>"))
            let ok = try await browser.post("/console/privacy/requests", ["type": "restriction", "scope": "user", "password": TestData.password])
            #expect(ok.status == .ok)
            try await PrivacyTestKit.runJobs(app)
            let preference = try await PrivacyPreferences(database: app.db, now: app.now).preference(of: customer.user.sid)
            #expect(preference.restrictedAt != nil && !preference.marketingOptIn)
            let (staff, _) = try await StandingTestKit.staffBrowser(app, role: .consumerTrust)
            let desk = try await staff.get("/staff/privacy")
            #expect(desk.text.contains(customer.user.sid), "PRV-2: a restriction is flagged to staff")
        }
    }

    @Test("PRV-3: one extension with a reason before the due date (second: 23002, no reason: 20001, late: 20001); overdue is flagged one second after the due date")
    func extensionAndOverdue() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "avery")
            let created = try await app.testing().sendRequest(.POST, "/v1/Accounts/\(customer.account.sid)/PrivacyRequests",
                                                              headers: TestData.json(customer.account.sid, customer.authToken), body: PrivacyTestKit.json(["type": "correction"]))
            let id = try #require(created.json["sid"] as? String)
            try await PrivacyTestKit.runJobs(app)
            let (staff, _) = try await StandingTestKit.staffBrowser(app, role: .consumerTrust)
            let path = "/staff/privacy/requests/\(id)"
            try await staff.get(path)
            let noReason = try await staff.post("\(path)/extend", ["extend_to": "2026-04-20", "reason": ""])
            #expect(noReason.errorCode == 20001)
            #expect(noReason.text.contains("value=\"2026-04-20\""), "the typed date is kept")
            let ok = try await staff.post("\(path)/extend", ["extend_to": "2026-04-20", "reason": "Several systems hold the data to correct"])
            #expect(ok.status == .ok)
            #expect(try await TestData.mail(app, to: customer.user.email).contains { $0.kind == "privacy_update" && $0.body.contains("Several systems") })
            let second = try await staff.post("\(path)/extend", ["extend_to": "2026-04-25", "reason": "Even more systems to correct"])
            #expect(second.errorCode == 23002)

            let request = try #require(try await PrivacyRequest.find(UUID(uuidString: id), on: app.db))
            app.clock.set(request.effectiveDue)
            try await PrivacyTestKit.runJobs(app)
            #expect(try await PrivacyRequest.find(request.id, on: app.db)?.overdueFlaggedAt == nil)
            app.clock.advance(by: 1)
            try await PrivacyTestKit.runJobs(app)
            #expect(try await PrivacyRequest.find(request.id, on: app.db)?.overdueFlaggedAt != nil)
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$kind == "privacy_staff_alert").count() > 0)

            // A fresh request: extending after its due date is refused.
            let late = try await app.testing().sendRequest(.POST, "/v1/Accounts/\(customer.account.sid)/PrivacyRequests",
                                                           headers: TestData.json(customer.account.sid, customer.authToken), body: PrivacyTestKit.json(["type": "correction"]))
            let lateID = try #require(late.json["sid"] as? String)
            app.clock.advance(by: 31 * 86_400)
            // A month on, the staff session has expired: sign in again.
            let desk = Browser(app)
            _ = try await desk.signIn("staff.consumer_trust")
            try await desk.get("/signin/two-factor")
            _ = try await desk.post("/signin/two-factor", ["code": TestData.code(app)])
            try await desk.get("/staff/privacy/requests/\(lateID)")
            let refused = try await desk.post("/staff/privacy/requests/\(lateID)/extend", ["extend_to": "2026-12-20", "reason": "Several systems hold the data"])
            #expect(refused.errorCode == 20001)
        }
    }
}
