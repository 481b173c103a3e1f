import Fluent
import Foundation
import TrustDeskCore

/// An incident or a scheduled maintenance (STS-2). Both live in one table, as in Statuspage:
/// they share updates, affected components, history and subscriber mail.
final class StatusIncident: Model, @unchecked Sendable {
    static let schema = "status_incidents"

    enum Kind: String, Sendable {
        case incident, maintenance
    }

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String
    /// `IncidentStatus` for incidents, `MaintenanceStatus` for maintenances.
    @Field(key: "status") var status: String
    /// `IncidentImpact`, or `maintenance` for a maintenance.
    @Field(key: "impact") var impact: String
    @Field(key: "impact_overridden") var impactOverridden: Bool
    @OptionalField(key: "impact_reason") var impactReason: String?
    /// When it began (a maintenance: its scheduled start), to the second; history is ordered by it.
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "monitoring_at") var monitoringAt: Date?
    @OptionalField(key: "resolved_at") var resolvedAt: Date?
    @OptionalField(key: "postmortem_at") var postmortemAt: Date?
    @OptionalField(key: "scheduled_for") var scheduledFor: Date?
    @OptionalField(key: "scheduled_until") var scheduledUntil: Date?
    @OptionalField(key: "reminded_at") var remindedAt: Date?
    /// When the maintenance job should next look at it; NULL when there is nothing left to do,
    /// so the index holds only the work.
    @OptionalField(key: "next_due_at") var nextDueAt: Date?
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var incidentKind: Kind { Kind(rawValue: kind) ?? .incident }
    var isMaintenance: Bool { incidentKind == .maintenance }
    var incidentStatus: IncidentStatus? { isMaintenance ? nil : IncidentStatus(rawValue: status) }
    var maintenanceStatus: MaintenanceStatus? { isMaintenance ? MaintenanceStatus(rawValue: status) : nil }
    var isUnresolved: Bool { incidentStatus?.isOpen ?? false }

    func schedule(reminderLead: TimeInterval) -> MaintenanceSchedule? {
        guard let status = maintenanceStatus, let start = scheduledFor, let end = scheduledUntil else { return nil }
        return MaintenanceSchedule(status: status, scheduledFor: start, scheduledUntil: end, announcedAt: createdAt,
                                   remindedAt: remindedAt, reminderLead: reminderLead)
    }
}

struct CreateStatusIncidents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StatusIncident.schema)
            .field("id", .string, .identifier(auto: false))
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("status", .string, .required)
            .field("impact", .string, .required)
            .field("impact_overridden", .bool, .required)
            .field("impact_reason", .string)
            .field("started_at", .datetime, .required)
            .field("monitoring_at", .datetime)
            .field("resolved_at", .datetime)
            .field("postmortem_at", .datetime)
            .field("scheduled_for", .datetime)
            .field("scheduled_until", .datetime)
            .field("reminded_at", .datetime)
            .field("next_due_at", .datetime)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        // History, feeds and the JSON lists read newest first, by kind.
        try await database.index("status_incidents_kind_started_idx", on: StatusIncident.schema, columns: ["kind", "started_at", "id"])
        try await database.index("status_incidents_started_idx", on: StatusIncident.schema, columns: ["started_at", "id"])
        try await database.index("status_incidents_next_due_idx", on: StatusIncident.schema, columns: ["next_due_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StatusIncident.schema).delete()
    }
}

extension StatusIncident {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [], note: "Public platform history: staff SIDs only, no customer data.", columns: [
        "id": .notPersonal,
        "kind": .notPersonal,
        "name": .notPersonal,
        "status": .notPersonal,
        "impact": .notPersonal,
        "impact_overridden": .notPersonal,
        "impact_reason": .notPersonal,
        "started_at": .notPersonal,
        "monitoring_at": .notPersonal,
        "resolved_at": .notPersonal,
        "postmortem_at": .notPersonal,
        "scheduled_for": .notPersonal,
        "scheduled_until": .notPersonal,
        "reminded_at": .notPersonal,
        "next_due_at": .notPersonal,
        "created_by": .notPersonal,
        "created_at": .notPersonal,
        "updated_at": .notPersonal,
    ])
}
