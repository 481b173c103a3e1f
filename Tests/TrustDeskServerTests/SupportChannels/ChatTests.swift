import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("SUP-11 chat")
struct ChatTests {
    @Test("SUP-11: the chat API pages messages newest first in Chatwoot's shape, with the no-SLA notice")
    func api() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            for index in 1...3 {
                let posted = try await ChannelWorld.post(app, world.acme, "/v1/Chat/Messages", ["content": "Message \(index)"])
                #expect(posted.status == .created && posted.json["message_type"] as? String == "incoming")
                app.clock.advance(by: 60)
            }
            let page = try await ChannelWorld.get(app, world.acme, "/v1/Chat/Messages?page_size=2")
            #expect(page.json["channel"] as? String == "tam-acme-rockets")
            #expect((page.json["notice"] as? String)?.contains("not watched around the clock") == true)
            let messages = try #require(page.json["messages"] as? [[String: Any]])
            #expect(messages.compactMap { $0["content"] as? String } == ["Message 3", "Message 2"])
            #expect((messages.first?["sender"] as? [String: Any])?["type"] as? String == "contact")
            let token = try #require((page.json["meta"] as? [String: Any])?["next_page_token"] as? String)
            let next = try await ChannelWorld.get(app, world.acme, "/v1/Chat/Messages?page_size=2&page_token=\(token)")
            #expect((next.json["messages"] as? [[String: Any]])?.compactMap { $0["content"] as? String } == ["Message 1"])
            #expect(try await ChannelWorld.post(app, world.acme, "/v1/Chat/Messages", ["content": " "]).errorCode == 20001)
            // No channel (standard plan): 21013. A subaccount's credential: 20006.
            let harbor = try await ChannelWorld.get(app, world.harbor, "/v1/Chat/Messages")
            #expect(harbor.status == .forbidden && harbor.errorCode == 21013)
            let (sub, subToken) = try await app.accounts(now: app.now).createSubaccount(of: world.acme.account, named: "Acme EU", limits: app.trustDeskConfiguration.subaccountLimits)
            let subResponse = try await app.testing().sendRequest(.GET, "/v1/Chat/Messages", headers: TestData.basic(sub.sid, subToken))
            #expect(subResponse.errorCode == 20006)
        }
    }

    @Test("SUP-11: customers and staff chat on the pages, under the banner; the customer's page hints at Consumer Trust")
    func pages() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let avery = try await SupportWorld.customerBrowser(app, "avery")
            let empty = try await avery.get("/console/support/chat")
            #expect(empty.text.contains("id=\"chat-banner\"") && empty.text.contains("not watched around the clock"))
            let refused = try await avery.post("/console/support/chat?account=\(world.acme.account.sid)", ["content": String(repeating: "x", count: 4_001)])
            #expect(refused.text.contains("id=\"content-error\""))
            _ = try await avery.post("/console/support/chat?account=\(world.acme.account.sid)", ["content": "I think our account was hacked last night"])
            let page = try await avery.get("/console/support/chat")
            #expect(page.text.contains("I think our account was hacked last night") && page.text.contains("id=\"chat-suggestion\""))
            #expect(page.text.contains("<option value=\"account_takeover\" selected>"))
            let staff = try await SupportWorld.staffBrowser(app, world.taylor)
            let list = try await staff.get("/staff/support/chat")
            #expect(list.text.contains("href=\"/staff/support/chat/tam-acme-rockets\""))
            _ = try await staff.get("/staff/support/chat/tam-acme-rockets")
            _ = try await staff.post("/staff/support/chat/tam-acme-rockets", ["content": "Sorry to hear: let's open a Consumer Trust ticket."])
            let messages = try await ChatMessage.query(on: app.db).sort(\.$id).all()
            #expect(messages.map(\.messageType) == ["incoming", "outgoing"])
            #expect(try await StaffAuditEvent.query(on: app.db).filter(\.$action == "view_chat").count() >= 1)
            let harper = try await SupportWorld.customerBrowser(app, "harper")
            #expect(try await harper.get("/console/support/chat").errorCode == 21013)
        }
    }

    @Test("SUP-11 SUP-15: a Consumer Trust matter becomes a Consumer Trust ticket with the transcript as first comment and a .txt file")
    func consumerTrust() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let avery = try await SupportWorld.customerBrowser(app, "avery")
            try await avery.get("/console/support/chat")
            let noMessages = try await avery.post("/console/support/chat/consumer-trust?account=\(world.acme.account.sid)", ["topic": "account_takeover"])
            #expect(noMessages.text.contains("id=\"topic-error\""))
            _ = try await avery.post("/console/support/chat?account=\(world.acme.account.sid)", ["content": "Someone logged in from abroad and changed our webhooks"])
            let noTopic = try await avery.post("/console/support/chat/consumer-trust?account=\(world.acme.account.sid)", ["topic": ""])
            #expect(noTopic.text.contains("id=\"topic-error\""))
            let converted = try await avery.post("/console/support/chat/consumer-trust?account=\(world.acme.account.sid)", ["topic": "account_takeover"])
            let location = try #require(converted.location)
            let number = try #require(Int(location.split(separator: "/").last ?? ""))
            let ticket = try #require(try await Ticket.find(number, on: app.db))
            #expect(ticket.topic == "account_takeover" && ticket.groupName == SupportGroup.consumerTrust && !ticket.hasSLA)
            #expect(ticket.requesterSID == world.acme.user.sid)
            let comments = try await app.tickets(now: app.now).comments(of: number, includeInternal: false)
            let first = try #require(comments.first)
            #expect(first.body.hasPrefix("Chat transcript of #tam-acme-rockets") && first.body.contains("Someone logged in from abroad"))
            let files = try await TicketAttachment.query(on: app.db).filter(\.$ticketNumber == number).all()
            #expect(files.map(\.filename) == ["chat-transcript.txt"])
            let file = String(decoding: Data(base64Encoded: files.first?.contentBase64 ?? "") ?? Data(), as: UTF8.self)
            #expect(file.trimmingCharacters(in: .whitespacesAndNewlines) == first.body)
            // The transcript is not a staff answer: no first response is recorded.
            #expect(ticket.firstResponseAt == nil)
            let activity = try #require(try await ChatMessage.query(on: app.db).sort(\.$id, .descending).first())
            #expect(activity.messageType == "activity" && activity.content.contains("Ticket #\(number)"))
        }
    }

    @Test("SUP-11: staff convert a chat; the ticket's requester is the teammate who wrote last")
    func staffConvert() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let casey = try await TestData.teammate(app, "casey", role: .developer, on: world.acme.account)
            let browser = try await SupportWorld.customerBrowser(app, "casey")
            try await browser.get("/console/support/chat")
            _ = try await browser.post("/console/support/chat?account=\(world.acme.account.sid)", ["content": "Our account is suspended, why?"])
            let staff = try await SupportWorld.staffBrowser(app, world.taylor)
            try await staff.get("/staff/support/chat/tam-acme-rockets")
            let converted = try await staff.post("/staff/support/chat/tam-acme-rockets/consumer-trust", ["topic": "automated_decision_review"])
            let number = try #require(Int(converted.location?.split(separator: "/").last ?? ""))
            let ticket = try #require(try await Ticket.find(number, on: app.db))
            #expect(ticket.requesterSID == casey.sid && ticket.topic == "automated_decision_review")
            #expect(try await StaffAuditEvent.query(on: app.db).filter(\.$action == "chat_to_consumer_trust").count() == 1)
        }
    }
}
