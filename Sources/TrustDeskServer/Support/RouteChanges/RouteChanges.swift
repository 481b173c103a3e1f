import Fluent
import Foundation
import Logging
import SQLKit
import TrustDeskCore
import Vapor

/// SUP-13: temporary voice route changes. The customer asks (API, or the form on a voice
/// ticket), most specific first; each change lives on a voice ticket; staff apply or decline
/// it; `support_route_change_expiry` ends it at `until` and tells the customer.
struct RouteChanges {
    let database: any Database
    let now: Date
    let settings: SupportSettings

    struct Input: Sendable {
        var numbers: String
        var prefix: String
        var reason: String
        var until: Date?
    }

    /// The account's changes, most specific first, then the one ending soonest.
    func list(account: String) async throws -> [RouteChange] {
        let rows = try await RouteChange.query(on: database).filter(\.$accountSID == account).sort(\.$createdAt, .descending).limit(200).all()
        return RouteChangePolicy.sorted(rows, kind: \.kind, until: \.until)
    }

    func on(ticket: Int) async throws -> [RouteChange] {
        let rows = try await RouteChange.query(on: database).filter(\.$ticketNumber == ticket).limit(200).all()
        return RouteChangePolicy.sorted(rows, kind: \.kind, until: \.until)
    }

    func find(_ id: UUID?, on ticket: Int) async throws -> RouteChange {
        guard let id, let change = try await RouteChange.find(id, on: database), change.ticketNumber == ticket else {
            throw DomainError.notFound("route change")
        }
        return change
    }

    /// Validates everything first (all problems are the caller's to show), then records the
    /// change on `ticket`, or on a new voice ticket about `account`. Call inside a transaction.
    func request(_ input: Input, about account: Account, on ticket: Ticket?, by actor: TicketActor) async throws -> RouteChange {
        let scope = try RouteScope.parse(numbers: input.numbers, prefix: input.prefix)
        let reason = try RouteChangePolicy.reason(input.reason)
        let until = try RouteChangePolicy.until(input.until, now: now)
        let tickets = Tickets(database: database, now: now, settings: settings)
        let target: Ticket
        if let ticket {
            guard ticket.supportProduct == .voice else {
                throw DomainError(.invalidParameter, "ticket: route changes are asked for on voice tickets; open a voice ticket or leave the ticket out.")
            }
            guard ticket.ticketStatus != .closed else { throw TicketStatus.closedError }
            target = ticket
        } else {
            let subject = "Temporary route change: \(scope.summary)"
            target = try await tickets.open(NewTicket(
                subject: String(subject.prefix(Tickets.maximumSubject)),
                description: "Please route calls to \(scope.summary) differently until \(DateDisplay.utc(until)) while the carrier investigates.\n\nWhat callers experience: \(reason)",
                priority: String(TicketPriority.degradedService.rawValue), intake: IntakeForm(product: .voice)), about: account, by: actor).ticket
        }
        let change = RouteChange()
        change.id = UUID()
        change.ticketNumber = target.number
        change.organisationSID = target.organisationSID
        change.accountSID = account.sid
        change.scopeKind = scope.kind.rawValue
        change.destinations = scope.destinations.joined(separator: " ")
        change.reason = reason
        change.status = RouteChangeStatus.requested.rawValue
        change.until = until
        change.endDueAt = until
        change.requestedBySID = actor.sid
        change.requestedByName = actor.name
        change.createdAt = now
        try await change.create(on: database)
        try await TicketLog(database: database, now: now).event(target, actor, "route_change_requested",
                                                                "Route change requested (\(scope.kind.title.lowercased())): \(scope.summary) until \(DateDisplay.utc(until)).", isPublic: true)
        if let assignee = target.assigneeSID {
            try await SupportAlert(user: assignee, ticket: target.number, message: "Route change requested on ticket #\(target.number): \(scope.summary).", now: now).create(on: database)
        }
        return change
    }

    func apply(_ change: RouteChange, ticket: Ticket, by staff: TicketActor, note rawNote: String) async throws {
        try await decide(change, to: .applied, ticket: ticket, by: staff, note: rawNote.trimmingCharacters(in: .whitespacesAndNewlines))
        try await SupportMail(database: database, now: now, settings: settings).toRequester(
            ticket, subject: "[#\(ticket.number)] Route change applied: \(change.summary)",
            body: "Calls to \(change.summary) now take a temporary route, until \(DateDisplay.utc(change.until)). We will tell you when it ends.")
    }

    func decline(_ change: RouteChange, ticket: Ticket, by staff: TicketActor, note rawNote: String) async throws {
        let note = try Tickets.reason(rawNote, field: "note")
        try await decide(change, to: .declined, ticket: ticket, by: staff, note: note)
        try await SupportMail(database: database, now: now, settings: settings).toRequester(
            ticket, subject: "[#\(ticket.number)] Route change declined: \(change.summary)",
            body: "We did not change the route for \(change.summary):\n\n\(note)")
    }

    private func decide(_ change: RouteChange, to target: RouteChangeStatus, ticket: Ticket, by staff: TicketActor, note: String) async throws {
        _ = try RouteChangePolicy.move(change.changeStatus, to: target)
        // Conditional: of two staff deciding at once, the second is told it changed meanwhile.
        let endDue: Date? = target == .applied ? change.until : nil
        let moved = try await database.sql.raw("""
            UPDATE route_changes SET status = \(bind: target.rawValue), decided_by_sid = \(bind: staff.sid), decided_at = \(bind: now),
            decision_note = \(bind: String(note.prefix(2000))), end_due_at = \(bind: endDue)
            WHERE id = \(bind: change.id) AND status = \(bind: RouteChangeStatus.requested.rawValue) RETURNING id
            """).all()
        guard !moved.isEmpty else { throw Self.changedMeanwhile }
        change.status = target.rawValue
        change.decidedBySID = staff.sid
        change.decidedAt = now
        change.decisionNote = note
        change.endDueAt = endDue
        let detail = target == .applied ? "applied until \(DateDisplay.utc(change.until))" : "declined"
        try await TicketLog(database: database, now: now).event(ticket, staff, "route_change_\(target.rawValue)",
                                                                "Route change for \(change.summary) \(detail) by \(staff.name)\(note.isEmpty ? "" : ": \(note)").", isPublic: true)
    }

    /// Ends every live change whose time is up, one transaction each: a change that fails is
    /// logged and left for the next pass; the others still end.
    @discardableResult
    func endDue(batch: Int = 200, logger: Logger) async throws -> Int {
        let due = try await RouteChange.query(on: database).filter(\.$endDueAt <= now).sort(\.$endDueAt).limit(batch).all()
        var ended = 0
        for change in due {
            do {
                try await database.transaction { db in
                    try await RouteChanges(database: db, now: now, settings: settings).end(change)
                }
                ended += 1
            } catch {
                logger.error("route change not ended", metadata: ["route_change": "\(change.id?.uuidString ?? "")", "error": "\(String(reflecting: error))"])
            }
        }
        return ended
    }

    private func end(_ change: RouteChange) async throws {
        let moved = try await database.sql.raw("""
            UPDATE route_changes SET status = \(bind: RouteChangeStatus.ended.rawValue), ended_at = \(bind: now), end_due_at = NULL
            WHERE id = \(bind: change.id) AND end_due_at IS NOT NULL RETURNING id
            """).all()
        guard !moved.isEmpty, let ticket = try await Ticket.find(change.ticketNumber, on: database) else { return }
        let wasApplied = change.changeStatus == .applied
        let what = wasApplied ? "The temporary route for \(change.summary) ended at \(DateDisplay.utc(change.until)); calls take the usual route again."
            : "Your route change request for \(change.summary) ran out at \(DateDisplay.utc(change.until)) before it was applied."
        try await TicketLog(database: database, now: now).event(ticket, .system, "route_change_ended", what, isPublic: true)
        try await SupportMail(database: database, now: now, settings: settings).toRequester(
            ticket, subject: "[#\(ticket.number)] Route change ended: \(change.summary)", body: what)
    }

    static let changedMeanwhile = DomainError(.routeChangeTransitionNotAllowed, "The route change was decided a moment ago; reload the ticket to see where it is.")
}

/// SUP-13's job: ends route changes at their `until` (indexed `end_due_at`), every minute.
enum RouteChangeJobs {
    static let expiry = ScheduledJob(name: "support_route_change_expiry", interval: 60) { app, now in
        try await app.routeChanges(now: now).endDue(logger: app.logger)
    }
}
