import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// One stored response target of a ticket (SUP-8). `due_at` is set only while the clock
/// runs; the breach job reads `(status, due_at)` through its index.
final class TicketSLARecord: Model, @unchecked Sendable {
    static let schema = "ticket_sla_targets"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_number") var ticketNumber: Int
    @Field(key: "metric") var metric: String
    @Field(key: "status") var status: String
    @Field(key: "target_minutes") var targetMinutes: Int
    @Field(key: "around_the_clock") var aroundTheClock: Bool
    @Field(key: "used_seconds") var usedSeconds: Double
    @OptionalField(key: "running_since") var runningSince: Date?
    @OptionalField(key: "due_at") var dueAt: Date?
    @OptionalField(key: "ended_at") var endedAt: Date?
    @Field(key: "started_at") var startedAt: Date

    init() {}

    init(ticket: Int, value: SLATarget, now: Date) {
        self.id = UUID()
        self.ticketNumber = ticket
        self.startedAt = now
        apply(value)
    }

    var value: SLATarget {
        SLATarget(metric: SLAMetric(rawValue: metric) ?? .firstResponse,
                  target: ResponseTarget(minutes: targetMinutes, aroundTheClock: aroundTheClock),
                  status: SLAStatus(rawValue: status) ?? .active, usedSeconds: usedSeconds,
                  runningSince: runningSince, dueAt: dueAt, endedAt: endedAt)
    }

    func apply(_ value: SLATarget) {
        metric = value.metric.rawValue
        status = value.status.rawValue
        targetMinutes = value.target.minutes
        aroundTheClock = value.target.aroundTheClock
        usedSeconds = value.usedSeconds
        runningSince = value.runningSince
        dueAt = value.dueAt
        endedAt = value.endedAt
    }
}

extension TicketSLARecord {
    /// Writes a new record with SQLKit: every create with an SLA writes one, and Fluent builds a
    /// model's insert by reflection over its eleven fields.
    func insert(on database: any Database) async throws {
        try await database.sql.insert(into: Self.schema)
            .columns("id", "ticket_number", "metric", "status", "target_minutes", "around_the_clock", "used_seconds",
                     "running_since", "due_at", "ended_at", "started_at")
            .values(SQLBind(id ?? UUID()), SQLBind(ticketNumber), SQLBind(metric), SQLBind(status), SQLBind(targetMinutes), SQLBind(aroundTheClock),
                    SQLBind(usedSeconds), SQLBind(runningSince), SQLBind(dueAt), SQLBind(endedAt), SQLBind(startedAt))
            .run()
    }

    /// Writes the status and end of targets that ended (a breach pass ends hundreds at once) in
    /// one UPDATE per `rowsPerUpdate`, instead of one per target. The values are the records'
    /// own, as the core set them.
    static func saveEnded(_ records: [TicketSLARecord], on database: any Database) async throws {
        let sql = try database.sql
        for start in stride(from: 0, to: records.count, by: rowsPerUpdate) {
            var rows: [any SQLExpression] = []
            for record in records[start..<min(start + rowsPerUpdate, records.count)] {
                guard let id = record.id, let endedAt = record.endedAt else { continue }
                rows.append(SQLGroupExpression([SQLBind(id), SQLBind(record.status), SQLBind(endedAt)] as [any SQLExpression]))
            }
            guard !rows.isEmpty else { continue }
            try await sql.raw("""
                WITH ended (id, status, ended_at) AS (VALUES \(SQLList(rows)))
                UPDATE \(ident: schema) SET status = ended.status, ended_at = ended.ended_at
                FROM ended WHERE \(ident: schema).id = ended.id
                """).run()
        }
    }

    /// Three binds a row.
    static let rowsPerUpdate = 500
}

/// `ticket_sla_targets`. Until issue 10 it also made `support_alerts`, which has its own
/// migration now (`CreateSupportAlerts`); databases migrated before that keep the table this
/// one made, and this one still drops it on revert.
struct CreateTicketSLATargets: AsyncMigration {
    /// As recorded in `_fluent_migrations` by databases that ran it: it never changes.
    var name: String { "TrustDeskServer.CreateTicketSLATargets" }

    func prepare(on database: any Database) async throws {
        try await database.schema(TicketSLARecord.schema)
            .id()
            .field("ticket_number", .int, .required, .references(Ticket.schema, "number"))
            .field("metric", .string, .required)
            .field("status", .string, .required)
            .field("target_minutes", .int, .required)
            .field("around_the_clock", .bool, .required)
            .field("used_seconds", .double, .required)
            .field("running_since", .datetime)
            .field("due_at", .datetime)
            .field("ended_at", .datetime)
            .field("started_at", .datetime, .required)
            .create()
        try await database.index("ticket_sla_due_idx", on: TicketSLARecord.schema, columns: ["status", "due_at"])
        try await database.index("ticket_sla_ticket_idx", on: TicketSLARecord.schema, columns: ["ticket_number"])
    }

    func revert(on database: any Database) async throws {
        // Made here on databases migrated before the split; gone already (reverted by
        // `CreateSupportAlerts`) on the others.
        try await database.sql.drop(table: SupportAlert.schema).ifExists().run()
        try await database.schema(TicketSLARecord.schema).delete()
    }
}

extension TicketSLARecord {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.ticket("ticket_number")], columns: [
        "id": .notPersonal,
        "ticket_number": .notPersonal,
        "metric": .notPersonal,
        "status": .notPersonal,
        "target_minutes": .notPersonal,
        "around_the_clock": .notPersonal,
        "used_seconds": .notPersonal,
        "running_since": .notPersonal,
        "due_at": .notPersonal,
        "ended_at": .notPersonal,
        "started_at": .notPersonal,
    ])
}
