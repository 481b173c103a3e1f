import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("SUP-9 escalations")
struct EscalationTests {
    @Test("SUP-9: a customer escalates on Sunday 03:00 New York: the TAM manager and the weekend on-call are alerted at once, in console and mail")
    func sundayNight() async throws {
        try await withTrustDesk { app in
            let world = try await ChannelWorld.make(app)
            app.clock.set(.utc("2026-03-08T07:00:00Z"))
            let number = try await ChannelWorld.ticket(app, world.desk)
            let response = try await ChannelWorld.post(app, world.desk.acme, "/v1/Tickets/\(number)/Escalations",
                                                       ["reason": "critical_blocker", "note": "All calls to +1 415 fail; we are on the bridge now."])
            #expect(response.status == .created)
            #expect(response.json["status"] as? String == "open" && response.json["reason"] as? String == "critical_blocker")
            for person in [world.desk.manager, world.remy] {
                let alerts = try await SupportAlert.query(on: app.db).filter(\.$userSID == person.sid).filter(\.$ticketNumber == number).all()
                #expect(alerts.contains { $0.message.hasPrefix("ESCALATED") }, "\(person.username)")
                let mail = try await TestData.mail(app, to: person.email)
                #expect(mail.contains { $0.kind == "support_escalation" && $0.subject.contains("ESCALATED (Critical blocker)") && $0.body.contains("http://127.0.0.1:8080/staff/support/tickets/\(number)") })
            }
            for person in [world.sasha, world.ola] {
                #expect(try await SupportAlert.query(on: app.db).filter(\.$userSID == person.sid).count() == 0)
            }
            // The ticket's JSON shows it; the customer got a confirmation; the history has it.
            let ticket = try await ChannelWorld.get(app, world.desk.acme, "/v1/Tickets/\(number)")
            let escalation = try #require(ticket.json["escalation"] as? [String: Any])
            #expect(escalation["status"] as? String == "open" && escalation["reason"] as? String == "critical_blocker")
            #expect(try await TestData.mail(app, to: "avery@example.com").contains { $0.subject.contains("Escalation received") })
            let events = try await TicketEvent.query(on: app.db).filter(\.$ticketNumber == number).all()
            #expect(events.contains { $0.action == "escalated" && $0.isPublic })
            #expect(events.contains { $0.action == "escalation_alerted" && !$0.isPublic && $0.detail.contains("Remy") })
        }
    }

    @Test("SUP-9: a second escalation while one is open is 21008; solved tickets and other plans are 21009")
    func refusals() async throws {
        try await withTrustDesk { app in
            let world = try await ChannelWorld.make(app)
            let number = try await ChannelWorld.ticket(app, world.desk)
            #expect(try await ChannelWorld.post(app, world.desk.acme, "/v1/Tickets/\(number)/Escalations", ["reason": "no_meaningful_response"]).status == .created)
            let second = try await ChannelWorld.post(app, world.desk.acme, "/v1/Tickets/\(number)/Escalations", ["reason": "critical_blocker"])
            #expect(second.status == .conflict && second.errorCode == 21008)
            #expect(try await TicketEscalation.query(on: app.db).count() == 1)

            let harbor = try await SupportWorld.apiTicket(app, world.desk.harbor, SupportWorld.voiceBody(now: app.now))
            let harborNumber = try #require(harbor.json["number"] as? Int)
            let standard = try await ChannelWorld.post(app, world.desk.harbor, "/v1/Tickets/\(harborNumber)/Escalations", ["reason": "critical_blocker"])
            #expect(standard.status == .conflict && standard.errorCode == 21009)

            let solvedNumber = try await ChannelWorld.ticket(app, world.desk)
            let avery = try await SupportWorld.customerBrowser(app, "avery")
            try await avery.get("/console/support/tickets/\(solvedNumber)")
            try await avery.post("/console/support/tickets/\(solvedNumber)/solve")
            let solved = try await ChannelWorld.post(app, world.desk.acme, "/v1/Tickets/\(solvedNumber)/Escalations", ["reason": "critical_blocker"])
            #expect(solved.errorCode == 21009)
            let bad = try await ChannelWorld.post(app, world.desk.acme, "/v1/Tickets/\(solvedNumber)/Escalations", ["reason": "angry"])
            #expect(bad.status == .badRequest && bad.errorCode == 20001)
            let unknown = try await ChannelWorld.post(app, world.desk.acme, "/v1/Tickets/\(solvedNumber)/Escalations", ["reason": "critical_blocker", "urgency": "high"])
            #expect(unknown.errorCode == 20007)
            // Another organisation's ticket is not found (SEC-3).
            let foreign = try await ChannelWorld.post(app, world.desk.harbor, "/v1/Tickets/\(number)/Escalations", ["reason": "critical_blocker"])
            #expect(foreign.status == .notFound)
        }
    }

    @Test("SUP-9: two concurrent escalations of one ticket: exactly one wins, the other gets 21008")
    func concurrent() async throws {
        try await withTrustDesk { app in
            let world = try await ChannelWorld.make(app)
            let number = try await ChannelWorld.ticket(app, world.desk)
            let codes = try await withThrowingTaskGroup(of: (HTTPStatus, Int?).self) { group in
                for reason in ["critical_blocker", "no_meaningful_response", "critical_blocker", "no_meaningful_response"] {
                    group.addTask {
                        let response = try await ChannelWorld.post(app, world.desk.acme, "/v1/Tickets/\(number)/Escalations", ["reason": reason])
                        return (response.status, response.errorCode)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(codes.filter { $0.0 == .created }.count == 1)
            #expect(codes.filter { $0.1 == 21008 }.count == 3)
            #expect(try await TicketEscalation.query(on: app.db).count() == 1)
            let alerts = try await SupportAlert.query(on: app.db).filter(\.$userSID == world.desk.manager.sid).filter(\.$ticketNumber == number).all()
            #expect(alerts.filter { $0.message.hasPrefix("ESCALATED") }.count == 1)
        }
    }

    @Test("SUP-9: the escalate button on the ticket page; a missing reason keeps the note and shows the error beside the reasons")
    func customerPage() async throws {
        try await withTrustDesk { app in
            let world = try await ChannelWorld.make(app)
            let number = try await ChannelWorld.ticket(app, world.desk)
            let avery = try await SupportWorld.customerBrowser(app, "avery")
            let page = try await avery.get("/console/support/tickets/\(number)")
            #expect(page.text.contains("id=\"escalate-form\"") && page.text.contains("available to engage now"))
            let refused = try await avery.post("/console/support/tickets/\(number)/escalate", ["note": "We lose money every minute."])
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains("id=\"reason-error\"") && refused.text.contains("aria-invalid=\"true\""))
            #expect(refused.text.contains(">We lose money every minute.</textarea>"))
            let sent = try await avery.post("/console/support/tickets/\(number)/escalate", ["reason": "critical_blocker", "note": "We lose money every minute."])
            #expect(sent.status == .seeOther || sent.status == .found)
            let after = try await avery.get("/console/support/tickets/\(number)")
            #expect(after.text.contains("id=\"escalation-status\">Open") && !after.text.contains("id=\"escalate-form\""))
            // A standard-plan ticket has no button.
            let harborNumber = try #require(try await SupportWorld.apiTicket(app, world.desk.harbor, SupportWorld.voiceBody(now: app.now)).json["number"] as? Int)
            let harper = try await SupportWorld.customerBrowser(app, "harper")
            #expect(!(try await harper.get("/console/support/tickets/\(harborNumber)")).text.contains("escalate-form"))
        }
    }

    @Test("SUP-9: staff see the escalated queue, acknowledge and resolve; the customer is told each time and may escalate again")
    func staffWork() async throws {
        try await withTrustDesk { app in
            let world = try await ChannelWorld.make(app)
            let number = try await ChannelWorld.ticket(app, world.desk)
            _ = try await ChannelWorld.post(app, world.desk.acme, "/v1/Tickets/\(number)/Escalations", ["reason": "no_meaningful_response"])
            let sasha = try await SupportWorld.staffBrowser(app, world.sasha)
            let queue = try await sasha.get("/staff/support?queue=escalated")
            #expect(queue.text.contains("href=\"/staff/support/tickets/\(number)\""))
            let page = try await sasha.get("/staff/support/tickets/\(number)")
            let id = try #require(capture(#"name="escalation_id" value="([0-9a-f-]+)""#, in: page.text))
            app.clock.advance(by: 600)
            let acknowledged = try await sasha.post("/staff/support/tickets/\(number)/escalation/acknowledge", ["escalation_id": id])
            #expect(acknowledged.text.contains("id=\"escalation-status\">acknowledged"))
            let again = try await sasha.post("/staff/support/tickets/\(number)/escalation/acknowledge", ["escalation_id": id])
            #expect(again.errorCode == 21011)
            let empty = try await sasha.post("/staff/support/tickets/\(number)/escalation/resolve", ["escalation_id": id, "resolution": " "])
            #expect(empty.text.contains("id=\"resolution-error\""))
            let resolved = try await sasha.post("/staff/support/tickets/\(number)/escalation/resolve", ["escalation_id": id, "resolution": "TAM called back; route fixed."])
            #expect(resolved.text.contains("id=\"escalation-status\">resolved"))
            let mails = try await TestData.mail(app, to: "avery@example.com").map(\.subject)
            #expect(mails.contains { $0.contains("Escalation acknowledged") } && mails.contains { $0.contains("Escalation resolved") })
            #expect(try await Ticket.find(number, on: app.db)?.openEscalationID == nil)
            #expect(!(try await sasha.get("/staff/support?queue=escalated")).text.contains("href=\"/staff/support/tickets/\(number)\""))
            let audit = try await StaffAuditEvent.query(on: app.db).filter(\.$staffUserSID == world.sasha.sid).filter(\.$action == "change_escalation").count()
            #expect(audit == 2)
            // Resolved: the customer may escalate again.
            #expect(try await ChannelWorld.post(app, world.desk.acme, "/v1/Tickets/\(number)/Escalations", ["reason": "critical_blocker"]).status == .created)
            let list = try await ChannelWorld.get(app, world.desk.acme, "/v1/Tickets/\(number)/Escalations")
            #expect((list.json["escalations"] as? [[String: Any]])?.map { $0["status"] as? String } == ["open", "resolved"])
        }
    }

    @Test("SUP-9: solving the ticket resolves its open escalation")
    func solvedResolves() async throws {
        try await withTrustDesk { app in
            let world = try await ChannelWorld.make(app)
            let number = try await ChannelWorld.ticket(app, world.desk)
            _ = try await ChannelWorld.post(app, world.desk.acme, "/v1/Tickets/\(number)/Escalations", ["reason": "critical_blocker"])
            let taylor = try await SupportWorld.staffBrowser(app, world.desk.taylor)
            try await taylor.get("/staff/support/tickets/\(number)")
            try await taylor.post("/staff/support/tickets/\(number)/status", ["status": "solved", "reason": "route fixed"])
            let escalation = try #require(try await TicketEscalation.query(on: app.db).first())
            #expect(escalation.status == "resolved" && escalation.resolution == "The ticket was solved.")
            #expect(try await Ticket.find(number, on: app.db)?.openEscalationID == nil)
        }
    }
}
