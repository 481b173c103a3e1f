import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// The API's one JSON convention (DESIGN, Conventions): keys come from the configured coders,
/// not from a key list per DTO, and strict bodies stay exact under it.
@Suite("API JSON: one key convention, dates, nulls and strict bodies")
struct JSONConventionTests {
    struct TargetProbe: Content, Equatable {
        let targetMinutes: Int
        let dueAt: Date
    }

    /// Multi-word keys, a date, a nested object and a list of them, a URL, an optional that is
    /// written as null and one that is left out.
    struct TicketProbe: Content, Equatable {
        let friendlyName: String
        let dateCreated: Date
        let subresourceUri: String
        let firstTarget: TargetProbe
        let targets: [TargetProbe]
        @ExplicitNull var ownerAccountSid: String?
        let authToken: String?
    }

    private static let created = Date(timeIntervalSince1970: 1_795_910_400)  // 2026-11-29T00:00:00Z

    private static var probe: TicketProbe {
        let target = TargetProbe(targetMinutes: 60, dueAt: created.addingTimeInterval(3_600))
        return TicketProbe(friendlyName: "Acme", dateCreated: created, subresourceUri: "/v1/Accounts/AC1/Keys", firstTarget: target,
                           targets: [target], ownerAccountSid: nil, authToken: nil)
    }

    @Test("The configured coders write snake_case keys in sorted order, ISO-8601 UTC seconds, null where asked, and read the same bytes back")
    func roundTrip() async throws {
        try await withTrustDesk { _ in
            var buffer = ByteBuffer()
            var headers = HTTPHeaders()
            try ContentConfiguration.global.requireEncoder(for: .json).encode(Self.probe, to: &buffer, headers: &headers)
            let text = String(buffer: buffer)
            let target = #"{"due_at":"2026-11-29T01:00:00Z","target_minutes":60}"#
            #expect(text == #"{"date_created":"2026-11-29T00:00:00Z","first_target":\#(target),"friendly_name":"Acme","owner_account_sid":null,"#
                + #""subresource_uri":"/v1/Accounts/AC1/Keys","targets":[\#(target)]}"#)
            let decoded = try ContentConfiguration.global.requireDecoder(for: .json).decode(TicketProbe.self, from: buffer, headers: headers)
            #expect(decoded == Self.probe)
            // An absent key reads as nil for a null-written optional too.
            let sparse = #"{"date_created":"2026-11-29T00:00:00Z","first_target":\#(target),"friendly_name":"Acme","subresource_uri":"/","targets":[]}"#
            let read = try JSONDecoder.trustDesk.decode(TicketProbe.self, from: Data(sparse.utf8))
            #expect(read.ownerAccountSid == nil && read.authToken == nil && read.targets.isEmpty && read.dateCreated == Self.created)
        }
    }

    @Test("Wire keys and property names translate through the coders themselves")
    func keyNames() {
        #expect(JSONKeyConvention.wireKey(forProperty: "ownerAccountSid") == "owner_account_sid")
        #expect(JSONKeyConvention.wireKey(forProperty: "archiveSha256") == "archive_sha256")
        #expect(JSONKeyConvention.propertyName(forWireKey: "content_base64") == "contentBase64")
        #expect(JSONKeyConvention.propertyName(forWireKey: "status") == "status")
    }

    @Test("A JSON body and a form body with multi-word fields and a number make the same invoice; the answer keeps its documented keys")
    func jsonAndFormBodies() async throws {
        try await withTrustDesk { app in
            app.trustDeskConfiguration.serviceToken = StandingTestKit.serviceToken
            let acme = try await TestData.customer(app, "rae")
            let json = try await StandingJobTests.invoice(app, acme.account, reference: "INV-JSON", billRun: "2026-11", due: "2026-12-15", cents: 1_250)
            var headers = StandingTestKit.service(app)
            headers.contentType = .urlEncodedForm
            let form = "reference=INV-FORM&account_sid=\(acme.account.sid)&bill_run=2026-11&amount_cents=1250&currency=USD&due_date=2026-12-15"
            let formed = try await app.testing().sendRequest(.POST, "/v1/Invoices", headers: headers, body: ByteBuffer(string: form))
            for response in [json, formed] {
                #expect(response.status == .created)
                #expect(response.json["account_sid"] as? String == acme.account.sid)
                #expect(response.json["bill_run"] as? String == "2026-11")
                #expect(response.json["amount_cents"] as? Int == 1_250)
                #expect(response.json["owed_cents"] as? Int == 1_250)
                #expect(response.json["due_date"] as? String == "2026-12-15")
                #expect(response.json["billRun"] == nil)
            }
            #expect(try await Invoice.query(on: app.db).count() == 2)
        }
    }

    @Test("Swift spellings of a field are unknown fields (20007) in JSON, in forms and inside nested objects; a wrong type names the wire key")
    func swiftSpellingsAreUnknown() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "ines")
            let path = "/v1/Accounts/\(customer.account.sid)/Keys"
            let json = TestData.json(customer.account.sid, customer.authToken)
            var form = TestData.basic(customer.account.sid, customer.authToken)
            form.contentType = .urlEncodedForm
            for (headers, body) in [(json, #"{"friendlyName": "camel"}"#), (form, "friendlyName=camel")] {
                let refused = try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: body))
                #expect(refused.errorCode == 20007)
                #expect((refused.json["message"] as? String)?.hasPrefix("friendlyName: unknown field. Allowed fields: friendly_name.") == true)
            }
            let wrongType = try await app.testing().sendRequest(.POST, path, headers: json, body: ByteBuffer(string: #"{"friendly_name": 42}"#))
            #expect(wrongType.errorCode == 20009)
            #expect(wrongType.json["message"] as? String == "friendly_name: has the wrong type.")
            #expect(try await APIKey.query(on: app.db).count() == 0)

            let world = try await SupportWorld.make(app)
            let number = try #require(try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(now: app.now)).json["number"] as? Int)
            let nested = try await TicketsAPITests.post(app, world.acme, "/v1/Tickets/\(number)/Comments", ["body": "Log attached.", "attachments": [
                ["filename": "a.log", "contentBase64": "QQ=="],
            ]])
            #expect(nested.errorCode == 20007)
            #expect((nested.json["message"] as? String)?.hasPrefix("attachments[0].contentBase64: unknown field.") == true)
            let accepted = try await TicketsAPITests.post(app, world.acme, "/v1/Tickets/\(number)/Comments", ["body": "Log attached.", "attachments": [
                ["filename": "a.log", "content_type": "text/plain", "content_base64": "QQ=="],
            ]])
            #expect(accepted.status == .created)
            let attachment = try #require((accepted.json["attachments"] as? [[String: Any]])?.first)
            #expect(attachment["content_type"] as? String == "text/plain" && attachment["filename"] as? String == "a.log")
        }
    }
}
