import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// Request bodies are read strictly everywhere: nothing unknown at any depth, nothing empty.
@Suite("API bodies: empty, unknown at any depth, and the methods a path takes")
struct StrictBodyTests {
    private func post(_ app: Application, _ path: String, _ headers: HTTPHeaders, _ body: String) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: body))
    }

    @Test("PT-9: an empty MessagingLimits body changes nothing and says what is wanted; null removes the callback")
    func emptyMessagingLimits() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "ines")
            let auth = TestData.json(customer.account.sid, customer.authToken)
            let path = "/v1/Accounts/\(customer.account.sid)/MessagingLimits"
            #expect(try await post(app, path, auth, #"{"status_callback": "https://hooks.example.com/refused"}"#).status == .ok)
            for body in ["{}", "", " "] {
                let empty = try await post(app, path, auth, body)
                #expect(empty.status == .badRequest, "\(body)")
                #expect(empty.errorCode == 20001, "\(body)")
                #expect((empty.json["message"] as? String)?.hasPrefix("status_callback: ") == true, "\(body)")
            }
            #expect(try await TrustProfile.find(customer.account.sid, on: app.db)?.callbackURL == "https://hooks.example.com/refused")
            let cleared = try await post(app, path, auth, #"{"status_callback": null}"#)
            #expect(cleared.status == .ok && cleared.json["status_callback"] is NSNull)
        }
    }

    @Test("PT-9: a status callback to loopback in any numeric spelling, or with a bad port, is refused when it is set", arguments: [
        "http://127.1/cb", "http://0177.0.0.1/cb", "http://0x7f.1/cb", "http://127.0.1/cb", "http://2130706433/cb", "http://[::ffff:127.0.0.1]/cb",
        "http://0xa9fea9fe/latest/meta-data", "https://hooks.example.com:99999/cb", "https://hooks.example.com:0/cb", "https://hooks.example.com:http/cb",
    ])
    func callbackSpellings(url: String) async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "ines")
            let auth = TestData.json(customer.account.sid, customer.authToken)
            let refused = try await post(app, "/v1/Accounts/\(customer.account.sid)/MessagingLimits", auth, #"{"status_callback": "\#(url)"}"#)
            #expect(refused.status == .badRequest && refused.errorCode == 20001, "\(url)")
            #expect((refused.json["message"] as? String)?.hasPrefix("status_callback: ") == true)
            #expect(try await TrustProfile.find(customer.account.sid, on: app.db)?.callbackURL == nil)
        }
    }

    @Test("SUP-2: an unknown field inside an attachment is 20007 naming its place, and nothing is written")
    func unknownFieldInAttachment() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try #require(try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(now: app.now)).json["number"] as? Int)
            let before = try await TicketComment.query(on: app.db).count()
            let reply = try await TicketsAPITests.post(app, world.acme, "/v1/Tickets/\(number)/Comments", ["body": "Log attached.", "attachments": [
                ["filename": "a.log", "content_base64": "QQ=="],
                ["filename": "b.log", "content_base64": "QQ==", "size": 1],
            ]])
            #expect(reply.status == .badRequest && reply.errorCode == 20007)
            #expect((reply.json["message"] as? String)?.hasPrefix("attachments[1].size: unknown field. Allowed fields: content_base64, content_type, filename.") == true)
            #expect(try await TicketComment.query(on: app.db).count() == before)
            let empty = try await TicketsAPITests.post(app, world.acme, "/v1/Tickets/\(number)/Comments", [:])
            #expect(empty.errorCode == 20001 && (empty.json["message"] as? String)?.hasPrefix("body: ") == true)
        }
    }

    @Test("PT-7: an unknown field inside an outcome is 20007; empty pipeline bodies say what is wanted")
    func pipelineBodies() async throws {
        try await withTrustDesk { app in
            var config = app.trustDeskConfiguration
            config.serviceToken = "service-token-for-tests"
            app.trustDeskConfiguration = config
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: "service-token-for-tests")
            headers.contentType = .json
            let nested = try await post(app, "/v1/MessageOutcomes", headers, #"{"outcomes": [{"message_sid": "SM0123456789abcdef0123456789abcdef", "status": "delivered", "carrier": "x"}]}"#)
            #expect(nested.status == .badRequest && nested.errorCode == 20007)
            #expect((nested.json["message"] as? String)?.hasPrefix("outcomes[0].carrier: unknown field") == true)
            for (path, field) in [("/v1/MessageOutcomes", "outcomes"), ("/v1/Admissions/Batch", "items"), ("/v1/Admissions", "account_sid")] {
                for body in ["{}", ""] {
                    let empty = try await post(app, path, headers, body)
                    #expect(empty.status == .badRequest && empty.errorCode == 20001, "\(path) \(body)")
                    #expect((empty.json["message"] as? String)?.hasPrefix("\(field): ") == true, "\(path) \(body): \(empty.text)")
                }
            }
        }
    }

    @Test("Every JSON body of a customer route refuses {} with 20001 naming a field, not 200 or a decoding error")
    func everyEmptyBody() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let sid = world.acme.account.sid
            let number = try #require(try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(now: app.now)).json["number"] as? Int)
            let auth = TestData.json(sid, world.acme.authToken)
            for path in ["/v1/Accounts/\(sid)/Subaccounts", "/v1/Accounts/\(sid)/Keys", "/v1/Tickets", "/v1/Tickets/\(number)/Comments",
                         "/v1/Accounts/\(sid)/MessagingLimits", "/v1/Accounts/\(sid)/MessagingLimits/Requests"] {
                let empty = try await post(app, path, auth, "{}")
                #expect(empty.status == .badRequest && empty.errorCode == 20001, "\(path): \(empty.text)")
                let field = (empty.json["message"] as? String).flatMap { DomainError(.invalidParameter, $0).field }
                #expect(field != nil, "\(path): \(empty.text)")
            }
        }
    }

    @Test("A method a path does not take is 405 with an Allow header listing the ones it does")
    func allowHeader() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "ines")
            let auth = TestData.basic(customer.account.sid, customer.authToken)
            let sid = customer.account.sid
            let cases: [(HTTPMethod, String, String)] = [
                (.DELETE, "/v1/Accounts/\(sid)", "GET"), (.PUT, "/v1/Accounts/\(sid)/Subaccounts", "GET, POST"),
                (.PATCH, "/v1/Accounts/\(sid)/MessagingLimits", "GET, POST"), (.GET, "/v1/Accounts/\(sid)/MessagingLimits/Requests", "POST"),
                (.DELETE, "/v1/Tickets", "GET, POST"), (.PUT, "/v1/Accounts/\(sid)/Standing", "GET"),
            ]
            for (method, path, allow) in cases {
                let response = try await app.testing().sendRequest(method, path, headers: auth)
                #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                #expect(response.errorCode == 20405)
                #expect(response.headers.first(name: "Allow") == allow, "\(method) \(path)")
            }
            let scanning = try await app.testing().sendRequest(.GET, "/v1/SecretScanning/GitHub")
            #expect(scanning.status == .methodNotAllowed && scanning.headers.first(name: "Allow") == "POST")
        }
    }
}
