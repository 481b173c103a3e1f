import Fluent
import Foundation

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
        TicketEvent(ticket: ticket.number, actorSID: actor.sid, actorName: actor.name, action: action,
                    detail: String(detail.prefix(2000)), isPublic: isPublic, at: now)
    }

    /// Writes `events` in one multi-row INSERT.
    func write(_ events: [TicketEvent]) async throws {
        guard !events.isEmpty else { return }
        try await events.create(on: database)
    }
}
