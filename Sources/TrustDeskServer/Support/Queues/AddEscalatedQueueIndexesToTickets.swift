import Fluent
import SQLKit

/// The escalated queue (SUP-9) holds the tickets with an open escalation: a handful among
/// hundreds of thousands. `tickets_open_escalation_idx` finds them, but asked for them in a
/// queue order SQLite preferred reading every ticket and sorting (100,000 tickets: 30 ms for an
/// empty queue). Partial indexes hold only the escalated tickets, one per queue order like the
/// other queues' (`AddQueueIndexesToTickets`), so each order reads that short range in order.
struct AddEscalatedQueueIndexesToTickets: AsyncMigration {
    static let indexes: [(name: String, columns: SQLQueryString)] = [
        ("tickets_escalated_updated_idx", "updated_at, number"),
        ("tickets_escalated_priority_idx", "priority, number"),
        ("tickets_escalated_due_idx", "next_due_at, number"),
    ]

    func prepare(on database: any Database) async throws {
        for index in Self.indexes {
            try await database.sql.raw("""
                CREATE INDEX \(ident: index.name) ON \(ident: Ticket.schema) (\(index.columns)) WHERE open_escalation_id IS NOT NULL
                """).run()
        }
    }

    func revert(on database: any Database) async throws {
        for index in Self.indexes.reversed() {
            try await database.dropIndex(index.name)
        }
    }
}
