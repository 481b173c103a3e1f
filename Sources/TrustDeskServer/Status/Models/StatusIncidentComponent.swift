import Fluent
import Foundation
import TrustDeskCore

/// A component an incident or maintenance affects. For a maintenance it also keeps the status
/// the component had when the maintenance started, to give it back at the end.
final class StatusIncidentComponent: Model, @unchecked Sendable {
    static let schema = "status_incident_components"

    @ID(key: .id) var id: UUID?
    @Field(key: "incident_id") var incidentID: String
    @Field(key: "component_id") var componentID: String
    @OptionalField(key: "prior_status") var priorStatus: String?

    init() {}

    init(incident: String, component: String) {
        self.id = UUID()
        self.incidentID = incident
        self.componentID = component
    }
}

struct CreateStatusIncidentComponents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StatusIncidentComponent.schema)
            .id()
            .field("incident_id", .string, .required)
            .field("component_id", .string, .required)
            .field("prior_status", .string)
            .create()
        try await database.index("status_incident_components_unique_idx", on: StatusIncidentComponent.schema, columns: ["incident_id", "component_id"], unique: true)
        try await database.index("status_incident_components_component_idx", on: StatusIncidentComponent.schema, columns: ["component_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StatusIncidentComponent.schema).delete()
    }
}

extension StatusIncidentComponent {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [], columns: [
        "id": .notPersonal,
        "incident_id": .notPersonal,
        "component_id": .notPersonal,
        "prior_status": .notPersonal,
    ])
}
