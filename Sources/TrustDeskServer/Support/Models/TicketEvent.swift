import Fluent
import Foundation
import TrustDeskCore

/// The append-only history of a ticket: every change, who made it and why. Nothing edits or
/// deletes these rows.
final class TicketEvent: Model, @unchecked Sendable {
    static let schema = "ticket_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_number") var ticketNumber: Int
    /// A user SID, an account SID (API), or `system` for jobs and routing.
    @Field(key: "actor_sid") var actorSID: String
    @Field(key: "actor_name") var actorName: String
    @Field(key: "action") var action: String
    @Field(key: "detail") var detail: String
    /// Customers see public events (status changes); routing and notes stay internal.
    @Field(key: "is_public") var isPublic: Bool
    @Field(key: "at") var at: Date

    init() {}

    init(ticket: Int, actorSID: String, actorName: String, action: String, detail: String, isPublic: Bool, at: Date) {
        self.id = UUID()
        self.ticketNumber = ticket
        self.actorSID = actorSID
        self.actorName = actorName
        self.action = action
        self.detail = detail
        self.isPublic = isPublic
        self.at = at
    }
}

struct CreateTicketEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TicketEvent.schema)
            .id()
            .field("ticket_number", .int, .required, .references(Ticket.schema, "number"))
            .field("actor_sid", .string, .required)
            .field("actor_name", .string, .required)
            .field("action", .string, .required)
            .field("detail", .string, .required)
            .field("is_public", .bool, .required)
            .field("at", .datetime, .required)
            .create()
        try await database.index("ticket_events_ticket_idx", on: TicketEvent.schema, columns: ["ticket_number", "at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TicketEvent.schema).delete()
    }
}

extension TicketEvent {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.ticket("ticket_number")], columns: [
        "id": .notPersonal,
        "ticket_number": .notPersonal,
        "actor_sid": .notPersonal,
        "actor_name": .personal(.accountData, .keepSupport3Years),
        "action": .notPersonal,
        "detail": .personal(.content, .keepSupport3Years),
        "is_public": .notPersonal,
        "at": .notPersonal,
    ])
}
