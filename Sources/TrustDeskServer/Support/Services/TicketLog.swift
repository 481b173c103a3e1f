import Fluent
import Foundation

/// Writes a ticket's append-only history (`ticket_events`): every change, who made it and why.
/// The ticket service and the channels (escalations, route changes, mail, chat) all write here.
struct TicketLog {
    let database: any Database
    let now: Date

    func event(_ ticket: Ticket, _ actor: TicketActor, _ action: String, _ detail: String, isPublic: Bool) async throws {
        try await TicketEvent(ticket: ticket.number, actorSID: actor.sid, actorName: actor.name, action: action,
                              detail: String(detail.prefix(2000)), isPublic: isPublic, at: now).create(on: database)
    }
}
