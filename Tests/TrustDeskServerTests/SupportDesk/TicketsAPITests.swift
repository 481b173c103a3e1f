import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Support desk: /v1/Tickets")
struct TicketsAPITests {
    static func get(_ app: Application, _ customer: TestData.Customer, _ path: String) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.GET, path, headers: TestData.basic(customer.account.sid, customer.authToken))
    }

    static func post(_ app: Application, _ customer: TestData.Customer, _ path: String, _ body: [String: Any]) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.POST, path, headers: TestData.json(customer.account.sid, customer.authToken),
                                            body: ByteBuffer(string: String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)))
    }

    @Test("SUP-2: tickets are opened only with credentials or a signed-in session")
    func signInRequired() async throws {
        try await withTrustDesk { app in
            let anonymous = try await app.testing().sendRequest(.POST, "/v1/Tickets", headers: ["Content-Type": "application/json"], body: ByteBuffer(string: "{}"))
            #expect(anonymous.status == .unauthorized && anonymous.errorCode == 20003)
            let page = try await Browser(app).get("/console/support/new")
            #expect(page.location == "/signin")
            let signin = try await Browser(app).get("/signin")
            #expect(signin.text.contains("/trouble"))
        }
    }

    @Test("SEC-3: another organisation's ticket is not found, in the API and in the console")
    func tenantIsolation() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let mine = try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(now: app.now))
            let number = try #require(mine.json["number"] as? Int)
            let other = try await Self.get(app, world.harbor, "/v1/Tickets/\(number)")
            #expect(other.status == .notFound && other.errorCode == 20404)
            #expect(try await Self.get(app, world.harbor, "/v1/Tickets/\(number)/Comments").status == .notFound)
            let reply = try await Self.post(app, world.harbor, "/v1/Tickets/\(number)/Comments", ["body": "hello"])
            #expect(reply.status == .notFound)
            let list = try await Self.get(app, world.harbor, "/v1/Tickets")
            #expect((list.json["tickets"] as? [Any])?.isEmpty == true)
            let harper = try await SupportWorld.customerBrowser(app, "harper")
            #expect(try await harper.get("/console/support/tickets/\(number)").status == .notFound)
            #expect(try await harper.post("/console/support/tickets/\(number)/reply", ["body": "x"]).status == .notFound)
            // A subaccount's credential sees only its own tickets.
            let (sub, subToken) = try await app.accounts(now: app.now).createSubaccount(of: world.acme.account, named: "Acme EU", limits: app.trustDeskConfiguration.subaccountLimits)
            let subCustomer = TestData.Customer(user: world.acme.user, account: sub, authToken: subToken)
            #expect(try await Self.get(app, subCustomer, "/v1/Tickets/\(number)").status == .notFound)
            let subTicket = try await SupportWorld.apiTicket(app, subCustomer, SupportWorld.voiceBody(now: app.now))
            #expect(subTicket.status == .created && subTicket.json["organisation_sid"] as? String == world.acme.account.sid)
            // The main account sees both.
            let all = try await Self.get(app, world.acme, "/v1/Tickets")
            #expect((all.json["tickets"] as? [Any])?.count == 2)
        }
    }

    @Test("SUP-12: list with filters and keyset pages; staff-only fields never reach the customer")
    func listAndHiddenFields() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            for priority in [1, 2, 3, 2, 3] {
                #expect(try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(priority: priority, now: app.now)).status == .created)
            }
            let first = try await Self.get(app, world.acme, "/v1/Tickets?page_size=2")
            let firstPage = try #require(first.json["tickets"] as? [[String: Any]])
            let token = try #require((first.json["meta"] as? [String: Any])?["next_page_token"] as? String)
            let second = try await Self.get(app, world.acme, "/v1/Tickets?page_size=2&page_token=\(token)")
            let third = try await Self.get(app, world.acme, "/v1/Tickets?page_size=2&page_token=\((second.json["meta"] as? [String: Any])?["next_page_token"] as? String ?? "")")
            let numbers = (firstPage + (second.json["tickets"] as? [[String: Any]] ?? []) + (third.json["tickets"] as? [[String: Any]] ?? [])).compactMap { $0["number"] as? Int }
            #expect(numbers.count == 5 && numbers == numbers.sorted(by: >))
            #expect((third.json["meta"] as? [String: Any])?["next_page_token"] is NSNull)
            let p2 = try await Self.get(app, world.acme, "/v1/Tickets?priority=2")
            #expect((p2.json["tickets"] as? [[String: Any]])?.count == 2)
            #expect(try await Self.get(app, world.acme, "/v1/Tickets?status=bogus").errorCode == 20001)
            #expect(try await Self.get(app, world.acme, "/v1/Tickets?page_token=abc").errorCode == 20001)

            let number = try #require(numbers.first)
            let ticket = try #require(try await Ticket.find(number, on: app.db))
            let staff = TicketActor(user: world.taylor)
            try await app.tickets(now: app.now).reply(to: ticket, by: staff, body: "Internal: carrier ticket 555-01", isPublic: false)
            try await app.tickets(now: app.now).reply(to: ticket, by: staff, body: "We are looking into it.", isPublic: true)
            let shown = try await Self.get(app, world.acme, "/v1/Tickets/\(number)")
            #expect(shown.json["assignee_sid"] == nil && shown.json["group"] == nil && shown.json["tags"] == nil)
            #expect(!shown.text.contains(world.taylor.sid))
            let comments = try await Self.get(app, world.acme, "/v1/Tickets/\(number)/Comments")
            #expect(comments.text.contains("We are looking into it."))
            #expect(!comments.text.contains("carrier ticket"))
        }
    }

    @Test("SUP-12: bad input gets a clear error with a stable code")
    func badInput() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            var body = SupportWorld.voiceBody(now: app.now)
            body["product"] = "fax"
            #expect(try await SupportWorld.apiTicket(app, world.acme, body).errorCode == 21001)
            body = SupportWorld.voiceBody(now: app.now)
            body["priority"] = "urgent"
            #expect(try await SupportWorld.apiTicket(app, world.acme, body).errorCode == 21002)
            body = SupportWorld.voiceBody(now: app.now)
            body["sids"] = ["CA123"]
            let malformed = try await SupportWorld.apiTicket(app, world.acme, body)
            #expect(malformed.status == .badRequest && malformed.errorCode == 20002)
            body = SupportWorld.voiceBody(hoursAgo: 50, now: app.now)
            let old = try await SupportWorld.apiTicket(app, world.acme, body)
            #expect(old.errorCode == 21005 && (old.json["message"] as? String)?.contains("48 hours") == true)
            body = SupportWorld.voiceBody(now: app.now)
            body["countries"] = "US, GB"
            #expect(try await SupportWorld.apiTicket(app, world.acme, body).errorCode == 21007)
            body = SupportWorld.voiceBody(now: app.now)
            body["colour"] = "red"
            #expect(try await SupportWorld.apiTicket(app, world.acme, body).errorCode == 20007)
            body = SupportWorld.voiceBody(now: app.now)
            body["description"] = String(repeating: "x", count: 70_000)
            #expect(try await SupportWorld.apiTicket(app, world.acme, body).errorCode == 20008)
            body = SupportWorld.voiceBody(now: app.now)
            body["account_sid"] = world.harbor.account.sid
            #expect(try await SupportWorld.apiTicket(app, world.acme, body).errorCode == 20404)
            // Nothing half-written.
            #expect(try await Ticket.query(on: app.db).count() == 0)

            let created = try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(now: app.now))
            let number = try #require(created.json["number"] as? Int)
            let big = Data(repeating: 65, count: 40 * 1024).base64EncodedString()
            let oversized = try await Self.post(app, world.acme, "/v1/Tickets/\(number)/Comments", ["body": "log", "attachments": [["filename": "log.txt", "content_base64": big]]])
            #expect(oversized.status == .payloadTooLarge && oversized.errorCode == 21006)
            let small = Data("trace".utf8).base64EncodedString()
            let attached = try await Self.post(app, world.acme, "/v1/Tickets/\(number)/Comments", ["body": "log", "attachments": [["filename": "log.txt", "content_type": "text/plain", "content_base64": small]]])
            #expect(attached.status == .created)
            #expect(try await TicketAttachment.query(on: app.db).filter(\.$ticketNumber == number).count() == 1)
            #expect(try await Self.get(app, world.acme, "/v1/Tickets/999999").status == .notFound)
        }
    }

    @Test("SUP-12: missing items are warnings that the customer sees with the reason")
    func warningsShown() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let response = try await SupportWorld.apiTicket(app, world.acme, [
                "subject": "Messages not delivered", "description": "Some customers do not get our texts.", "product": "messaging", "priority": 3,
                "sids": ["SM" + String(repeating: "a", count: 32)],
            ])
            #expect(response.status == .created)
            let warnings = try #require(response.json["warnings"] as? [String])
            #expect(warnings.contains { $0.contains("isolated event") })
            #expect(warnings.contains { $0.contains("inbound or outbound") })
            let number = try #require(response.json["number"] as? Int)
            let page = try await SupportWorld.customerBrowser(app, "avery").get("/console/support/tickets/\(number)")
            #expect(page.text.contains("intake-warnings") && page.text.contains("inbound or outbound"))
        }
    }
}
