import Fluent
import Foundation
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

/// A console alert for a staff member (SLA breaches, new assignments).
final class SupportAlert: Model, @unchecked Sendable {
    static let schema = "support_alerts"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_sid") var userSID: String
    @Field(key: "ticket_number") var ticketNumber: Int
    @Field(key: "message") var message: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(user: String, ticket: Int, message: String, now: Date) {
        self.id = UUID()
        self.userSID = user
        self.ticketNumber = ticket
        self.message = message
        self.createdAt = now
    }
}

struct CreateTicketSLATargets: AsyncMigration {
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
        try await database.schema(SupportAlert.schema)
            .id()
            .field("user_sid", .string, .required, .references(User.schema, "sid"))
            .field("ticket_number", .int, .required, .references(Ticket.schema, "number"))
            .field("message", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("support_alerts_user_idx", on: SupportAlert.schema, columns: ["user_sid", "created_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SupportAlert.schema).delete()
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

extension SupportAlert {
    /// PRV-1: staff alerts name tickets, not people; they go with their ticket.
    static let inventory = TableInventory(schema, key: "id", links: [.ticket("ticket_number")], columns: [
        "id": .notPersonal, "user_sid": .notPersonal, "ticket_number": .notPersonal,
        "message": .personal(.content, .keepSupport3Years), "created_at": .notPersonal,
    ])
}
