import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// SUP-9: customers of the personalized plan escalate unsolved tickets; the TAM manager and the
/// support-management on-call are alerted at once (console and mail); staff acknowledge and
/// resolve. One open escalation per ticket, held by a conditional UPDATE of the ticket.
struct Escalations {
    let database: any Database
    let now: Date
    let settings: SupportSettings

    private var directory: SupportDirectory { SupportDirectory(database: database, now: now) }

    // MARK: Reading

    /// A ticket's escalations, newest first.
    func history(of ticket: Int) async throws -> [TicketEscalation] {
        try await TicketEscalation.query(on: database).filter(\.$ticketNumber == ticket)
            .sort(\.$createdAt, .descending).limit(100).all()
    }

    /// The newest escalation of each of these tickets.
    func latest(of tickets: [Int]) async throws -> [Int: TicketEscalation] {
        guard !tickets.isEmpty else { return [:] }
        let rows = try await TicketEscalation.query(on: database).filter(\.$ticketNumber ~~ tickets).sort(\.$createdAt, .descending).all()
        var latest: [Int: TicketEscalation] = [:]
        for row in rows where latest[row.ticketNumber] == nil { latest[row.ticketNumber] = row }
        return latest
    }

    func find(_ id: UUID?, on ticket: Int) async throws -> TicketEscalation {
        guard let id, let row = try await TicketEscalation.find(id, on: database), row.ticketNumber == ticket else {
            throw DomainError.notFound("escalation")
        }
        return row
    }

    // MARK: Raising

    /// Escalates `ticket` for its requester's organisation. Runs in its own transaction (or the
    /// caller's) whose first statement is the claim, so the loser of a race waits for the winner
    /// and then sees the claim, on SQLite as on PostgreSQL.
    func raise(_ ticket: Ticket, reason: EscalationReason, note rawNote: String, by actor: TicketActor) async throws -> TicketEscalation {
        let profile = try await directory.profile(of: ticket.organisationSID)
        let plan = try directory.plan(of: profile)
        try EscalationPolicy.check(plan: plan, ticketStatus: ticket.ticketStatus, hasOpenEscalation: ticket.openEscalationID != nil)
        let note = try EscalationPolicy.note(rawNote)
        let rota = try await directory.members(of: SupportGroup.supportManagement)
            .map { RotaMember(id: $0.id, calendar: $0.calendar, available: $0.available) }
        let recipients = EscalationPolicy.recipients(tamManager: profile?.tamManagerSID, rota: rota, at: now)
        let people = try await User.query(on: database).filter(\.$id ~~ recipients).all()
        let id = UUID()
        let now = self.now, settings = self.settings
        return try await database.transaction { db in
            let claimed = try await db.sql.raw("""
                UPDATE tickets SET open_escalation_id = \(bind: id), updated_at = \(bind: now)
                WHERE number = \(bind: ticket.number) AND open_escalation_id IS NULL AND unsolved = \(bind: true) RETURNING number
                """).all()
            guard !claimed.isEmpty else {
                if try await Ticket.find(ticket.number, on: db)?.openEscalationID != nil { throw EscalationPolicy.alreadyOpen }
                throw DomainError(.escalationNotAllowed, "The ticket was solved a moment ago and can't be escalated; reply to reopen it.")
            }
            let escalation = TicketEscalation()
            escalation.id = id
            escalation.ticketNumber = ticket.number
            escalation.organisationSID = ticket.organisationSID
            escalation.plan = plan.id
            escalation.priority = ticket.priority
            escalation.groupName = ticket.groupName
            escalation.reason = reason.rawValue
            escalation.note = note
            escalation.status = EscalationStatus.open.rawValue
            escalation.raisedBySID = actor.sid
            escalation.raisedByName = actor.name
            escalation.alerted = recipients.joined(separator: " ")
            escalation.createdAt = now
            try await escalation.create(on: db)
            ticket.openEscalationID = id

            let log = TicketLog(database: db, now: now)
            try await log.event(ticket, actor, "escalated", "Escalated by \(actor.name): \(reason.label). Support management has been alerted.", isPublic: true)
            let names = recipients.map { sid in people.first { $0.sid == sid }?.fullName ?? sid }
            try await log.event(ticket, .system, "escalation_alerted",
                                "Alerted at once: \(names.isEmpty ? "nobody (no TAM manager and no support_management rota)" : names.joined(separator: ", ")).", isPublic: false)
            let summary = "Ticket #\(ticket.number) \"\(ticket.subject)\" (\(ticket.ticketPriority.title)) was escalated by \(actor.name): \(reason.label)."
                + (note.isEmpty ? "" : "\n\nNote from the customer:\n\(note)")
            for person in people {
                try await SupportAlert(user: person.sid, ticket: ticket.number, message: "ESCALATED: \(summary.prefix(300))", now: now).create(on: db)
                try await Outbox(database: db, now: now).enqueue(
                    to: person.email, subject: "[#\(ticket.number)] ESCALATED (\(reason.label)): \(ticket.subject)".prefix(200).description,
                    body: "\(summary)\n\nAcknowledge it on the ticket: \(settings.staffTicketLink(ticket.number))", kind: "support_escalation")
            }
            try await SupportMail(database: db, now: now, settings: settings).toRequester(
                ticket, subject: "[#\(ticket.number)] Escalation received: \(ticket.subject)",
                body: "Your escalation of ticket #\(ticket.number) (\(reason.label)) reached support management. They will contact you on the ticket.")
            return escalation
        }
    }

    // MARK: Staff

    func acknowledge(_ escalation: TicketEscalation, ticket: Ticket, by staff: TicketActor) async throws {
        _ = try EscalationPolicy.move(escalation.escalationStatus, to: .acknowledged)
        let moved = try await database.sql.raw("""
            UPDATE ticket_escalations SET status = \(bind: EscalationStatus.acknowledged.rawValue), acknowledged_at = \(bind: now), acknowledged_by_sid = \(bind: staff.sid)
            WHERE id = \(bind: escalation.id) AND status = \(bind: EscalationStatus.open.rawValue) RETURNING id
            """).all()
        guard !moved.isEmpty else { throw Self.changedMeanwhile }
        escalation.status = EscalationStatus.acknowledged.rawValue
        escalation.acknowledgedAt = now
        escalation.acknowledgedBySID = staff.sid
        try await TicketLog(database: database, now: now).event(ticket, staff, "escalation_acknowledged", "\(staff.name) acknowledged the escalation.", isPublic: true)
        try await SupportMail(database: database, now: now, settings: settings).toRequester(
            ticket, subject: "[#\(ticket.number)] Escalation acknowledged: \(ticket.subject)",
            body: "\(staff.name) of support management acknowledged your escalation of ticket #\(ticket.number) and is working on it.")
    }

    func resolve(_ escalation: TicketEscalation, ticket: Ticket, by staff: TicketActor, resolution rawResolution: String) async throws {
        _ = try EscalationPolicy.move(escalation.escalationStatus, to: .resolved)
        let resolution = try Tickets.reason(rawResolution, field: "resolution")
        try await close(escalation, ticket: ticket, by: staff, resolution: resolution)
        try await SupportMail(database: database, now: now, settings: settings).toRequester(
            ticket, subject: "[#\(ticket.number)] Escalation resolved: \(ticket.subject)",
            body: "Support management resolved your escalation of ticket #\(ticket.number):\n\n\(resolution)")
    }

    /// A ticket that is solved or closed takes its open escalation with it.
    func resolveWithTicket(_ ticket: Ticket) async throws {
        guard let id = ticket.openEscalationID, let escalation = try await TicketEscalation.find(id, on: database),
              escalation.escalationStatus.isOpen else { return }
        try await close(escalation, ticket: ticket, by: .system, resolution: "The ticket was \(ticket.status).")
    }

    private func close(_ escalation: TicketEscalation, ticket: Ticket, by staff: TicketActor, resolution: String) async throws {
        let moved = try await database.sql.raw("""
            UPDATE ticket_escalations SET status = \(bind: EscalationStatus.resolved.rawValue), resolved_at = \(bind: now), resolved_by_sid = \(bind: staff.sid),
            resolution = \(bind: resolution) WHERE id = \(bind: escalation.id) AND status <> \(bind: EscalationStatus.resolved.rawValue) RETURNING id
            """).all()
        guard !moved.isEmpty else { throw Self.changedMeanwhile }
        try await database.sql.raw("""
            UPDATE tickets SET open_escalation_id = NULL WHERE number = \(bind: ticket.number) AND open_escalation_id = \(bind: escalation.id)
            """).run()
        escalation.status = EscalationStatus.resolved.rawValue
        escalation.resolvedAt = now
        escalation.resolvedBySID = staff.sid
        escalation.resolution = resolution
        ticket.openEscalationID = nil
        try await TicketLog(database: database, now: now).event(ticket, staff, "escalation_resolved", "Escalation resolved by \(staff.name): \(resolution)", isPublic: true)
    }

    static let changedMeanwhile = DomainError(.escalationTransitionNotAllowed, "The escalation changed a moment ago; reload the ticket to see where it is.")
}
