import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Support desk: statuses, SLA clocks and jobs")
struct TicketLifecycleTests {
    static func open(_ app: Application, _ world: SupportWorld, priority: Int = 2) async throws -> Int {
        let response = try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(priority: priority, now: app.now))
        return try #require(response.json["number"] as? Int)
    }

    @Test("SUP-6 SUP-8: pending pauses the clock, a customer reply reopens the ticket and resumes it; mail goes to the requester")
    func pendingAndReply() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            // Monday 2026-03-02 14:00 UTC = 09:00 New York.
            app.clock.set(Date(timeIntervalSince1970: 1_772_460_000))
            let number = try await Self.open(app, world)
            let staff = try await SupportWorld.staffBrowser(app, world.taylor)
            try await staff.get("/staff/support/tickets/\(number)")
            app.clock.advance(by: 1800)
            try await staff.post("/staff/support/tickets/\(number)/comment", ["body": "Can you share a packet capture?", "public": "true"])
            let changed = try await staff.post("/staff/support/tickets/\(number)/status", ["status": "pending", "reason": "waiting for capture"])
            #expect(changed.text.contains("id=\"ticket-status\" data-status=\"pending\">Pending (waiting for the customer)"))
            let first = try await TicketSLARecord.query(on: app.db).filter(\.$ticketNumber == number).all()
            #expect(first.map(\.status) == ["achieved"])
            let mails = try await TestData.mail(app, to: "avery@example.com")
            #expect(mails.contains { $0.body.contains("Can you share a packet capture?") })
            #expect(mails.contains { $0.subject.contains("Status: Pending") })

            app.clock.advance(by: 3600)
            let reply = try await TicketsAPITests.post(app, world.acme, "/v1/Tickets/\(number)/Comments", ["body": "Attached."])
            #expect(reply.status == .created)
            let ticket = try #require(try await Ticket.find(number, on: app.db))
            #expect(ticket.ticketStatus == .open)
            let targets = try await TicketSLARecord.query(on: app.db).filter(\.$ticketNumber == number).sort(\.$startedAt).all()
            #expect(targets.map(\.metric) == ["first_response", "next_response"])
            #expect(targets.last?.status == "active")

            // On hold pauses the next-response clock; due_at is cleared so the breach job skips it.
            try await staff.get("/staff/support/tickets/\(number)")
            try await staff.post("/staff/support/tickets/\(number)/status", ["status": "on_hold", "reason": "waiting on carrier"])
            let held = try #require(try await TicketSLARecord.find(targets.last?.id, on: app.db))
            #expect(held.status == "paused" && held.dueAt == nil)
            app.clock.advance(by: 86400 * 3)
            #expect(try await app.tickets(now: app.now).breachDue() == 0)
        }
    }

    @Test("SUP-6: forbidden transitions are refused with 21003, and a change needs a reason")
    func forbiddenTransitions() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try await Self.open(app, world)
            let staff = try await SupportWorld.staffBrowser(app, world.taylor)
            try await staff.get("/staff/support/tickets/\(number)")
            let noReason = try await staff.post("/staff/support/tickets/\(number)/status", ["status": "solved", "reason": ""])
            #expect(noReason.errorCode == 20001)
            try await staff.post("/staff/support/tickets/\(number)/status", ["status": "solved", "reason": "fixed by carrier"])
            let back = try await staff.post("/staff/support/tickets/\(number)/status", ["status": "new", "reason": "oops"])
            #expect(back.status == .conflict && back.errorCode == 21003)
            let events = try await TicketEvent.query(on: app.db).filter(\.$ticketNumber == number).filter(\.$action == "status").all()
            #expect(events.contains { $0.detail.contains("fixed by carrier") && $0.actorSID == world.taylor.sid })
        }
    }

    @Test("SUP-6: a solved ticket closes after 4 days; a reply to a closed ticket starts a linked follow-up")
    func autoCloseAndFollowUp() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try await Self.open(app, world)
            let customer = try await SupportWorld.customerBrowser(app, "avery")
            try await customer.get("/console/support/tickets/\(number)")
            try await customer.post("/console/support/tickets/\(number)/solve")
            #expect(try await Ticket.find(number, on: app.db)?.ticketStatus == .solved)
            app.clock.advance(by: 3 * 86400)
            #expect(try await app.tickets(now: app.now).closeSolved() == 0)
            app.clock.advance(by: 86400)
            await JobScheduler.runOnce(SupportJobs.autoClose, application: app, holder: "test", now: app.now, logger: app.logger)
            #expect(try await Ticket.find(number, on: app.db)?.ticketStatus == .closed)
            // Running again changes nothing.
            #expect(try await app.tickets(now: app.now).closeSolved() == 0)

            let apiReply = try await TicketsAPITests.post(app, world.acme, "/v1/Tickets/\(number)/Comments", ["body": "It broke again"])
            #expect(apiReply.status == .conflict && apiReply.errorCode == 21004)
            // Four days later the old session has expired: sign in again.
            let customer2 = try await SupportWorld.customerBrowser(app, "avery")
            try await customer2.get("/console/support/tickets/\(number)")
            let followUp = try await customer2.post("/console/support/tickets/\(number)/reply", ["body": "It broke again"])
            let location = try #require(followUp.location)
            let newNumber = try #require(Int(location.split(separator: "/").last ?? ""))
            #expect(newNumber != number)
            let newTicket = try #require(try await Ticket.find(newNumber, on: app.db))
            #expect(newTicket.followUpOf == number && newTicket.description == "It broke again")
            #expect(try await Ticket.find(number, on: app.db)?.ticketStatus == .closed)
            #expect(try await customer2.get(location).text.contains("id=\"follow-up-of\""))
            // Staff can't reopen it either.
            let staff = try await SupportWorld.staffBrowser(app, world.taylor)
            try await staff.get("/staff/support/tickets/\(number)")
            #expect(try await staff.post("/staff/support/tickets/\(number)/status", ["status": "open", "reason": "x"]).errorCode == 21004)
        }
    }

    @Test("SUP-8: the breach job marks overdue targets breached and alerts the assignee and the TAM manager, once")
    func breachJob() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(SupportWorld.mondayNight)
            let number = try await Self.open(app, world, priority: 1)
            let ticket = try #require(try await Ticket.find(number, on: app.db))
            let assignee = try #require(ticket.assigneeSID)
            app.clock.advance(by: 3599)
            #expect(try await app.tickets(now: app.now).breachDue() == 0)
            app.clock.advance(by: 1)
            await JobScheduler.runOnce(SupportJobs.slaBreach, application: app, holder: "test", now: app.now, logger: app.logger)
            let target = try #require(try await TicketSLARecord.query(on: app.db).filter(\.$ticketNumber == number).first())
            #expect(target.status == "breached")
            let alerts = try await SupportAlert.query(on: app.db).filter(\.$ticketNumber == number).filter(\.$message ~~ "SLA breached").all()
            #expect(Set(alerts.map(\.userSID)) == [assignee, world.manager.sid])
            #expect(try await TestData.mail(app, to: world.manager.email).contains { $0.subject.contains("SLA breached") })
            app.clock.advance(by: 60)
            #expect(try await app.tickets(now: app.now).breachDue() == 0)
            let manager = try await SupportWorld.staffBrowser(app, world.manager)
            #expect(try await manager.get("/staff/support").text.contains("SLA breached on ticket #\(number)"))
            // A late reply does not turn a breach into an achievement.
            try await app.tickets(now: app.now).reply(to: ticket, by: TicketActor(user: world.parker), body: "On it.", isPublic: true)
            #expect(try await TicketSLARecord.find(target.id, on: app.db)?.status == "breached")
        }
    }

    @Test("SUP-8: the breaching-soon queue lists tickets by their due time")
    func breachingSoonQueue() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(SupportWorld.mondayNight)
            let urgent = try await Self.open(app, world, priority: 1)
            let later = try await Self.open(app, world, priority: 3)
            let staff = try await SupportWorld.staffBrowser(app, world.parker)
            let page = try await staff.get("/staff/support?queue=breaching")
            // The rows, not the alerts above them (which link every ticket assigned to the viewer).
            let rows = QueuePagesTests.rows(page.text)
            #expect(rows.contains(urgent))
            #expect(!rows.contains(later))
        }
    }

    @Test("SUP-3: staff change the priority with a recorded reason, and the due time follows")
    func priorityChange() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(SupportWorld.fridayEvening)
            let number = try await Self.open(app, world, priority: 3)
            let staff = try await SupportWorld.staffBrowser(app, world.taylor)
            try await staff.get("/staff/support/tickets/\(number)")
            #expect(try await staff.post("/staff/support/tickets/\(number)/priority", ["priority": "1", "reason": ""]).errorCode == 20001)
            let changed = try await staff.post("/staff/support/tickets/\(number)/priority", ["priority": "1", "reason": "outage confirmed"])
            #expect(changed.status == .ok)
            let target = try #require(try await TicketSLARecord.query(on: app.db).filter(\.$ticketNumber == number).first())
            #expect(target.targetMinutes == 60 && target.aroundTheClock)
            #expect(target.dueAt == SupportWorld.fridayEvening.addingTimeInterval(3600))
            let events = try await TicketEvent.query(on: app.db).filter(\.$ticketNumber == number).filter(\.$action == "priority").all()
            #expect(events.first?.detail.contains("outage confirmed") == true)
            #expect(try await StaffAuditEvent.query(on: app.db).filter(\.$action == "view_ticket").count() >= 1)
        }
    }

    @Test("SUP-5 SUP-8: assigning moves the running clock to the new assignee's calendar")
    func assign() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(SupportWorld.fridayEvening)
            let number = try await Self.open(app, world, priority: 2)
            let staff = try await SupportWorld.staffBrowser(app, world.taylor)
            try await staff.get("/staff/support/tickets/\(number)")
            let moved = try await staff.post("/staff/support/tickets/\(number)/assign", ["assignee": "staff.parker"])
            #expect(moved.text.contains("Staff.Parker"))
            // Parker works around the clock: 120 minutes from now.
            let target = try #require(try await TicketSLARecord.query(on: app.db).filter(\.$ticketNumber == number).first())
            #expect(target.dueAt == SupportWorld.fridayEvening.addingTimeInterval(7200))
            #expect(try await staff.post("/staff/support/tickets/\(number)/assign", ["assignee": "avery"]).errorCode == 20001)
        }
    }

    @Test("SUP-14: the account-information page shows plan, PIN, chat channel and TAM hours in their zone and the viewer's")
    func accountInformation() async throws {
        try await withTrustDesk { app in
            _ = try await SupportWorld.make(app)
            let customer = try await SupportWorld.customerBrowser(app, "avery")
            try await customer.get("/preferences")
            #expect(try await customer.post("/preferences/time-zone", ["time_zone": "Europe/Berlin"]).status == .ok)
            // The zone comes from the viewer's preferences; the old `?tz=` parameter is ignored.
            let page = try await customer.get("/console/support/account?tz=Asia/Tokyo")
            #expect(!page.text.contains("Asia/Tokyo"))
            #expect(page.text.contains("Personalized") && page.text.contains("4821") && page.text.contains("tam-acme-rockets"))
            #expect(page.text.contains("Primary TAM: Taylor Reed"))
            #expect(page.text.contains("Mon 09:00-18:00 EST (America/New_York) = Mon 15:00-00:00 GMT+1 your time (Europe/Berlin)")
                    || page.text.contains("(America/New_York) = Mon 15:00"))
            #expect(page.text.contains("Jamie Fox"))
            #expect(page.text.contains("+1 800 555 0100") && page.text.contains("United States (Toll free)"))
        }
    }

    @Test("SUP-4: staff admins edit calendars; a bad line is a clear error; others can only read")
    func calendars() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let admin = try await SupportWorld.staffBrowser(app, world.admin)
            #expect(try await admin.get("/staff/support/calendars").text.contains("Taylor Reed"))
            let id = try #require(world.taylorCalendar.id?.uuidString)
            let saved = try await admin.post("/staff/support/calendars/\(id)", ["time_zone": "America/New_York", "weekly_hours": "Mon-Thu 08:00-17:00", "holidays": "2026-07-03"])
            #expect(saved.text.contains("Calendar Taylor Reed saved"))
            #expect(try await SupportCalendarRecord.find(world.taylorCalendar.id, on: app.db)?.holidays == "2026-07-03")
            let bad = try await admin.post("/staff/support/calendars/\(id)", ["time_zone": "America/New_York", "weekly_hours": "Someday 9-5", "holidays": ""])
            #expect(bad.errorCode == 20001)
            let taylor = try await SupportWorld.staffBrowser(app, world.taylor)
            try await taylor.get("/staff/support/calendars")
            #expect(try await taylor.post("/staff/support/calendars/\(id)", ["time_zone": "UTC", "weekly_hours": "Mon 00:00-24:00", "holidays": ""]).errorCode == 20006)
        }
    }
}

@Suite("Support desk: pending follow-up")
struct PendingFollowUpServerTests {
    @Test("SUP-7: a pending ticket gets one reminder after 5 business days and is solved with a public note after 10; a reply stops it")
    func reminderThenSolve() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            // Monday 2026-03-02 14:00 UTC = 09:00 New York, Taylor's hours.
            app.clock.set(Date(timeIntervalSince1970: 1_772_460_000))
            let number = try await TicketLifecycleTests.open(app, world)
            let replied = try await TicketLifecycleTests.open(app, world)
            for ticketNumber in [number, replied] {
                let ticket = try #require(try await Ticket.find(ticketNumber, on: app.db))
                try await app.tickets(now: app.now).changeStatus(ticket, to: .pending, by: TicketActor(user: world.taylor), reason: "waiting for logs")
            }
            let pending = try #require(try await Ticket.find(number, on: app.db))
            // End of the 5th business day after Monday: Monday 2026-03-09 18:00 EDT = 22:00 UTC.
            #expect(pending.pendingNextAt == Date(timeIntervalSince1970: 1_773_093_600))
            _ = try await TicketsAPITests.post(app, world.acme, "/v1/Tickets/\(replied)/Comments", ["body": "Here are the logs."])

            app.clock.set(Date(timeIntervalSince1970: 1_773_093_600 - 60))
            #expect(try await app.tickets(now: app.now).followUpPending() == 0)
            app.clock.advance(by: 60)
            await JobScheduler.runOnce(SupportJobs.pendingFollowUp, application: app, holder: "test", now: app.now, logger: app.logger)
            let reminders = try await TestData.mail(app, to: "avery@example.com").filter { $0.subject.contains("Waiting for your reply") }
            #expect(reminders.count == 1)
            #expect(try await app.tickets(now: app.now).followUpPending() == 0)
            #expect(try await Ticket.find(number, on: app.db)?.ticketStatus == .pending)

            // End of the 10th business day: Monday 2026-03-16 18:00 EDT = 22:00 UTC.
            app.clock.set(Date(timeIntervalSince1970: 1_773_698_400))
            #expect(try await app.tickets(now: app.now).followUpPending() == 1)
            let solved = try #require(try await Ticket.find(number, on: app.db))
            #expect(solved.ticketStatus == .solved)
            let comments = try await app.tickets(now: app.now).comments(of: number, includeInternal: false)
            #expect(comments.last?.body.contains("no reply for 10 business days") == true)
            #expect(try await TestData.mail(app, to: "avery@example.com").filter { $0.subject.contains("Waiting for your reply") }.count == 1)
            // The ticket that got a reply was never reminded.
            #expect(try await Ticket.find(replied, on: app.db)?.ticketStatus == .open)
        }
    }
}
