import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// What one ticket create costs in SQL statements (issue 15). The count is pinned so that a
/// change that adds a query per engineer, per event or per target shows here, not in
/// production at a million tickets.
@Suite("Support desk: statements per ticket create")
struct TicketCreateCostTests {
    /// SupportWorld's desk with the PSE pool grown to 40 on the 24x7 shift, as `bench-support`
    /// seeds it, and some open work spread over the pool.
    static func deskOfForty(_ app: Application) async throws -> SupportWorld {
        let world = try await SupportWorld.make(app)
        let shift = try #require(try await SupportCalendarRecord.query(on: app.db).filter(\.$groupName == SupportGroup.pse).first())
        for index in 0..<38 {
            let engineer = try await TestData.staff(app, "staff.pse\(index)", role: .pse, enrolled: false)
            try await StaffSupportProfile(userSID: engineer.sid, group: SupportGroup.pse, calendarID: shift.id, now: app.now).create(on: app.db)
        }
        return world
    }

    /// A P2 voice ticket from Acme (personalized, two TAMs) with two call SIDs, as the console
    /// and the API open it.
    static func voiceTicket(_ index: Int, now: Date) -> NewTicket {
        NewTicket(subject: "Choppy audio \(index)", description: "Callers hear choppy audio after joining.", priority: "2",
                  intake: IntakeForm(product: .voice, sidsText: "\(SupportWorld.call1) \(SupportWorld.call2)",
                                     oldestExampleAt: now.addingTimeInterval(-7200), countries: "US"))
    }

    static func open(_ app: Application, _ world: SupportWorld, _ index: Int, on database: any Database) async throws -> Tickets.Opened {
        try await database.transaction { db in
            try await app.tickets(now: app.now, on: db).open(voiceTicket(index, now: app.now), about: world.acme.account, by: TicketActor(user: world.acme.user))
        }
    }

    @Test("SUP-5 SUP-8 SUP-12: a personalized customer's voice ticket at night (both TAMs off, 40 PSEs on shift) costs a pinned number of statements")
    func statementsPerCreate() async throws {
        try await withTrustDesk { app in
            let world = try await Self.deskOfForty(app)
            app.clock.set(SupportWorld.mondayNight)
            let counter = StatementCounter()
            let counted = try counter.counting(app.db)
            // The first create on a node may fill caches; the pinned count is the steady state.
            _ = try await Self.open(app, world, 0, on: counted)
            counter.reset()
            let opened = try await Self.open(app, world, 1, on: counted)

            #expect(opened.ticket.groupName == SupportGroup.pse)
            #expect(opened.ticket.assigneeSID != nil)
            // Read the organisation's profile, then the TAMs and the pool with their names and
            // kept open work in one joined statement; calendars come from the node's copy. Write
            // the ticket, its target, its three history events in one INSERT, the assignee's
            // alert, the mail and its thread. Before issue 15: 22; 10 until the routing read
            // was joined.
            let statements = counter.recorded
            #expect(statements.count == 8, "\(statements.count) statements:\n\(statements.joined(separator: "\n"))")
            #expect(statements.filter { $0.hasPrefix("read ") || $0.uppercased().hasPrefix("SELECT") }.count == 2, "two reads: \(statements)")
        }
    }

    @Test("SUP-4 SUP-5: a calendar changed on another node routes and measures on the new hours within 1 s; an edit on this node at once")
    func calendarCopyFollowsChanges() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            // Monday 15:00 UTC: 10:00 in New York (Taylor, the primary TAM, works), 15:00 in London.
            app.clock.set(testEpoch.addingTimeInterval(3 * 3600))
            let first = try await Self.open(app, world, 0, on: app.db)
            #expect(first.ticket.assigneeSID == world.taylor.sid)

            // Another node moves Taylor's hours to Saturday mornings: a plain write of the row.
            let record = try #require(try await SupportCalendarRecord.find(world.taylorCalendar.id, on: app.db))
            record.weeklyHours = "Sat 09:00-10:00"
            record.updatedAt = app.now
            try await record.save(on: app.db)

            // This node's copy is less than a second old: it still has the weekday hours.
            let sameSecond = try await Self.open(app, world, 1, on: app.db)
            #expect(sameSecond.ticket.assigneeSID == world.taylor.sid)

            // A second later the copy is read again: Taylor is off, the secondary TAM gets it.
            app.clock.advance(by: SupportCalendarCache.maximumAge)
            let secondLater = try await Self.open(app, world, 2, on: app.db)
            #expect(secondLater.ticket.assigneeSID == world.lee.sid)
            #expect(secondLater.decision.reason.contains("secondary"))

            // An edit through the directory on this node takes effect at once, without waiting.
            let directory = SupportDirectory(database: app.db, now: app.now, calendars: app.supportCalendars)
            _ = try await directory.updateCalendar(try #require(world.taylorCalendar.id), timeZone: nil, weekly: "Mon-Fri 09:00-18:00", holidays: nil, by: world.admin)
            let afterEdit = try await Self.open(app, world, 3, on: app.db)
            #expect(afterEdit.ticket.assigneeSID == world.taylor.sid)
            // The first response is measured on Taylor's restored hours: 2 business hours, due 12:00 New York.
            let target = try #require(try await TicketSLARecord.query(on: app.db).filter(\.$ticketNumber == afterEdit.ticket.number).first())
            #expect(target.dueAt == app.now.addingTimeInterval(2 * 3600))
        }
    }

    @Test("SUP-5: under concurrent creates the pool's kept open-work count equals each engineer's own count")
    func groupedCountMatchesConcurrentCreates() async throws {
        try await withTrustDesk { app in
            let world = try await Self.deskOfForty(app)
            app.clock.set(SupportWorld.mondayNight)
            let clients = 8, perClient = 5
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<clients {
                    group.addTask {
                        for index in 0..<perClient {
                            _ = try await Self.open(app, world, client * perClient + index, on: app.db)
                        }
                    }
                }
                try await group.waitForAll()
            }

            let directory = SupportDirectory(database: app.db, now: app.now, calendars: app.supportCalendars)
            let pool = try await directory.pool().map(\.id)
            #expect(pool.count == 40)
            let grouped = try await directory.openTicketCounts(of: pool)
            var total = 0
            for engineer in pool {
                let own = try await Ticket.query(on: app.db).filter(\.$assigneeSID == engineer).filter(\.$unsolved == true).count()
                #expect((grouped[engineer] ?? 0) == own, "\(engineer): grouped \(grouped[engineer] ?? 0), own \(own)")
                total += own
            }
            #expect(total == clients * perClient)
            // Solved work is not open work: the grouped count drops with the engineer's own.
            let solved = try #require(try await Ticket.query(on: app.db).filter(\.$assigneeSID != nil).first())
            let engineer = try #require(solved.assigneeSID)
            try await app.tickets(now: app.now).changeStatus(solved, to: .solved, by: TicketActor(user: world.admin), reason: "answered")
            let after = try await directory.openTicketCounts(of: [engineer])
            #expect((after[engineer] ?? 0) == (grouped[engineer] ?? 0) - 1)
        }
    }

    @Test("SUP-8: a breach pass alerts and mails each breached target once, in statements that do not grow per recipient or report day")
    func breachPassStatements() async throws {
        try await withTrustDesk { app in
            let world = try await Self.deskOfForty(app)
            app.clock.set(SupportWorld.mondayNight)
            var numbers: [Int] = []
            for index in 0..<12 {
                numbers.append(try await Self.open(app, world, index, on: app.db).ticket.number)
            }
            // Three days on, every first response is overdue.
            app.clock.advance(by: 3 * 86400)
            let counter = StatementCounter()
            let counted = try counter.counting(app.db)
            let breached = try await counted.transaction { db in try await app.tickets(now: app.now, on: db).breachDue() }
            #expect(breached == 12)
            // Reads: due targets, their tickets, organisations and people; then one UPDATE of the
            // targets, one upsert of the report days, one INSERT each of history, alerts and mail,
            // and the consent lookups of each distinct recipient (two here: user, memberships).
            let statements = counter.recorded
            // The assignees and Acme's TAM manager.
            let recipients = Set(try await Ticket.query(on: app.db).filter(\.$id ~~ numbers).all().compactMap(\.assigneeSID)).union([world.manager.sid]).count
            #expect(statements.count == 4 + 5 + 2 * recipients, "\(statements.count) statements:\n\(statements.joined(separator: "\n"))")

            for number in numbers {
                let target = try #require(try await TicketSLARecord.query(on: app.db).filter(\.$ticketNumber == number).first())
                #expect(target.status == SLAStatus.breached.rawValue)
                #expect(target.endedAt == target.dueAt)
                #expect(try await TicketEvent.query(on: app.db).filter(\.$ticketNumber == number).filter(\.$action == "sla_breached").count() == 1)
                let alerted = try await SupportAlert.query(on: app.db).filter(\.$ticketNumber == number).filter(\.$message ~~ "SLA breached").all().map(\.userSID)
                #expect(alerted.count == 2 && alerted.contains(world.manager.sid))
            }
            // The assignee and the TAM manager, by mail too.
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$kind == "support_sla_breach").count() == 24)
            // Each breach once: the next pass finds nothing.
            #expect(try await app.db.transaction { db in try await app.tickets(now: app.now, on: db).breachDue() } == 0)
        }
    }
}
