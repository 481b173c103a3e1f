import Fluent
import Foundation
import Logging
import SQLKit
import TrustDeskCore

/// Reasons for outage (STS-4): staff write the RFO on a resolved incident and confirm which
/// personalized organisations it goes to; it becomes the incident's `postmortem` update, and
/// the `status_rfo` job opens one support ticket per organisation through the desk's
/// `Tickets.open`, assigned to the primary TAM, with the RFO as a public comment.
struct StatusRFO {
    let database: any Database
    let now: Date
    let settings: StatusPageSettings
    /// How the reason-for-outage tickets mail their requesters.
    let supportSettings: SupportSettings

    struct Candidate: Sendable {
        let organisationSID: String
        let name: String
        /// Pre-ticked: the organisation sent SMS during the incident.
        let suggested: Bool
        let ticketNumber: Int?
    }

    /// Every personalized organisation, with a suggestion where usage tells: for an incident
    /// on an SMS component, those whose accounts had admissions between its start and its
    /// resolution. Other products' usage is not recorded here, so staff tick those themselves.
    func candidates(for incident: StatusIncident) async throws -> (candidates: [Candidate], narrowed: Bool) {
        let profiles = try await SupportDirectory(database: database, now: now).organisations(on: .personalized)
        let organisations = profiles.compactMap(\.id)
        guard !organisations.isEmpty else { return ([], false) }
        let accounts = try await Account.query(on: database).group(.or) { group in
            group.filter(\.$id ~~ organisations).filter(\.$ownerAccountSID ~~ organisations.map { Optional($0) })
        }.all()
        let names = Dictionary(accounts.filter { $0.ownerAccountSID == nil }.map { ($0.sid, $0.friendlyName) }, uniquingKeysWith: { first, _ in first })
        let components = try await StatusComponent.query(on: database)
            .filter(\.$id ~~ StatusIncidents(database: database, now: now, settings: settings).componentIDs(of: incident)).all()
        let narrowed = ReasonForOutage.narrowsByUsage(components.map(\.statusProduct))
        var suggested: Set<String> = []
        if narrowed {
            let active = try await QuotaLedgerStore.accountsWithAdmissions(among: accounts.map(\.sid), from: incident.startedAt,
                                                                           to: incident.resolvedAt ?? now, on: database)
            suggested = Set(accounts.filter { active.contains($0.sid) }.map { $0.ownerAccountSID ?? $0.sid })
        }
        let delivered = Dictionary(try await StatusRFODelivery.query(on: database).filter(\.$incidentID == incident.id ?? "").all()
            .map { ($0.organisationSID, $0.ticketNumber) }, uniquingKeysWith: { first, _ in first })
        let candidates = organisations.map { sid in
            Candidate(organisationSID: sid, name: names[sid] ?? sid, suggested: suggested.contains(sid), ticketNumber: delivered[sid] ?? nil)
        }
        return (candidates, narrowed)
    }

    struct CheckedRFO: Sendable {
        let body: String
        let organisations: [String]
    }

    /// Checks what staff typed, collecting every problem.
    func check(body raw: String, organisations: [String], errors: inout FormErrors) async throws -> CheckedRFO? {
        let body = errors.check("rfo") { () throws(DomainError) in try StatusText.body(raw, field: "rfo") }
        let personalized = Set(try await SupportDirectory(database: database, now: now).organisations(on: .personalized).compactMap(\.id))
        let chosen = Set(organisations.filter { !$0.isEmpty })
        if !chosen.isSubset(of: personalized) {
            errors.add(DomainError(.invalidParameter, "organisations: choose among the personalized organisations listed."))
            return nil
        }
        guard let body else { return nil }
        return CheckedRFO(body: body, organisations: chosen.sorted())
    }

    /// Publishes the RFO: the postmortem update and one delivery per confirmed organisation,
    /// in one transaction. The status moves with a conditional update, so a second submit (or a
    /// second member of staff) can't publish it twice.
    func publish(_ incident: StatusIncident, _ checked: CheckedRFO, by staff: User) async throws {
        guard let status = incident.incidentStatus else {
            throw DomainError(.statusTransitionNotAllowed, "A scheduled maintenance has no reason for outage.")
        }
        try ReasonForOutage.check(status)
        let body = checked.body
        let chosen = checked.organisations
        let id = incident.id ?? ""
        try await database.transaction { db in
            let moved = try await db.sql.update(StatusIncident.schema)
                .set("status", to: SQLBind(IncidentStatus.postmortem.rawValue))
                .set("postmortem_at", to: SQLBind(now)).set("updated_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(id)).where("status", .equal, SQLBind(IncidentStatus.resolved.rawValue))
                .returning("id").all()
            guard !moved.isEmpty else {
                let current = try await StatusIncident.find(id, on: db)?.incidentStatus ?? .postmortem
                try ReasonForOutage.check(current)
                throw DomainError(.statusTransitionNotAllowed, "status: the incident changed meanwhile; reload the page.")
            }
            incident.status = IncidentStatus.postmortem.rawValue
            incident.postmortemAt = now
            let update = StatusIncidentUpdate()
            update.id = StatusID.generate()
            update.incidentID = id
            update.status = IncidentStatus.postmortem.rawValue
            update.body = body
            update.displayAt = now
            update.deliverNotifications = true
            update.affectedComponentsJSON = try StatusIncidentUpdate.encode([])
            update.createdBy = staff.sid
            update.createdAt = now
            update.updatedAt = now
            try await update.create(on: db)
            try await StatusMailings(database: db, now: now, settings: settings).queue(update, of: incident, on: db)
            for organisation in chosen {
                let delivery = StatusRFODelivery()
                delivery.id = UUID()
                delivery.incidentID = id
                delivery.organisationSID = organisation
                delivery.dueAt = now
                delivery.attempts = 0
                delivery.createdBy = staff.sid
                delivery.createdAt = now
                try await delivery.create(on: db)
            }
            try await StatusRevision.bump(on: db, now: now)
            try await StatusAudit.record(staff, "status_rfo_publish", detail: "\(id) to \(chosen.count) organisations: \(chosen.joined(separator: " "))", now: now, on: db)
        }
    }

    // MARK: The job

    /// Opens the tickets that are due, each in its own transaction. A delivery that fails is
    /// logged, tried again later, and does not stop the others.
    @discardableResult
    func deliverDue(limit: Int = 50, logger: Logger) async throws -> Int {
        let due = try await StatusRFODelivery.query(on: database).filter(\.$dueAt <= now).sort(\.$dueAt).limit(limit).all()
        var opened = 0
        for delivery in due {
            do {
                if try await deliver(delivery) { opened += 1 }
            } catch {
                logger.error("reason-for-outage ticket failed", metadata: ["delivery": "\(delivery.id?.uuidString ?? "")",
                                                                           "incident": "\(delivery.incidentID)", "error": "\(String(reflecting: error))"])
                delivery.attempts += 1
                delivery.lastError = String(String(describing: error).prefix(500))
                delivery.dueAt = now.addingTimeInterval(OutboxDelivery.backoff(afterAttempts: delivery.attempts))
                try await delivery.save(on: database)
            }
        }
        return opened
    }

    /// Claims the delivery (a conditional update: a second runner claims nothing), then opens
    /// the ticket in the same transaction. Returns false when it was no longer due.
    private func deliver(_ delivery: StatusRFODelivery) async throws -> Bool {
        guard let id = delivery.id else { return false }
        return try await database.transaction { db in
            let claimed = try await db.sql.update(StatusRFODelivery.schema).set("due_at", to: SQLLiteral.null)
                .where("id", .equal, SQLBind(id)).where("due_at", .isNot, SQLLiteral.null).where("ticket_number", .is, SQLLiteral.null)
                .returning("id").all()
            guard !claimed.isEmpty else { return false }
            guard let incident = try await StatusIncident.find(delivery.incidentID, on: db),
                  let rfo = try await StatusIncidentUpdate.query(on: db).filter(\.$incidentID == delivery.incidentID)
                      .filter(\.$status == IncidentStatus.postmortem.rawValue).first(),
                  let account = try await Account.find(delivery.organisationSID, on: db)
            else { throw DomainError.notFound("incident or organisation") }
            let number = try await openTicket(incident: incident, rfo: rfo, account: account, on: db)
            delivery.ticketNumber = number
            delivery.dueAt = nil
            delivery.lastError = nil
            try await delivery.save(on: db)
            return true
        }
    }

    private func openTicket(incident: StatusIncident, rfo: StatusIncidentUpdate, account: Account, on db: any Database) async throws -> Int {
        let owners = try await Team.owners(of: account.sid, on: db)
        // On the customer's behalf: the ticket is theirs, so it shows in their console and they
        // are told of every reply. An organisation without an owner still gets its ticket.
        let requester = owners.first.map(TicketActor.init(user:)) ?? TicketActor(sid: account.sid, name: account.friendlyName, email: "", isStaff: false)
        let components = try await StatusComponent.query(on: db)
            .filter(\.$id ~~ StatusIncidentComponent.query(on: db).filter(\.$incidentID == incident.id ?? "").all().map(\.componentID)).all()
        let zone = settings.timeZone
        let ticket = NewTicket(
            subject: String(ReasonForOutage.ticketSubject(incident: incident.name).prefix(Tickets.maximumSubject)),
            description: ReasonForOutage.ticketDescription(incident: incident.name, startedAt: StatusDateDisplay.local(incident.startedAt, zone: zone),
                                                           resolvedAt: incident.resolvedAt.map { StatusDateDisplay.local($0, zone: zone) } ?? "",
                                                           link: settings.incidentURL(incident.id ?? "")),
            priority: String(TicketPriority.generalIssue.rawValue),
            intake: IntakeForm(product: ReasonForOutage.supportProduct(of: components.map(\.statusProduct))))
        let tickets = Tickets(database: db, now: now, settings: supportSettings)
        let opened = try await tickets.open(ticket, about: account, by: requester)
        let profile = try await SupportDirectory(database: db, now: now).profile(of: account.sid)
        var author = TicketActor.system
        if let tamSID = profile?.primaryTAMSID, let tam = try await User.find(tamSID, on: db) {
            if opened.ticket.assigneeSID != tam.sid {
                try await tickets.assign(opened.ticket, to: tam, by: .system)
            }
            author = TicketActor(user: tam)
        }
        try await tickets.reply(to: opened.ticket, by: author, body: rfo.body, isPublic: true)
        return opened.ticket.number
    }
}
