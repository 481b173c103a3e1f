import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// A customer's escalation of a ticket (SUP-9): why, who was alerted, and when staff
/// acknowledged and resolved it. Rows are kept: the history of a ticket's escalations is part of
/// its record and of the escalations report.
final class TicketEscalation: Model, @unchecked Sendable {
    static let schema = "ticket_escalations"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_number") var ticketNumber: Int
    @Field(key: "organisation_sid") var organisationSID: String
    @Field(key: "plan") var plan: String
    @Field(key: "priority") var priority: Int
    @Field(key: "group_name") var groupName: String
    @Field(key: "reason") var reason: String
    @Field(key: "note") var note: String
    @Field(key: "status") var status: String
    @Field(key: "raised_by_sid") var raisedBySID: String
    @Field(key: "raised_by_name") var raisedByName: String
    /// User SIDs alerted at once, space-separated.
    @Field(key: "alerted") var alerted: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "acknowledged_at") var acknowledgedAt: Date?
    @OptionalField(key: "acknowledged_by_sid") var acknowledgedBySID: String?
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    @OptionalField(key: "resolved_by_sid") var resolvedBySID: String?
    @OptionalField(key: "resolution") var resolution: String?

    init() {}

    var escalationReason: EscalationReason { EscalationReason(rawValue: reason) ?? .noMeaningfulResponse }
    var escalationStatus: EscalationStatus { EscalationStatus(rawValue: status) ?? .open }
}

struct CreateTicketEscalations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TicketEscalation.schema)
            .id()
            .field("ticket_number", .int, .required, .references(Ticket.schema, "number"))
            .field("organisation_sid", .string, .required)
            .field("plan", .string, .required)
            .field("priority", .int, .required)
            .field("group_name", .string, .required)
            .field("reason", .string, .required)
            .field("note", .string, .required)
            .field("status", .string, .required)
            .field("raised_by_sid", .string, .required)
            .field("raised_by_name", .string, .required)
            .field("alerted", .string, .required)
            .field("created_at", .datetime, .required)
            .field("acknowledged_at", .datetime)
            .field("acknowledged_by_sid", .string)
            .field("resolved_at", .datetime)
            .field("resolved_by_sid", .string)
            .field("resolution", .string)
            .create()
        try await database.index("ticket_escalations_ticket_idx", on: TicketEscalation.schema, columns: ["ticket_number", "created_at"])
        // The escalations report reads a period of them, in order.
        try await database.index("ticket_escalations_created_idx", on: TicketEscalation.schema, columns: ["created_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TicketEscalation.schema).delete()
    }
}

/// The ticket's open escalation, if any: the column a conditional UPDATE claims, so of two
/// escalations racing on one ticket exactly one is recorded (SUP-9).
struct AddOpenEscalationToTickets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Ticket.schema).field("open_escalation_id", .uuid).update()
        try await database.index("tickets_open_escalation_idx", on: Ticket.schema, columns: ["open_escalation_id", "number"])
    }

    func revert(on database: any Database) async throws {
        // SQLite drops no column that an index still names.
        try await database.sql.drop(index: "tickets_open_escalation_idx").run()
        try await database.schema(Ticket.schema).deleteField("open_escalation_id").update()
    }
}

extension TicketEscalation {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.ticket("ticket_number"), .account("organisation_sid")], columns: [
        "id": .notPersonal,
        "ticket_number": .notPersonal,
        "organisation_sid": .notPersonal,
        "plan": .notPersonal,
        "priority": .notPersonal,
        "group_name": .notPersonal,
        "reason": .notPersonal,
        "note": .personal(.content, .keepSupport3Years),
        "status": .notPersonal,
        "raised_by_sid": .notPersonal,
        "raised_by_name": .personal(.accountData, .keepSupport3Years),
        "alerted": .notPersonal,
        "created_at": .notPersonal,
        "acknowledged_at": .notPersonal,
        "acknowledged_by_sid": .notPersonal,
        "resolved_at": .notPersonal,
        "resolved_by_sid": .notPersonal,
        "resolution": .personal(.content, .keepSupport3Years),
    ])
}
