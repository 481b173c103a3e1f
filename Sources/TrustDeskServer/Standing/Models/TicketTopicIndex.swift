import Fluent
import SQLKit

/// SUP-15's desk lists a type of case oldest first: an index that ends in the ticket number.
struct AddTicketTopicIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.index("tickets_topic_idx", on: "tickets", columns: ["group_name", "unsolved", "topic", "number"])
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "tickets_topic_idx").run()
    }
}
