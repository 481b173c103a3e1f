import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Support desk: routing, SLA and the acceptance scenario")
struct SupportDeskTests {
    @Test("SUP-5 SUP-8 SUP-12: a P2 voice ticket on Friday 17:30 New York goes to the primary TAM, first response due Monday 10:30")
    func acceptanceFridayEvening() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(SupportWorld.fridayEvening)
            let customer = try await SupportWorld.customerBrowser(app, "avery")
            let form = try await customer.get("/console/support/new?product=voice")
            #expect(form.status == .ok)
            #expect(form.text.contains("2-3 call SIDs"))
            let created = try await customer.post("/console/support/tickets", [
                "product": "voice", "account_sid": world.acme.account.sid, "priority": "2", "topic": "",
                "subject": "Choppy audio on conference calls", "description": "Callers hear choppy audio after joining.",
                "sids": "\(SupportWorld.call1)\n\(SupportWorld.call2)", "oldest_example_hours_ago": "2", "countries": "US",
            ])
            let location = try #require(created.location)
            #expect(location.hasPrefix("/console/support/tickets/"))
            let number = try #require(Int(location.split(separator: "/").last ?? ""))
            let ticket = try #require(try await Ticket.find(number, on: app.db))
            #expect(ticket.assigneeSID == world.taylor.sid)
            #expect(ticket.sidList == [SupportWorld.call1, SupportWorld.call2])
            let target = try #require(try await TicketSLARecord.query(on: app.db).filter(\.$ticketNumber == number).first())
            // Monday 2026-03-02 10:30 EST = 15:30 UTC.
            #expect(target.dueAt == Date(timeIntervalSince1970: 1_772_465_400))
            #expect(target.metric == "first_response")

            let page = try await customer.get(location)
            #expect(page.text.contains("2026-03-02 15:30 UTC"))
            #expect(!page.text.contains("intake-warnings"))

            let staff = try await SupportWorld.staffBrowser(app, world.taylor)
            let staffPage = try await staff.get("/staff/support/tickets/\(number)")
            #expect(staffPage.text.contains("due Mon 10:30 EST: 2 business hours on T. Reed&#39;s calendar (America/New_York), 30 min on Fri before 18:00, 90 min from Mon 09:00")
                    || staffPage.text.contains("due Mon 10:30 EST: 2 business hours on T. Reed's calendar (America/New_York), 30 min on Fri before 18:00, 90 min from Mon 09:00"))
            #expect(staffPage.text.contains("primary TAM Taylor Reed"))
            let queue = try await staff.get("/staff/support?queue=mine")
            #expect(queue.text.contains("Choppy audio on conference calls"))
        }
    }

    @Test("SUP-5 SUP-3: a P1 opened at 03:00 New York goes to the on-shift PSE with the least open work and is due at 04:00")
    func businessCriticalAtNight() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(SupportWorld.mondayNight)
            // Pia already has open work, so Parker is picked.
            let busy = try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(priority: 3, now: app.now))
            #expect(busy.status == .created)
            let first = try #require(busy.json["number"] as? Int)
            let firstTicket = try #require(try await Ticket.find(first, on: app.db))
            let firstAssignee = try #require(firstTicket.assigneeSID)
            #expect([world.parker.sid, world.pia.sid].contains(firstAssignee))

            let response = try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(priority: 1, now: app.now))
            #expect(response.status == .created)
            let number = try #require(response.json["number"] as? Int)
            let ticket = try #require(try await Ticket.find(number, on: app.db))
            #expect(ticket.assigneeSID != nil && ticket.assigneeSID != firstAssignee)
            #expect(ticket.groupName == SupportGroup.pse)
            let targets = try #require(response.json["targets"] as? [[String: Any]])
            #expect(targets.first?["due_at"] as? String == "2026-03-02T09:00:00Z")
            // The history says why.
            let routed = try await TicketEvent.query(on: app.db).filter(\.$ticketNumber == number).filter(\.$action == "routed").first()
            #expect(routed?.detail.contains("on-shift PSE") == true)
            #expect(routed?.detail.contains("outside working hours") == true)
        }
    }

    @Test("SUP-5: a TAM who marks themselves away gets no new tickets; the secondary does")
    func awayGoesToSecondary() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            // Monday 2026-03-02 14:30 UTC: 09:30 in New York, 14:30 in London.
            app.clock.set(Date(timeIntervalSince1970: 1_772_461_800))
            let taylor = try await SupportWorld.staffBrowser(app, world.taylor)
            try await taylor.get("/staff/support")
            let away = try await taylor.post("/staff/support/availability", ["available": "false"])
            #expect(away.location == "/staff/support")
            #expect(try await taylor.get("/staff/support").text.contains("id=\"availability\">away"))
            let response = try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(now: app.now))
            let ticket = try #require(try await Ticket.find(try #require(response.json["number"] as? Int), on: app.db))
            #expect(ticket.assigneeSID == world.lee.sid)
        }
    }

    @Test("SUP-5: other plans go to their group's queue unassigned")
    func standardPlanQueue() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let response = try await SupportWorld.apiTicket(app, world.harbor, SupportWorld.voiceBody(now: app.now))
            let ticket = try #require(try await Ticket.find(try #require(response.json["number"] as? Int), on: app.db))
            #expect(ticket.assigneeSID == nil && ticket.groupName == SupportGroup.general && ticket.plan == "standard")
            let staff = try await SupportWorld.staffBrowser(app, world.manager)
            #expect(try await staff.get("/staff/support?queue=unassigned").text.contains("/staff/support/tickets/\(ticket.number)"))
            #expect(try await staff.get("/staff/support?queue=group").text.contains("/staff/support/tickets/\(ticket.number)"))
        }
    }

    @Test("SUP-15: a Consumer Trust topic goes to the Consumer Trust team, has no SLA and tells the customer 24-48 hours")
    func consumerTrust() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let customer = try await SupportWorld.customerBrowser(app, "avery")
            try await customer.get("/console/support/new?product=other")
            let created = try await customer.post("/console/support/tickets", [
                "product": "other", "account_sid": world.acme.account.sid, "priority": "1", "topic": "account_takeover",
                "subject": "Someone changed our password", "description": "We did not do this.",
            ])
            let location = try #require(created.location)
            let number = try #require(Int(location.split(separator: "/").last ?? ""))
            let ticket = try #require(try await Ticket.find(number, on: app.db))
            #expect(ticket.groupName == SupportGroup.consumerTrust && ticket.assigneeSID == nil && !ticket.hasSLA)
            #expect(try await TicketSLARecord.query(on: app.db).filter(\.$ticketNumber == number).count() == 0)
            let page = try await customer.get(location)
            #expect(page.text.contains("expect an answer within 24-48 hours"))
            #expect(!page.text.contains("intake-warnings"))
            let mail = try await TestData.mail(app, to: "avery@example.com")
            #expect(mail.last?.body.contains("24-48 hours") == true)
        }
    }
}
