import Fluent
import Foundation
import TrustDeskCore

/// Every change of a component's status, append-only (STS-1): who or what moved it, and for
/// which incident or maintenance.
final class StatusComponentChange: Model, @unchecked Sendable {
    static let schema = "status_component_changes"

    @ID(key: .id) var id: UUID?
    @Field(key: "component_id") var componentID: String
    @Field(key: "from_status") var fromStatus: String
    @Field(key: "to_status") var toStatus: String
    @OptionalField(key: "incident_id") var incidentID: String?
    /// A staff user's SID, or `system` for the maintenance job.
    @Field(key: "actor") var actor: String
    @Field(key: "at") var at: Date

    init() {}

    init(component: String, from: String, to: String, incident: String?, actor: String, at: Date) {
        self.id = UUID()
        self.componentID = component
        self.fromStatus = from
        self.toStatus = to
        self.incidentID = incident
        self.actor = actor
        self.at = at
    }
}

struct CreateStatusComponentChanges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StatusComponentChange.schema)
            .id()
            .field("component_id", .string, .required)
            .field("from_status", .string, .required)
            .field("to_status", .string, .required)
            .field("incident_id", .string)
            .field("actor", .string, .required)
            .field("at", .datetime, .required)
            .create()
        try await database.index("status_component_changes_component_at_idx", on: StatusComponentChange.schema, columns: ["component_id", "at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StatusComponentChange.schema).delete()
    }
}

extension StatusComponentChange {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [], columns: [
        "id": .notPersonal,
        "component_id": .notPersonal,
        "from_status": .notPersonal,
        "to_status": .notPersonal,
        "incident_id": .notPersonal,
        "actor": .notPersonal,
        "at": .notPersonal,
    ])
}
