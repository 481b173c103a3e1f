import Fluent
import Foundation
import NIOCore
import SQLKit
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Progressive Trust: scores, limits, callbacks, requests")
struct TrustLimitsTests {
    /// Writes `perDay` admitted SMS on each of the `days` days before today into the ledger.
    static func seedVolume(_ app: Application, _ account: String, perDay: Int, days: Int) async throws {
        let today = UTCDay.start(of: app.now)
        for day in 1...days {
            let bucket = QuotaRule.bucket(today.addingTimeInterval(Double(-day) * 86_400 + 3_600))
            try await app.db.sql.raw("""
                INSERT INTO trust_quota_buckets (id, account_sid, bucket, granted)
                VALUES (\(bind: UUID()), \(bind: account), \(bind: bucket), \(bind: Int64(perDay)))
                """).run()
        }
    }

    @Test("PT-2, PT-3: the limit is the score's multiple of the 60 complete days' average; today does not count")
    func limitFromVolume() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "ada")
            try await Self.seedVolume(app, customer.account.sid, perDay: 10_000, days: 60)
            // Outside the window: day 61 and today.
            try await app.db.sql.raw("""
                INSERT INTO trust_quota_buckets (id, account_sid, bucket, granted)
                VALUES (\(bind: UUID()), \(bind: customer.account.sid), \(bind: QuotaRule.bucket(UTCDay.start(of: app.now)) - 61 * 24), \(bind: Int64(777_777)))
                """).run()
            try await app.db.sql.raw("""
                INSERT INTO trust_quota_buckets (id, account_sid, bucket, granted)
                VALUES (\(bind: UUID()), \(bind: customer.account.sid), \(bind: QuotaRule.bucket(app.now) - 1), \(bind: Int64(999_999)))
                ON CONFLICT (account_sid, bucket) DO UPDATE SET granted = excluded.granted
                """).run()
            try await app.trustScores(now: app.now).refresh(customer.account)
            let profile = try #require(try await TrustProfile.find(customer.account.sid, on: app.db))
            // A new account scores 3 (age and history): 2x of 10,000.
            #expect(profile.score == 3)
            #expect(profile.dailyLimit == 20_000)
            #expect(profile.averageDailyVolume == 10_000)
        }
    }

    @Test("PT-1, PT-7: outcomes reported for admitted messages feed the daily score, stored with its explanation")
    func outcomesFeedScore() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let customer = try await TestData.customer(app, "ada")
            var sids: [String] = []
            for _ in 0..<40 {
                let sid = SID.generate(.smsMessage).rawValue
                sids.append(sid)
                _ = try await TrustTestKit.admit(app, customer.account.sid, message: sid)
            }
            let outcomes: [[String: Any]] = sids.enumerated().map { index, sid in
                ["message_sid": sid, "status": index < 20 ? "delivered" : index < 30 ? "carrier_filtered" : "complaint"]
            } + [["message_sid": SID.generate(.smsMessage).rawValue, "status": "delivered"], ["message_sid": sids[0], "status": "exploded"], ["message_sid": "SMxyz", "status": "delivered"]]
            let response = try await app.testing().sendRequest(.POST, "/v1/MessageOutcomes", headers: TrustTestKit.serviceHeaders(),
                                                               body: try TrustTestKit.body(["outcomes": outcomes]))
            #expect(response.status == .ok)
            #expect(response.json["accepted"] as? Int == 40)
            let codes = TrustTestKit.results(response).suffix(3).map { $0["error_code"] as? Int }
            #expect(codes == [20404, 20001, 20002])
            app.clock.advance(by: 86_400)
            try await app.trustScores(now: app.now).refreshDue()
            let profile = try #require(try await TrustProfile.find(customer.account.sid, on: app.db))
            #expect(profile.score == 5)
            let explanation = try JSONDecoder().decode(ScoreExplanation.self, from: Data(profile.explanation.utf8))
            #expect(explanation.factors.first { $0.key == "carrier_filtered_rate" }?.value == "33.33%")
            #expect(try await TrustScoreRecord.query(on: app.db).filter(\.$accountSID == customer.account.sid).count() == 2)
            // The change was announced (PT-8).
            #expect(try await TestData.mail(app, to: customer.user.email).filter { $0.subject == TrustMail.capNoticeSubject }.count == 2)
        }
    }

    @Test("PT-9: the account reads its limit, usage and remaining quota; another tenant gets 404")
    func messagingLimitsAPI() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let ada = try await TestData.customer(app, "ada")
            let bob = try await TestData.customer(app, "bob")
            _ = try await TrustTestKit.batch(app, TrustTestKit.sms(ada.account.sid, count: 250))
            let response = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(ada.account.sid)/MessagingLimits", headers: TestData.basic(ada.account.sid, ada.authToken))
            #expect(response.status == .ok)
            #expect(response.json["daily_limit"] as? Int == 1_000)
            #expect(response.json["used_in_window"] as? Int == 250)
            #expect(response.json["remaining_in_window"] as? Int == 750)
            #expect(response.json["reputation_score"] as? Int == 3)
            #expect((response.json["explanation"] as? [[String: Any]])?.count == 9)
            let other = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(ada.account.sid)/MessagingLimits", headers: TestData.basic(bob.account.sid, bob.authToken))
            #expect(other.errorCode == 20404)
            let malformed = try await app.testing().sendRequest(.GET, "/v1/Accounts/ACzz/MessagingLimits", headers: TestData.basic(ada.account.sid, ada.authToken))
            #expect(malformed.errorCode == 20002)
            let anonymous = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(ada.account.sid)/MessagingLimits")
            #expect(anonymous.errorCode == 20003)
        }
    }

    @Test("PT-9: invalid status callback URLs are refused")
    func callbackValidation() async throws {
        try await withTrustDesk { app in
            let ada = try await TestData.customer(app, "ada")
            let headers = TestData.json(ada.account.sid, ada.authToken)
            for url in ["ftp://example.com/x", "https://user:pw@example.com/cb", "not a url", "https://example.com/" + String(repeating: "a", count: 1_100), "javascript:alert(1)",
                        "http://127.0.0.1:8080/cb", "http://169.254.169.254/latest/meta-data", "http://[::1]/cb", "http://localhost/cb", "http://10.0.0.5/cb", "http://intranet/cb"] {
                let response = try await app.testing().sendRequest(.POST, "/v1/Accounts/\(ada.account.sid)/MessagingLimits", headers: headers,
                                                                   body: try TrustTestKit.body(["status_callback": url]))
                #expect(response.errorCode == 20001, "\(url.prefix(40))")
            }
            #expect(try await TrustProfile.find(ada.account.sid, on: app.db)?.callbackURL == nil)
            // Test environments may allow a receiver next to the server.
            app.trustDeskConfiguration.callbacksAllowPrivate = true
            let local = try await app.testing().sendRequest(.POST, "/v1/Accounts/\(ada.account.sid)/MessagingLimits", headers: headers,
                                                            body: try TrustTestKit.body(["status_callback": "http://127.0.0.1:8080/cb"]))
            #expect(local.status == .ok && local.json["status_callback"] as? String == "http://127.0.0.1:8080/cb")
        }
    }

    @Test("PT-9: a callback host that resolves to an internal address is not called, and says why")
    func callbackResolvedInside() async throws {
        try await withTrustDesk { app in
            let ada = try await TestData.customer(app, "ada")
            let delivery = CallbackDelivery(account: ada.account.sid, url: "https://hooks.example.com/refused", body: "ErrorCode=63038", signature: "sig", now: app.now)
            try await delivery.create(on: app.db)
            let inside = try #require(IPAddress("10.0.0.5"))
            let sent = try await CallbackDeliveries(database: app.db, client: app.client, now: app.now, resolve: { _ in [inside] }, allowPrivate: false).deliverDue()
            #expect(sent == 0)
            let stored = try #require(try await CallbackDelivery.find(delivery.id, on: app.db))
            #expect(stored.deliveredAt == nil && stored.attempts == 1)
            #expect(stored.lastError?.contains("10.0.0.5") == true && stored.lastError?.contains("non-public") == true)
        }
    }

    @Test("PT-9: the system resolver answers for this machine's own name")
    func resolverWorks() throws {
        let addresses = try HostResolver.resolve("localhost")
        #expect(!addresses.isEmpty && addresses.allSatisfy { !$0.isPublic })
    }

    @Test("PT-9: each refusal is posted to the status callback with 63038, signed X-Twilio-Signature style")
    func refusalCallback() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let ada = try await TestData.customer(app, "ada")
            let url = "https://hooks.example.com/trust?source=td"
            let set = try await app.testing().sendRequest(.POST, "/v1/Accounts/\(ada.account.sid)/MessagingLimits", headers: TestData.json(ada.account.sid, ada.authToken),
                                                          body: try TrustTestKit.body(["status_callback": url]))
            #expect(set.status == .ok)
            let secret = try #require(set.json["status_callback_signing_secret"] as? String)
            // Shown once.
            let again = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(ada.account.sid)/MessagingLimits", headers: TestData.basic(ada.account.sid, ada.authToken))
            #expect(again.json["status_callback_signing_secret"] == nil)
            #expect(again.json["status_callback"] as? String == url)
            _ = try await TrustTestKit.batch(app, TrustTestKit.sms(ada.account.sid, count: 1_000))
            let message = SID.generate(.smsMessage).rawValue
            #expect(try await TrustTestKit.admit(app, ada.account.sid, message: message).json["error_code"] as? Int == 63038)
            try await TrustMaintenance.run(app, now: app.now)
            let deliveries = try await CallbackDelivery.query(on: app.db).all()
            #expect(deliveries.count == 1)
            let delivery = try #require(deliveries.first)
            #expect(delivery.url == url)
            #expect(delivery.body.contains("ErrorCode=63038"))
            #expect(delivery.body.contains("MessageSid=\(message)"))
            // The receiver checks: base64(HMAC-SHA1(secret, url + sorted name+value pairs)).
            var parameters: [String: String] = [:]
            for pair in delivery.body.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
                parameters[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
            #expect(CallbackSignature.sign(url: url, parameters: parameters, secret: secret) == delivery.signature)
        }
    }

    @Test("PT-10: a request for more messages, approved by Trust & Safety, raises the limit at once and is audited")
    func moreMessages() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let ada = try await TestData.customer(app, "ada")
            _ = try await TrustTestKit.batch(app, TrustTestKit.sms(ada.account.sid, count: 1_000))
            let bad = try await app.testing().sendRequest(.POST, "/v1/Accounts/\(ada.account.sid)/MessagingLimits/Requests", headers: TestData.json(ada.account.sid, ada.authToken),
                                                          body: try TrustTestKit.body(["kind": "more_messages", "amount": -5, "starts_on": "2026-03-02", "ends_on": "2026-03-03", "reason": "Launch"]))
            #expect(bad.errorCode == 20001)
            let created = try await app.testing().sendRequest(.POST, "/v1/Accounts/\(ada.account.sid)/MessagingLimits/Requests", headers: TestData.json(ada.account.sid, ada.authToken),
                                                              body: try TrustTestKit.body(["kind": "more_messages", "amount": 5_000, "starts_on": "2026-03-02", "ends_on": "2026-03-03", "reason": "Product launch"]))
            #expect(created.status == .created)
            let request = try #require(try await TrustRequest.query(on: app.db).first())
            let staff = try await TestData.staff(app, "tina", role: .trustSafety)
            try await TrustPolicies(database: app.db, now: app.now, scores: app.trustScores(now: app.now)).decide(request, .init(approve: true, note: "Verified launch"), staff: staff)
            try await TrustMaintenance.run(app, now: app.now)
            #expect(TrustTestKit.admittedCount(try await TrustTestKit.batch(app, TrustTestKit.sms(ada.account.sid, count: 5_000))) == 4_000)
            #expect(try await StaffAuditEvent.query(on: app.db).filter(\.$action == "trust_request_approved").count() == 1)
            #expect(try await TrustScoreRecord.query(on: app.db).filter(\.$source == "override:\(staff.sid)").count() == 1)
            // After the range the computed limit is back.
            app.clock.advance(by: 3 * 86_400)
            let limits = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(ada.account.sid)/MessagingLimits", headers: TestData.basic(ada.account.sid, ada.authToken))
            #expect(limits.json["override_active"] as? Bool == false)
        }
    }

    @Test("PT-8, PT-10: the console page shows the banner, explanation and chart, and takes a score review request")
    func consolePage() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let ada = try await TestData.customer(app, "ada")
            _ = try await TrustTestKit.batch(app, TrustTestKit.sms(ada.account.sid, count: 120))
            let browser = Browser(app)
            _ = try await browser.signIn("ada")
            let page = try await browser.get("/console/accounts/\(ada.account.sid)/messaging")
            #expect(page.status == .ok)
            #expect(capture(#"id="trust-limit">([^<]+)<"#, in: page.text) == "1,000")
            #expect(capture(#"id="trust-used">([^<]+)<"#, in: page.text) == "120")
            #expect(capture(#"id="trust-remaining">([^<]+)<"#, in: page.text) == "880")
            #expect(page.text.contains("account age"))
            // Today's SMS count towards today's limit; the chart shows the complete days the limit is built from.
            #expect(page.text.contains("id=\"trust-chart-empty\">No SMS admitted in the last 60 days.<"))
            #expect(!page.text.contains("<script"))
            let posted = try await browser.post("/console/accounts/\(ada.account.sid)/messaging/requests", ["kind": "score_review", "reason": "Our opt-in is double confirmed"])
            #expect(posted.text.contains("Trust &amp; Safety"))
            #expect(try await TrustRequest.query(on: app.db).filter(\.$kind == "score_review").count() == 1)
            // Another customer's page is not found.
            let bob = try await TestData.customer(app, "bob")
            #expect(try await browser.get("/console/accounts/\(bob.account.sid)/messaging").status == .notFound)
        }
    }

    @Test("PT-10: staff see accounts near their cap and approve a score review from the page")
    func staffPages() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let ada = try await TestData.customer(app, "ada")
            _ = try await TrustTestKit.batch(app, TrustTestKit.sms(ada.account.sid, count: 900))
            _ = try await TrustPolicies(database: app.db, now: app.now, scores: app.trustScores(now: app.now))
                .request(ada.account, kind: "score_review", amount: nil, startsOn: nil, endsOn: nil, reason: "Please review", by: ada.user.sid,
                         ticketFor: TicketActor(user: ada.user))
            _ = try await TestData.staff(app, "tina", role: .trustSafety)
            let browser = Browser(app)
            _ = try await browser.signIn("tina")
            let signedIn = try await browser.post("/signin/two-factor", ["code": TestData.code(app)])
            #expect(signedIn.status == .seeOther || signedIn.status == .ok)
            let overview = try await browser.get("/staff/trust")
            #expect(overview.status == .ok)
            #expect(overview.text.contains(ada.account.sid))
            #expect(overview.text.contains("90%"))
            let request = try #require(try await TrustRequest.query(on: app.db).first())
            let decided = try await browser.post("/staff/trust/requests/\(request.id?.uuidString.lowercased() ?? "")/decide", ["decision": "approve", "score": "2", "note": "Good practices"])
            #expect(decided.status == .seeOther)
            let profile = try #require(try await TrustProfile.find(ada.account.sid, on: app.db))
            #expect(profile.overrideScore == 2)
            #expect(profile.score == 2)
            let account = try await browser.get("/staff/trust/accounts/\(ada.account.sid)")
            #expect(capture(#"id="trust-score">([^<]+)<"#, in: account.text) == "2")
            // Customers can't see staff pages.
            let customer = Browser(app)
            _ = try await customer.signIn("ada")
            #expect(try await customer.get("/staff/trust").status != .ok)
        }
    }
}
