import Fluent
import SQLKit

/// PRV-2's overview, export and erasure find a subject's rows through the columns its
/// inventory declares as links (`TableInventory.links`). A link column without an index made
/// each of them read the whole table: every comment for one person's authored comments, every
/// outbox message for one address. One instance per table and column, each its own migration;
/// `SubjectLinkIndexTests` fails when a declared link leads no index.
struct AddSubjectLinkIndex: AsyncMigration {
    let table: String
    let column: String

    var index: String { "\(table)_\(column)_link_idx" }
    var name: String { "AddSubjectLinkIndex(\(table).\(column))" }

    /// The link columns that no earlier migration indexed (issue 11, measured at 100,000 tickets).
    static let missing: [AddSubjectLinkIndex] = [
        .init(table: "outbox_messages", column: "recipient"),
        .init(table: "registrations", column: "account_sid"),
        .init(table: "password_resets", column: "user_sid"),
        .init(table: "account_recovery_requests", column: "email"),
        .init(table: "trust_callback_deliveries", column: "account_sid"),
        .init(table: "ticket_comments", column: "author_sid"),
        .init(table: "ticket_attachments", column: "ticket_number"),
        .init(table: "support_alerts", column: "ticket_number"),
        .init(table: "underage_reports", column: "account_sid"),
        .init(table: "underage_reports", column: "user_sid"),
        .init(table: "ticket_escalations", column: "organisation_sid"),
        .init(table: "support_calls", column: "organisation_sid"),
        .init(table: "support_chat_messages", column: "organisation_sid"),
        .init(table: "support_chat_messages", column: "author_sid"),
        .init(table: "support_mail_threads", column: "ticket_number"),
        .init(table: "support_inbound_mails", column: "ticket_number"),
    ]

    func prepare(on database: any Database) async throws {
        try await database.index(index, on: table, columns: [column])
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex(index)
    }
}
