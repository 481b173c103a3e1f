import Fluent
import Foundation
import SQLKit
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// SUP-5 routes by each engineer's open work, which `support_open_work` keeps from triggers on
/// `tickets` (issue 15). Each test compares the kept count with a count of the tickets
/// themselves, for every engineer, after every kind of change that moves open work.
@Suite("Support desk: each engineer's open work, kept")
struct OpenWorkCountTests {
    /// Kept counts, with engineers at zero left out (their rows stay once made).
    static func kept(_ app: Application) async throws -> [String: Int] {
        struct Row: Decodable {
            let assignee_sid: String
            let open_tickets: Int
        }
        let rows = try await app.db.sql.select().column("assignee_sid").column("open_tickets").from(CreateSupportOpenWork.table)
            .all(decoding: Row.self)
        #expect(rows.allSatisfy { $0.open_tickets >= 0 }, "a count went below zero: \(rows.map { ($0.assignee_sid, $0.open_tickets) })")
        return Dictionary(rows.filter { $0.open_tickets != 0 }.map { ($0.assignee_sid, $0.open_tickets) }, uniquingKeysWith: +)
    }

    /// Counted from the tickets, as routing did before the count was kept.
    static func counted(_ app: Application) async throws -> [String: Int] {
        let open = try await Ticket.query(on: app.db).filter(\.$unsolved == true).filter(\.$assigneeSID != nil).all()
        return Dictionary(open.compactMap { $0.assigneeSID.map { ($0, 1) } }, uniquingKeysWith: +)
    }

    static func expectKeptMatchesCounted(_ app: Application, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let kept = try await kept(app), counted = try await counted(app)
        #expect(kept == counted, "after \(step): kept \(kept), counted \(counted)", sourceLocation: sourceLocation)
    }

    /// Unsolved tickets written as the bench seeds them: by SQL, not through the service.
    static func insertTickets(_ app: Application, _ world: SupportWorld, assignees: [String?], unsolved: Bool = true) async throws {
        let organisation = world.acme.account.sid
        for (index, assignee) in assignees.enumerated() {
            try await app.db.sql.insert(into: Ticket.schema).columns(
                "subject", "description", "product", "priority", "status", "unsolved", "organisation_sid", "account_sid", "requester_sid",
                "requester_name", "requester_email", "assignee_sid", "group_name", "plan", "has_sla", "tags", "sids", "intake_details",
                "intake_warnings", "created_at", "updated_at"
            ).values([
                "Seeded \(index)", "Seeded.", "voice", 2, unsolved ? "open" : "solved", unsolved, organisation, organisation, world.acme.user.sid,
                "Acme", "owner@acme.example", assignee, SupportGroup.pse, "personalized", true, "", "", "{}", "", app.now, app.now,
            ] as [any Encodable & Sendable]).run()
        }
    }

    @Test("SUP-5: creates, assignments, unassignment, solving, reopening and closing each keep every engineer's open work")
    func everyMoveKeepsTheCount() async throws {
        try await withTrustDesk { app in
            let world = try await TicketCreateCostTests.deskOfForty(app)
            app.clock.set(SupportWorld.mondayNight)
            let staff = TicketActor(user: world.admin)
            var tickets: [Ticket] = []
            for index in 0..<6 { tickets.append(try await TicketCreateCostTests.open(app, world, index, on: app.db).ticket) }
            try await Self.expectKeptMatchesCounted(app, "6 creates routed to the pool")
            #expect(try await Self.kept(app).values.reduce(0, +) == 6)

            let service = app.tickets(now: app.now)
            try await service.assign(tickets[0], to: world.parker, by: staff)
            try await service.assign(tickets[1], to: world.parker, by: staff)
            try await Self.expectKeptMatchesCounted(app, "two assignments to one engineer")
            #expect(try await Self.kept(app)[world.parker.sid] == tickets.filter { $0.assigneeSID == world.parker.sid }.count)

            try await service.assign(tickets[1], to: world.pia, by: staff)
            try await Self.expectKeptMatchesCounted(app, "a reassignment")
            try await service.assign(tickets[2], to: nil, by: staff)
            try await Self.expectKeptMatchesCounted(app, "an unassignment")

            try await service.changeStatus(tickets[0], to: .pending, by: staff, reason: "asked for logs")
            try await Self.expectKeptMatchesCounted(app, "unsolved to pending (still open work)")
            let parkersBefore = try await Self.kept(app)[world.parker.sid] ?? 0
            try await service.changeStatus(tickets[0], to: .solved, by: staff, reason: "answered")
            try await Self.expectKeptMatchesCounted(app, "solving")
            #expect((try await Self.kept(app)[world.parker.sid] ?? 0) == parkersBefore - 1)

            try await service.changeStatus(tickets[0], to: .open, by: staff, reason: "the customer replied")
            try await Self.expectKeptMatchesCounted(app, "reopening")
            #expect(try await Self.kept(app)[world.parker.sid] == parkersBefore)

            try await service.changeStatus(tickets[3], to: .solved, by: staff, reason: "answered")
            try await service.assign(tickets[3], to: world.pia, by: staff)
            try await Self.expectKeptMatchesCounted(app, "assigning a solved ticket (not open work)")
            app.clock.advance(by: 5 * 86_400)
            #expect(try await app.tickets(now: app.now).closeSolved() >= 1)
            try await Self.expectKeptMatchesCounted(app, "closing solved tickets (SUP-6)")
        }
    }

    @Test("SUP-5: raw SQL writes (the bench's seeding, an operator's fix, a deletion) keep the count too")
    func rawWritesKeepTheCount() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let sql = try app.db.sql
            #expect(try await Self.counted(app).isEmpty, "the world starts with no open work")
            try await Self.insertTickets(app, world, assignees: [world.parker.sid, world.parker.sid, world.pia.sid])
            try await Self.expectKeptMatchesCounted(app, "a multi-statement seed")
            #expect(try await Self.kept(app) == [world.parker.sid: 2, world.pia.sid: 1])

            // One UPDATE that moves every ticket to one engineer, then one that solves one of them.
            try await sql.update(Ticket.schema).set("assignee_sid", to: world.pia.sid).where("subject", .like, "Seeded %").run()
            try await Self.expectKeptMatchesCounted(app, "a bulk reassignment")
            #expect(try await Self.kept(app) == [world.pia.sid: 3])
            try await sql.update(Ticket.schema).set("status", to: "solved").set("unsolved", to: false).where("subject", .equal, "Seeded 0").run()
            try await Self.expectKeptMatchesCounted(app, "a solve by SQL")
            // An update that touches the columns without changing them moves nothing.
            try await sql.update(Ticket.schema).set("assignee_sid", to: world.pia.sid).set("unsolved", to: true).where("subject", .equal, "Seeded 1").run()
            try await Self.expectKeptMatchesCounted(app, "an update to the same values")

            try await sql.delete(from: Ticket.schema).where("subject", .like, "Seeded %").run()
            try await Self.expectKeptMatchesCounted(app, "deleting every ticket")
            #expect(try await Self.kept(app).isEmpty)
        }
    }

    @Test("SUP-5: the migration fills the count from the tickets already open")
    func migrationFillsFromOpenTickets() async throws {
        try await withTrustDesk { app in
            let world = try await TicketCreateCostTests.deskOfForty(app)
            app.clock.set(SupportWorld.mondayNight)
            // A database from before the count: no table, no triggers, open work already there,
            // some of it solved or unassigned.
            try await CreateSupportOpenWork().revert(on: app.db)
            try await Self.insertTickets(app, world, assignees: [world.parker.sid, world.parker.sid, world.pia.sid, nil])
            try await Self.insertTickets(app, world, assignees: [world.parker.sid], unsolved: false)

            try await CreateSupportOpenWork().prepare(on: app.db)
            try await Self.expectKeptMatchesCounted(app, "the migration's fill")
            #expect(try await Self.kept(app) == [world.parker.sid: 2, world.pia.sid: 1])
            _ = try await TicketCreateCostTests.open(app, world, 5, on: app.db)
            try await Self.expectKeptMatchesCounted(app, "a create after the fill")
        }
    }

    @Test("SUP-5: concurrent reassignments in opposite directions and concurrent creates neither deadlock nor drift the count")
    func concurrentMovesKeepTheCount() async throws {
        try await withTrustDesk { app in
            let world = try await TicketCreateCostTests.deskOfForty(app)
            app.clock.set(SupportWorld.mondayNight)
            let staff = TicketActor(user: world.admin)
            var numbers: [Int] = []
            for index in 0..<8 { numbers.append(try await TicketCreateCostTests.open(app, world, index, on: app.db).ticket.number) }
            let people = [world.parker, world.pia]
            let rounds = 6
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Half the tickets go Parker -> Pia -> Parker ..., the other half the other way
                // round, each move in its own transaction, while new tickets are opened.
                for (offset, number) in numbers.enumerated() {
                    group.addTask {
                        for round in 0..<rounds {
                            try await app.db.transaction { db in
                                let ticket = try #require(try await Ticket.find(number, on: db))
                                try await app.tickets(now: app.now, on: db).assign(ticket, to: people[(offset + round) % 2], by: staff)
                            }
                        }
                    }
                }
                group.addTask {
                    for index in 0..<10 { _ = try await TicketCreateCostTests.open(app, world, 100 + index, on: app.db) }
                }
                try await group.waitForAll()
            }
            try await Self.expectKeptMatchesCounted(app, "concurrent moves and creates")
            #expect(try await Self.kept(app).values.reduce(0, +) == 18)
        }
    }

    /// The check docs/support.md gives operators, as written there.
    static func documentedCheck() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let markdown = try String(contentsOf: root.appendingPathComponent("docs/support.md"), encoding: .utf8)
        let afterTable = try #require(markdown.range(of: "To check it against the tickets"))
        let open = try #require(markdown.range(of: "```sql\n", range: afterTable.upperBound..<markdown.endIndex))
        let close = try #require(markdown.range(of: "```", range: open.upperBound..<markdown.endIndex))
        return String(markdown[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines.union(.init(charactersIn: ";")))
    }

    @Test("SUP-5: the operators' check in docs/support.md finds nothing when the count is right and names the engineer when it drifts")
    func documentedCheckFindsDrift() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            try await Self.insertTickets(app, world, assignees: [world.parker.sid, world.pia.sid, world.pia.sid])
            let check = SQLQueryString(try Self.documentedCheck())
            #expect(try await app.db.sql.raw(check).all().isEmpty)

            // A count changed behind the triggers' back (a restore of one table, a hand edit).
            try await app.db.sql.update(CreateSupportOpenWork.table).set("open_tickets", to: 5).where("assignee_sid", .equal, world.pia.sid).run()
            let drifted = try await app.db.sql.raw(check).all()
            #expect(drifted.count == 1)
            #expect(try drifted.first?.decode(column: "assignee_sid", as: String.self) == world.pia.sid)
        }
    }
}
