import Fluent
import Foundation
import SQLKit

/// Writes a ticket's append-only history (`ticket_events`): every change, who made it and why.
/// The ticket service and the channels (escalations, route changes, mail, chat) all write here.
struct TicketLog {
    let database: any Database
    let now: Date

    func event(_ ticket: Ticket, _ actor: TicketActor, _ action: String, _ detail: String, isPublic: Bool) async throws {
        try await entry(ticket, actor, action, detail, isPublic: isPublic).create(on: database)
    }

    /// An event not yet written: several go in one `write`.
    func entry(_ ticket: Ticket, _ actor: TicketActor, _ action: String, _ detail: String, isPublic: Bool) -> TicketEvent {
        entry(number: ticket.number, actor, action, detail, isPublic: isPublic)
    }

    func entry(number: Int, _ actor: TicketActor, _ action: String, _ detail: String, isPublic: Bool) -> TicketEvent {
        TicketEvent(ticket: number, actorSID: actor.sid, actorName: actor.name, action: action,
                    detail: String(detail.prefix(2000)), isPublic: isPublic, at: now)
    }

    /// Writes `events` in multi-row INSERTs of up to `rowsPerInsert`.
    func write(_ events: [TicketEvent]) async throws {
        let sql = try database.sql
        for start in stride(from: 0, to: events.count, by: Self.rowsPerInsert) {
            var insert = sql.insert(into: TicketEvent.schema).columns("id", "ticket_number", "actor_sid", "actor_name", "action", "detail", "is_public", "at")
            for event in events[start..<min(start + Self.rowsPerInsert, events.count)] {
                insert = insert.values(SQLBind(event.id ?? UUID()), SQLBind(event.ticketNumber), SQLBind(event.actorSID), SQLBind(event.actorName),
                                       SQLBind(event.action), SQLBind(event.detail), SQLBind(event.isPublic), SQLBind(event.at))
            }
            try await insert.run()
        }
    }

    /// Eight binds a row: far below SQLite's 32,766 bound parameters.
    static let rowsPerInsert = 500
}
