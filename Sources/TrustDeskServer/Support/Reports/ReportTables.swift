import Fluent
import Foundation
import TrustDeskCore
import SQLKit

/// `support_report_days`: each report zone's local day, per scope (`*` for the whole desk, or
/// an organisation SID), plan, priority and group: targets achieved and breached, and the
/// first responses as minute histograms. Written when a target ends or a first response is
/// made, read by every report (SUP-16). Only `ReportLedger` writes it and `SupportReports`
/// reads it.
struct CreateSupportReportDays: AsyncMigration {
    static let table = "support_report_days"

    func prepare(on database: any Database) async throws {
        try await database.schema(Self.table)
            .field("zone", .string, .required)
            .field("day", .string, .required)
            .field("scope", .string, .required)
            .field("plan", .string, .required)
            .field("priority", .int, .required)
            .field("group_name", .string, .required)
            .field("sla_achieved", .int, .required)
            .field("sla_breached", .int, .required)
            .field("first_responses", .int, .required)
            .field("calendar_minutes", .string, .required)
            .field("business_minutes", .string, .required)
            .field("updated_at", .datetime, .required)
            .create()
        // The upsert's conflict target, and the reports' range scan (zone, scope, day).
        try await database.index("support_report_days_key_idx", on: Self.table, columns: ["zone", "scope", "day", "plan", "priority", "group_name"], unique: true)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Self.table).delete()
    }
}

/// `support_backlog_snapshots`: unsolved tickets per status, group, plan and priority, for the
/// whole desk (`*`) and each personalized organisation, taken every hour by
/// `support_backlog_snapshot`. Snapshots older than three days are kept only where they end a
/// local day of a report zone (`day_end`), which is all the daily trend reads.
struct CreateSupportBacklogSnapshots: AsyncMigration {
    static let table = "support_backlog_snapshots"

    func prepare(on database: any Database) async throws {
        try await database.schema(Self.table)
            .field("taken_at", .datetime, .required)
            .field("scope", .string, .required)
            .field("status", .string, .required)
            .field("group_name", .string, .required)
            .field("plan", .string, .required)
            .field("priority", .int, .required)
            .field("tickets", .int, .required)
            .field("day_end", .bool, .required)
            .create()
        try await database.index("support_backlog_key_idx", on: Self.table, columns: ["scope", "taken_at", "status", "group_name", "plan", "priority"], unique: true)
        try await database.index("support_backlog_taken_idx", on: Self.table, columns: ["taken_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Self.table).delete()
    }
}

/// When a ticket got its first public staff reply (SUP-16), and an index for the live backlog
/// (unsolved tickets by status and group).
struct AddFirstResponseToTickets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Ticket.schema).field("first_response_at", .datetime).update()
        try await database.index("tickets_backlog_idx", on: Ticket.schema, columns: ["unsolved", "group_name", "status", "plan", "priority"])
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "tickets_backlog_idx").run()
        try await database.schema(Ticket.schema).deleteField("first_response_at").update()
    }
}

extension CreateSupportReportDays {
    /// PRV-1: counts and histograms, nobody's personal data; kept while the desk reports on them.
    static let inventory = TableInventory(table, key: "day", note: "Counts only: no person is named.", columns: [
        "zone": .notPersonal, "day": .notPersonal, "scope": .notPersonal, "plan": .notPersonal, "priority": .notPersonal,
        "group_name": .notPersonal, "sla_achieved": .notPersonal, "sla_breached": .notPersonal, "first_responses": .notPersonal,
        "calendar_minutes": .notPersonal, "business_minutes": .notPersonal, "updated_at": .notPersonal,
    ])
}

extension CreateSupportBacklogSnapshots {
    /// PRV-1: ticket counts per status, nobody's personal data.
    static let inventory = TableInventory(table, key: "taken_at", note: "Counts only: no person is named.", columns: [
        "taken_at": .notPersonal, "scope": .notPersonal, "status": .notPersonal, "group_name": .notPersonal, "plan": .notPersonal,
        "priority": .notPersonal, "tickets": .notPersonal, "day_end": .notPersonal,
    ])
}
