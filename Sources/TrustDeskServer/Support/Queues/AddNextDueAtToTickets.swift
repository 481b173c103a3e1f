import Fluent
import SQLKit

/// The queues' due column and order (issue 11) read one column of the ticket instead of
/// joining every running target of every row. Tickets opened before it get the earliest due time
/// of their running targets; a breach already recorded on them is not carried over (their
/// alerts and history still say it).
struct AddNextDueAtToTickets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Ticket.schema).field("next_due_at", .datetime).update()
        try await database.sql.raw("""
            UPDATE tickets SET next_due_at = (SELECT MIN(s.due_at) FROM ticket_sla_targets s
              WHERE s.ticket_number = tickets.number AND s.status = 'active' AND s.due_at IS NOT NULL)
            WHERE unsolved = \(bind: true)
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Ticket.schema).deleteField("next_due_at").update()
    }
}
