import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// PRV-1: every table's declaration, in migration order (a table after the tables it refers
/// to), so deletions run this list backwards and never break a foreign key. A new table adds
/// its `inventory` next to its schema and one line here; the inventory test names anything
/// left out.
enum PrivacyInventory {
    static let tables: [TableInventory] = [
        // Platform
        OutboxMessage.inventory,
        JobLease.inventory,
        ThrottleFailure.inventory,
        // Accounts and access
        Account.inventory,
        User.inventory,
        Membership.inventory,
        Registration.inventory,
        PasswordReset.inventory,
        RecoveryRequest.inventory,
        Invitation.inventory,
        APIKey.inventory,
        RecoveryCode.inventory,
        UserSession.inventory,
        StaffAuditEvent.inventory,
        // Progressive Trust
        TrustProfile.inventory,
        TrustScoreRecord.inventory,
        QuotaBucket.inventory,
        QuotaLeaseHolder.inventory,
        QuotaLeaseRecord.inventory,
        AdmittedMessage.inventory,
        CallbackDelivery.inventory,
        TrustRequest.inventory,
        // Support desk
        SupportCalendarRecord.inventory,
        SupportProfile.inventory,
        StaffSupportProfile.inventory,
        Ticket.inventory,
        TicketComment.inventory,
        TicketAttachment.inventory,
        TicketEvent.inventory,
        TicketSLARecord.inventory,
        SupportAlert.inventory,
        // Account standing
        EnforcementRecord.inventory,
        DedicatedIP.inventory,
        AccountActivity.inventory,
        Invoice.inventory,
        ReviewRequest.inventory,
        VettingAssessment.inventory,
        StaffAPIKey.inventory,
        // Privacy
        PrivacyRequest.inventory,
        PrivacyLedgerEntry.inventory,
        LegalHold.inventory,
        PrivacySchedule.inventory,
        PrivacyPreference.inventory,
        UsageDeletion.inventory,
        EmailChange.inventory,
        UnderAgeReport.inventory,
        // Support desk channels
        TicketEscalation.inventory,
        SupportLine.inventory,
        SupportCall.inventory,
        RouteChange.inventory,
        ChatMessage.inventory,
        MailThread.inventory,
        InboundMailRecord.inventory,
        CreateSupportReportDays.inventory,
        CreateSupportBacklogSnapshots.inventory,
        // Status page
        StatusPageRecord.inventory,
        StatusComponent.inventory,
        StatusComponentChange.inventory,
        StatusIncident.inventory,
        StatusIncidentComponent.inventory,
        StatusIncidentUpdate.inventory,
        StatusSubscriber.inventory,
        StatusMailing.inventory,
        StatusNotification.inventory,
        StatusRFODelivery.inventory,
    ]

    /// Tables of the migration machinery and derived indexes (the ticket search index, kept by
    /// triggers from `tickets` and purged after an erasure; each engineer's open-work count,
    /// kept by triggers and holding staff SIDs and numbers only), not of the product.
    static let machinery: Set<String> = Set(["_fluent_migrations", CreateSupportOpenWork.table] + CreateTicketSearchIndex.allTables)

    static func table(_ name: String) -> TableInventory? { tables.first { $0.table == name } }

    /// The live schema: table -> column names, as the database reports them.
    static func liveSchema(on database: any Database) async throws -> [String: Set<String>] {
        let sql = try database.sql
        var schema: [String: Set<String>] = [:]
        if sql.dialect.name == "sqlite" {
            let tables = try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all()
            for row in tables {
                let name = try row.decode(column: "name", as: String.self)
                let columns = try await sql.raw("SELECT name FROM pragma_table_info(\(bind: name))").all()
                schema[name] = Set(try columns.map { try $0.decode(column: "name", as: String.self) })
            }
        } else {
            let rows = try await sql.raw("""
                SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()
                """).all()
            for row in rows {
                schema[try row.decode(column: "table_name", as: String.self), default: []]
                    .insert(try row.decode(column: "column_name", as: String.self))
            }
        }
        return schema
    }
}
