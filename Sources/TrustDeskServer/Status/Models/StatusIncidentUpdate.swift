import Fluent
import Foundation
import TrustDeskCore

/// One timed update of an incident or maintenance (STS-2): its status, what it says, and the
/// component statuses it set (`affected_components`, Statuspage's shape, kept as JSON).
final class StatusIncidentUpdate: Model, @unchecked Sendable {
    static let schema = "status_incident_updates"

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "incident_id") var incidentID: String
    @Field(key: "status") var status: String
    @Field(key: "body") var body: String
    @Field(key: "display_at") var displayAt: Date
    @Field(key: "deliver_notifications") var deliverNotifications: Bool
    @Field(key: "affected_components") var affectedComponentsJSON: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    struct AffectedComponent: Codable, Sendable, Equatable {
        let code: String
        let name: String
        let oldStatus: String
        let newStatus: String

        /// The stored format of `affected_components`, spelt out rather than taken from the API's
        /// convention, so that no change to the API can make stored rows unreadable.
        enum CodingKeys: String, CodingKey {
            case code, name
            case oldStatus = "old_status"
            case newStatus = "new_status"
        }
    }

    /// Decoded strictly: a row that does not read is corrupt, and saying so beats showing nothing.
    func affectedComponents() throws(CorruptStoredValue) -> [AffectedComponent] {
        try StoredJSON.decode([AffectedComponent].self, affectedComponentsJSON, table: Self.schema, column: "affected_components", row: id ?? "")
    }

    static func encode(_ affected: [AffectedComponent]) throws -> String {
        String(decoding: try JSONEncoder.sortedKeys.encode(affected), as: UTF8.self)
    }
}

struct CreateStatusIncidentUpdates: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StatusIncidentUpdate.schema)
            .field("id", .string, .identifier(auto: false))
            .field("incident_id", .string, .required)
            .field("status", .string, .required)
            .field("body", .string, .required)
            .field("display_at", .datetime, .required)
            .field("deliver_notifications", .bool, .required)
            .field("affected_components", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.index("status_incident_updates_incident_idx", on: StatusIncidentUpdate.schema, columns: ["incident_id", "display_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StatusIncidentUpdate.schema).delete()
    }
}

extension StatusIncidentUpdate {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [], columns: [
        "id": .notPersonal,
        "incident_id": .notPersonal,
        "status": .notPersonal,
        "body": .notPersonal,
        "display_at": .notPersonal,
        "deliver_notifications": .notPersonal,
        "affected_components": .notPersonal,
        "created_by": .notPersonal,
        "created_at": .notPersonal,
        "updated_at": .notPersonal,
    ])
}
