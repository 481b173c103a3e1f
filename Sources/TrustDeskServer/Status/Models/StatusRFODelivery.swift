import Fluent
import Foundation
import TrustDeskCore

/// A reason for outage owed to one affected personalized organisation (STS-4): unique per
/// (incident, organisation), so the job opens one ticket each however often it runs.
final class StatusRFODelivery: Model, @unchecked Sendable {
    static let schema = "status_rfo_deliveries"

    @ID(key: .id) var id: UUID?
    @Field(key: "incident_id") var incidentID: String
    /// The organisation's main account SID.
    @Field(key: "organisation_sid") var organisationSID: String
    /// NULL once the ticket is open; a failed attempt moves it later.
    @OptionalField(key: "due_at") var dueAt: Date?
    @OptionalField(key: "ticket_number") var ticketNumber: Int?
    @Field(key: "attempts") var attempts: Int
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

struct CreateStatusRFODeliveries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StatusRFODelivery.schema)
            .id()
            .field("incident_id", .string, .required)
            .field("organisation_sid", .string, .required)
            .field("due_at", .datetime)
            .field("ticket_number", .int)
            .field("attempts", .int, .required)
            .field("last_error", .string)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("status_rfo_deliveries_unique_idx", on: StatusRFODelivery.schema, columns: ["incident_id", "organisation_sid"], unique: true)
        try await database.index("status_rfo_deliveries_due_idx", on: StatusRFODelivery.schema, columns: ["due_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StatusRFODelivery.schema).delete()
    }
}

extension StatusRFODelivery {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [], columns: [
        "id": .notPersonal,
        "incident_id": .notPersonal,
        "organisation_sid": .notPersonal,
        "due_at": .notPersonal,
        "ticket_number": .notPersonal,
        "attempts": .notPersonal,
        "last_error": .notPersonal,
        "created_by": .notPersonal,
        "created_at": .notPersonal,
    ])
}
