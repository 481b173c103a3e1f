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
            // Read the organisation's profile, the TAMs' and the pool's support profiles and
            // names (one query each), one grouped count of open work; calendars come from the
            // node's copy. Write the ticket, its target, its three history events in one INSERT,
            // the assignee's alert, the mail and its thread. Before issue 15: 22.
            let statements = counter.recorded
            #expect(statements.count == 10, "\(statements.count) statements:\n\(statements.joined(separator: "\n"))")
        }
    }
}
