import Fluent
import SQLKit

/// SUP-15's desk lists a type of case oldest first: an index that ends in the ticket number.
/// Support's, as the table is (it lived in Standing's folder until issue 10).
struct AddTicketTopicIndex: AsyncMigration {
    /// As recorded in `_fluent_migrations` by databases that ran it: it never changes.
    var name: String { "TrustDeskServer.AddTicketTopicIndex" }

    func prepare(on database: any Database) async throws {
        try await database.index("tickets_topic_idx", on: "tickets", columns: ["group_name", "unsolved", "topic", "number"])
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "tickets_topic_idx").run()
    }
}
