import Fluent
import TrustDeskCore

/// The queue pages' orders (issue 11): for each queue's own rule (everything unsolved, an
/// assignee's, a group's), an index ending in each sort key and the number, so every queue in
/// every order is a range of one index read in order, and the next page starts where the last
/// ended (keyset). Filters and searches narrow the rows within that range.
struct AddQueueIndexesToTickets: AsyncMigration {
    static let indexes: [(name: String, columns: [String])] = [
        ("tickets_unsolved_updated_idx", ["unsolved", "updated_at", "number"]),
        ("tickets_unsolved_priority_idx", ["unsolved", "priority", "number"]),
        ("tickets_unsolved_due_idx", ["unsolved", "next_due_at", "number"]),
        ("tickets_assignee_updated_idx", ["assignee_sid", "unsolved", "updated_at", "number"]),
        ("tickets_assignee_priority_idx", ["assignee_sid", "unsolved", "priority", "number"]),
        ("tickets_assignee_due_idx", ["assignee_sid", "unsolved", "next_due_at", "number"]),
        ("tickets_group_updated_idx", ["group_name", "unsolved", "updated_at", "number"]),
        ("tickets_group_priority_idx", ["group_name", "unsolved", "priority", "number"]),
        ("tickets_group_due_idx", ["group_name", "unsolved", "next_due_at", "number"]),
    ]

    func prepare(on database: any Database) async throws {
        for index in Self.indexes {
            try await database.index(index.name, on: Ticket.schema, columns: index.columns)
        }
    }

    func revert(on database: any Database) async throws {
        for index in Self.indexes.reversed() {
            try await database.dropIndex(index.name)
        }
    }
}
