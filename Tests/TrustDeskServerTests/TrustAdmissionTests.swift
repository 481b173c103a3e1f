import Fluent
import Foundation
import NIOCore
import SQLKit
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// Helpers for Progressive Trust tests: the service credential and admission requests.
enum TrustTestKit {
    static let serviceToken = "svc-test-token-0123456789"

    static func enableService(_ app: Application) {
        app.trustDeskConfiguration.serviceToken = serviceToken
    }

    static func serviceHeaders(_ token: String = serviceToken) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: token)
        headers.contentType = .json
        return headers
    }

    static func body(_ object: Any) throws -> ByteBuffer {
        ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: object)))
    }

    @discardableResult
    static func admit(_ app: Application, _ account: String, channel: String = "sms", message: String? = nil) async throws -> TestingHTTPResponse {
        var item: [String: Any] = ["account_sid": account, "channel": channel]
        if let message { item["message_sid"] = message }
        return try await app.testing().sendRequest(.POST, "/v1/Admissions", headers: serviceHeaders(), body: try body(item))
    }

    static func batch(_ app: Application, _ items: [[String: Any]]) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.POST, "/v1/Admissions/Batch", headers: serviceHeaders(), body: try body(["items": items]))
    }

    static func sms(_ account: String, count: Int) -> [[String: Any]] {
        Array(repeating: ["account_sid": account, "channel": "sms"], count: count)
    }

    static func admittedCount(_ response: TestingHTTPResponse) -> Int { response.json["admitted"] as? Int ?? -1 }

    static func results(_ response: TestingHTTPResponse) -> [[String: Any]] { response.json["results"] as? [[String: Any]] ?? [] }
}

@Suite("Progressive Trust: admission API")
struct TrustAdmissionTests {
    @Test("PT-4: the admission table's account keys round-trip SIDs")
    func accountKeys() {
        for _ in 0..<100 {
            let sid = SID.generate(.account).rawValue
            #expect(AccountKey(sid).sid == sid)
        }
        #expect(AccountKey("AC" + String(repeating: "0", count: 31) + "1") != AccountKey("AC1" + String(repeating: "0", count: 31)))
    }

    @Test("PT-4, PT-5: a new account gets the default 1,000; the next SMS is refused with 63038 and the limit")
    func defaultLimitEnforced() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let customer = try await TestData.customer(app, "ada")
            let first = try await TrustTestKit.batch(app, TrustTestKit.sms(customer.account.sid, count: 1_000))
            #expect(first.status == .ok)
            #expect(TrustTestKit.admittedCount(first) == 1_000)
            let over = try await TrustTestKit.admit(app, customer.account.sid)
            #expect(over.status == .ok)
            #expect(over.json["admitted"] as? Bool == false)
            #expect(over.json["error_code"] as? Int == 63038)
            #expect(over.json["daily_limit"] as? Int == 1_000)
            // Refusals are not volume (PT-5): the window still holds exactly 1,000.
            let used = try await QuotaLedgerStore(database: app.db, now: app.now, rule: MessageLimitRule(), publicURL: "").usedInWindow(customer.account.sid)
            #expect(used == 1_000)
        }
    }

    @Test("PT-4: the limit holds over a rolling 24 hours, then quota comes back")
    func rollingWindow() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let customer = try await TestData.customer(app, "ada")
            _ = try await TrustTestKit.batch(app, TrustTestKit.sms(customer.account.sid, count: 600))
            app.clock.advance(by: 12 * 3_600)
            try await TrustMaintenance.run(app, now: app.now)
            let later = try await TrustTestKit.batch(app, TrustTestKit.sms(customer.account.sid, count: 600))
            #expect(TrustTestKit.admittedCount(later) == 400)
            // 23 h after the first 600: still inside their window.
            app.clock.advance(by: 11 * 3_600)
            try await TrustMaintenance.run(app, now: app.now)
            #expect(TrustTestKit.admittedCount(try await TrustTestKit.batch(app, TrustTestKit.sms(customer.account.sid, count: 10))) == 0)
            // 26 h after: the first 600 have left the window (the hour-bucket rule may hold an extra hour).
            app.clock.advance(by: 3 * 3_600)
            try await TrustMaintenance.run(app, now: app.now)
            #expect(TrustTestKit.admittedCount(try await TrustTestKit.batch(app, TrustTestKit.sms(customer.account.sid, count: 700))) == 600)
        }
    }

    @Test("PT-6: MMS, voice, WhatsApp and email are admitted past the SMS limit")
    func onlySMSLimited() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let customer = try await TestData.customer(app, "ada")
            _ = try await TrustTestKit.batch(app, TrustTestKit.sms(customer.account.sid, count: 1_000))
            for channel in ["mms", "voice", "whatsapp", "email"] {
                let response = try await TrustTestKit.admit(app, customer.account.sid, channel: channel)
                #expect(response.json["admitted"] as? Bool == true, "\(channel)")
            }
            #expect(try await TrustTestKit.admit(app, customer.account.sid).json["error_code"] as? Int == 63038)
        }
    }

    @Test("PT-4: the service credential is required (401/20003 when missing or wrong)")
    func serviceCredential() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "ada")
            let body = try TrustTestKit.body(["account_sid": customer.account.sid, "channel": "sms"])
            // Not configured: nobody gets in.
            #expect(try await app.testing().sendRequest(.POST, "/v1/Admissions", headers: TrustTestKit.serviceHeaders(), body: body).errorCode == 20003)
            TrustTestKit.enableService(app)
            #expect(try await app.testing().sendRequest(.POST, "/v1/Admissions", headers: TrustTestKit.serviceHeaders("wrong-token-0123456789"), body: body).status == .unauthorized)
            var customerAuth = TestData.json(customer.account.sid, customer.authToken)
            customerAuth.contentType = .json
            #expect(try await app.testing().sendRequest(.POST, "/v1/Admissions", headers: customerAuth, body: body).errorCode == 20003)
            var basic = TestData.basic("pipeline", TrustTestKit.serviceToken)
            basic.contentType = .json
            #expect(try await app.testing().sendRequest(.POST, "/v1/Admissions", headers: basic, body: body).json["admitted"] as? Bool == true)
        }
    }

    @Test("PT-4: bad input is answered per item in a batch, and as an error for one admission")
    func badInput() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let customer = try await TestData.customer(app, "ada")
            let unknown = SID.generate(.account).rawValue
            let response = try await TrustTestKit.batch(app, [
                ["account_sid": customer.account.sid, "channel": "sms", "message_sid": SID.generate(.smsMessage).rawValue],
                ["account_sid": "AC123", "channel": "sms"],
                ["account_sid": customer.account.sid, "channel": "fax"],
                ["account_sid": unknown, "channel": "sms"],
                ["channel": "sms"],
                ["account_sid": customer.account.sid, "channel": "sms", "message_sid": "CA" + String(repeating: "0", count: 32)],
            ])
            #expect(response.status == .ok)
            let codes = TrustTestKit.results(response).map { $0["error_code"] as? Int }
            #expect(codes == [nil, 20002, 20001, 20404, 20001, 20002])
            #expect(TrustTestKit.admittedCount(response) == 1)
            #expect(try await TrustTestKit.admit(app, "ACnothex").errorCode == 20002)
            #expect(try await TrustTestKit.admit(app, unknown).errorCode == 20404)
            #expect(try await TrustTestKit.admit(app, customer.account.sid, channel: "pigeon").errorCode == 20001)
            #expect(try await TrustTestKit.batch(app, []).errorCode == 20001)
            #expect(try await TrustTestKit.batch(app, TrustTestKit.sms(customer.account.sid, count: 10_001)).errorCode == 20001)
            let extra = try await app.testing().sendRequest(.POST, "/v1/Admissions/Batch", headers: TrustTestKit.serviceHeaders(),
                                                            body: try TrustTestKit.body(["items": [], "priority": 1]))
            #expect(extra.errorCode == 20007)
            let single = try await app.testing().sendRequest(.POST, "/v1/Admissions", headers: TrustTestKit.serviceHeaders(),
                                                             body: try TrustTestKit.body(["account_sid": customer.account.sid, "channel": "sms", "count": -1]))
            #expect(single.errorCode == 20007)
            let broken = try await app.testing().sendRequest(.POST, "/v1/Admissions", headers: TrustTestKit.serviceHeaders(), body: ByteBuffer(string: "{\"account_sid\": 5"))
            #expect(broken.errorCode == 20009)
            var textHeaders = TrustTestKit.serviceHeaders()
            textHeaders.contentType = .plainText
            #expect(try await app.testing().sendRequest(.POST, "/v1/Admissions", headers: textHeaders, body: ByteBuffer(string: "sms")).errorCode == 20010)
            // Items that are not objects are each answered as a bad item; the batch still answers.
            let garbage = try await app.testing().sendRequest(.POST, "/v1/Admissions/Batch", headers: TrustTestKit.serviceHeaders(), body: ByteBuffer(string: "{\"items\": [1, 2]}"))
            #expect(TrustTestKit.results(garbage).map { $0["error_code"] as? Int } == [20001, 20001])
            let cut = try await app.testing().sendRequest(.POST, "/v1/Admissions/Batch", headers: TrustTestKit.serviceHeaders(), body: ByteBuffer(string: "{\"items\": [1, 2"))
            #expect(cut.errorCode == 20009)
        }
    }

    @Test("PT-5, STD-2: an account not in good standing is refused with a code naming its standing")
    func standing() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let customer = try await TestData.customer(app, "ada")
            customer.account.standing = "suspended"
            try await customer.account.save(on: app.db)
            let response = try await TrustTestKit.admit(app, customer.account.sid, channel: "voice")
            #expect(response.json["admitted"] as? Bool == false)
            #expect(response.json["error_code"] as? Int == ErrorCode.accountSuspended.rawValue)
            #expect(response.json["standing"] as? String == "suspended")
        }
    }

    @Test("PT-8: joining the program sends the cap pre-notification with score and limit")
    func enrolmentMail() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let customer = try await TestData.customer(app, "ada")
            _ = try await TrustTestKit.admit(app, customer.account.sid)
            let mail = try await TestData.mail(app, to: customer.user.email)
            let notice = try #require(mail.last { $0.subject == "[ATTENTION] Account Message Cap Pre-Notification" })
            #expect(notice.body.contains("Reputation score: 3"))
            #expect(notice.body.contains("Daily outbound SMS limit: 1,000"))
            // Nothing changed: the daily job sends nothing more today, and tomorrow only if it changes.
            #expect(try await app.trustScores(now: app.now).refreshDue().refreshed == 0)
            app.clock.advance(by: 86_400)
            #expect(try await app.trustScores(now: app.now).refreshDue().refreshed == 1)
            #expect(try await TestData.mail(app, to: customer.user.email).filter { $0.subject == TrustMail.capNoticeSubject }.count == 1)
        }
    }
}
