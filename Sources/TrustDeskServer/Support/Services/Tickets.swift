import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// Who is acting on a ticket: a customer user, an API credential, a staff member, or a job.
struct TicketActor: Sendable {
    let sid: String
    let name: String
    let email: String
    let isStaff: Bool

    static let system = TicketActor(sid: "system", name: "TrustDesk", email: "", isStaff: true)

    init(sid: String, name: String, email: String, isStaff: Bool) {
        self.sid = sid
        self.name = name
        self.email = email
        self.isStaff = isStaff
    }

    init(user: User) {
        self.init(sid: user.sid, name: user.fullName, email: user.email, isStaff: user.isStaff)
    }
}

/// What a customer asks for when opening a ticket.
struct NewTicket: Sendable {
    var subject: String
    var description: String
    var priority: String
    var topic: String = ""
    var intake: IntakeForm
    var followUpOf: Int?
    /// Set only by Progressive Trust for its requests (PT-10); customers can't pick it.
    var trustTopic: TrustSafetyTopic?
}

/// Tickets: opening, routing, replies, status and priority changes, SLA clocks and the
/// jobs that breach and close them (SUP-3, SUP-5, SUP-6, SUP-8, SUP-12, SUP-15). Every
/// change writes a history event in the same transaction.
struct Tickets {
    let database: any Database
    let now: Date
    /// Mail addressing (absolute links, Reply-To) and the zones reports are kept in.
    let settings: SupportSettings
    /// This node's calendars (`request.tickets()` and `app.tickets(now:)` pass them); without
    /// it every calendar is read from the database.
    var calendars: SupportCalendarCache?

    static let maximumSubject = 150
    static let maximumBody = 20_000

    private var directory: SupportDirectory { SupportDirectory(database: database, now: now, calendars: calendars) }

    // MARK: Reading

    /// A ticket the caller may see: tickets of `organisationSID`, or of `accountSID` only for
    /// a subaccount's credential. Anything else is "not found" (SEC-3).
    func visible(_ number: Int, organisationSID: String, accountSID: String? = nil) async throws -> Ticket {
        guard let ticket = try await Ticket.find(number, on: database), ticket.organisationSID == organisationSID,
              accountSID == nil || ticket.accountSID == accountSID
        else { throw DomainError.notFound("ticket") }
        return ticket
    }

    func find(_ number: Int) async throws -> Ticket {
        guard let ticket = try await Ticket.find(number, on: database) else { throw DomainError.notFound("ticket") }
        return ticket
    }

    struct ListFilter {
        var status: TicketStatus?
        var priority: TicketPriority?
        var product: SupportProduct?
        var search: TicketSearch?
    }

    /// Newest first, `before` the last number of the previous page (keyset).
    func list(organisationSID: String, accountSID: String? = nil, filter: ListFilter = ListFilter(), before: Int?, limit: Int) async throws -> [Ticket] {
        var query = Ticket.query(on: database)
        if let accountSID {
            query = query.filter(\.$accountSID == accountSID)
        } else {
            query = query.filter(\.$organisationSID == organisationSID)
        }
        if let status = filter.status { query = query.filter(\.$status == status.rawValue) }
        if let priority = filter.priority { query = query.filter(\.$priority == priority.rawValue) }
        if let product = filter.product { query = query.filter(\.$product == product.rawValue) }
        if let before { query = query.filter(\.$id < before) }
        let candidates = try await TicketSearchCandidates(database: database).candidates(for: filter.search)
        return try await query.matching(filter.search, within: candidates).sort(\.$id, .descending).limit(limit).all()
    }

    func comments(of number: Int, includeInternal: Bool) async throws -> [TicketComment] {
        var query = TicketComment.query(on: database).filter(\.$ticketNumber == number)
        if !includeInternal { query = query.filter(\.$isPublic == true) }
        return try await query.sort(\.$createdAt).sort(\.$id).limit(1000).all()
    }

    func history(of number: Int, includeInternal: Bool) async throws -> [TicketEvent] {
        var query = TicketEvent.query(on: database).filter(\.$ticketNumber == number)
        if !includeInternal { query = query.filter(\.$isPublic == true) }
        return try await query.sort(\.$at).limit(1000).all()
    }

    func targets(of number: Int) async throws -> [TicketSLARecord] {
        try await TicketSLARecord.query(on: database).filter(\.$ticketNumber == number).sort(\.$startedAt).all()
    }

    func attachments(of number: Int) async throws -> [TicketAttachment] {
        try await TicketAttachment.query(on: database).filter(\.$ticketNumber == number).sort(\.$createdAt).limit(100).all()
    }

    // MARK: Opening (SUP-2, SUP-5, SUP-12)

    struct Opened {
        let ticket: Ticket
        let decision: RoutingDecision
    }

    /// A new ticket's fields once checked.
    struct CheckedTicket {
        let subject: String
        let description: String
        let priority: TicketPriority
        let topic: ConsumerTrustTopic?
        let intake: IntakeResult
    }

    /// Checks every field of a new ticket before the first problem is reported, so a form
    /// shows them all. Reads nothing: a page can ask before it opens anything.
    static func check(_ request: NewTicket, now: Date) throws(DomainError) -> CheckedTicket {
        var checks = FieldChecks()
        let subject = checks.run { () throws(DomainError) in try Validate.displayName(request.subject, field: "subject", maximum: Self.maximumSubject) } ?? ""
        let description = checks.run { () throws(DomainError) in try Self.text(request.description, field: "description") } ?? ""
        let priority = checks.run { () throws(DomainError) in try TicketPriority(parsing: request.priority) }
        let topic = checks.run { () throws(DomainError) in try ConsumerTrustTopic.parse(request.topic) }.flatMap { $0 }
        let intake = checks.run { () throws(DomainError) in try Intake.check(request.intake, now: now) }
        return CheckedTicket(subject: subject, description: description, priority: try checks.finish(with: priority), topic: topic,
                             intake: try checks.finish(with: intake))
    }

    /// Opens a ticket about `account` for `requester`. Call inside a transaction.
    func open(_ request: NewTicket, about account: Account, by requester: TicketActor) async throws -> Opened {
        let fields = try Self.check(request, now: now)
        let subject = fields.subject, description = fields.description, priority = fields.priority, topic = fields.topic
        let checked = fields.intake
        // Consumer Trust matters are about the account, not about calls or messages: the
        // product's asks for examples would only confuse.
        let intake = topic == nil && request.trustTopic == nil ? checked : IntakeResult(sids: checked.sids, details: checked.details, warnings: [])
        let organisationSID = directory.organisationSID(of: account)
        if let original = request.followUpOf {
            _ = try await visible(original, organisationSID: organisationSID)
        }

        let profile = try await directory.profile(of: organisationSID)
        let plan = try directory.plan(of: profile)
        let team = plan.hasTAM
            ? try await directory.routingTeam(primaryTAM: profile?.primaryTAMSID, secondaryTAM: profile?.secondaryTAMSID,
                                              withPool: topic == nil && request.trustTopic == nil)
            : SupportDirectory.RoutingTeam()
        let decision = Routing.route(
            plan: plan, topic: topic, trustTopic: request.trustTopic, at: now,
            primaryTAM: team.primaryTAM, secondaryTAM: team.secondaryTAM, pool: team.pool
        )

        let ticket = Ticket()
        ticket.subject = subject
        ticket.description = description
        ticket.product = request.intake.product.rawValue
        ticket.priority = priority.rawValue
        ticket.setStatus(.new)
        ticket.organisationSID = organisationSID
        ticket.accountSID = account.sid
        ticket.requesterSID = requester.sid
        ticket.requesterName = requester.name
        ticket.requesterEmail = requester.email
        ticket.assigneeSID = decision.assigneeID
        ticket.groupName = decision.group
        ticket.plan = plan.id
        ticket.hasSLA = decision.hasSLA
        ticket.topic = topic?.rawValue
        ticket.tags = topic.map { "consumer_trust \($0.rawValue)" } ?? request.trustTopic.map { "\(SupportGroup.trustSafety) \($0.rawValue)" } ?? ""
        ticket.sids = intake.sids.map(\.rawValue).joined(separator: " ")
        ticket.intakeDetails = String(decoding: try JSONEncoder.sortedKeys.encode(intake.details), as: UTF8.self)
        ticket.intakeWarnings = intake.warnings.joined(separator: "\n")
        ticket.followUpOf = request.followUpOf
        ticket.createdAt = now
        ticket.updatedAt = now
        // Measured before the row is written, so the queues' due time lands in the same INSERT.
        var firstTarget: SLATarget?
        if decision.hasSLA, let target = plan.target(for: priority) {
            firstTarget = try await measure(.firstResponse, target: target, on: ticket, assigneeCalendar: team.calendar(of: decision.assigneeID))
        }
        ticket.nextDueAt = TicketDue.next(after: .measured, open: firstTarget.map { [$0] } ?? [], previous: nil, now: now)
        try await ticket.create(on: database)

        // The opening's history in one multi-row INSERT.
        let log = TicketLog(database: database, now: now)
        var history = [log.entry(ticket, requester, "created", "Opened by \(requester.name): \(priority.title), \(request.intake.product.title).", isPublic: true)]
        if let original = request.followUpOf {
            history.append(log.entry(ticket, requester, "follow_up", "Follow-up of closed ticket #\(original).", isPublic: true))
        }
        history.append(log.entry(ticket, .system, "routed", decision.reason, isPublic: false))
        if !intake.warnings.isEmpty {
            history.append(log.entry(ticket, .system, "intake_warnings", intake.warnings.joined(separator: " "), isPublic: true))
        }
        if let firstTarget {
            try await TicketSLARecord(ticket: ticket.number, value: firstTarget, now: now).insert(on: database)
            if let started = startedEvent(firstTarget, on: ticket) { history.append(started) }
        }
        try await log.write(history)
        if let assignee = decision.assigneeID {
            try await SupportAlert.createAll([SupportAlert(user: assignee, ticket: ticket.number, message: "New \(priority.title) ticket #\(ticket.number) assigned to you.", now: now)], on: database)
        }
        let expectation = decision.expectation ?? "We will reply within the response time of your plan."
        try await SupportMail(database: database, now: now, settings: settings).toRequester(ticket, subject: "[#\(ticket.number)] We received your ticket: \(subject)",
                                                                         body: "Thank you. Your ticket #\(ticket.number) is open.\n\n\(expectation)")
        return Opened(ticket: ticket, decision: decision)
    }

    // MARK: Replies (SUP-6, SUP-8)

    struct AttachmentUpload: Sendable {
        let filename: String
        let contentType: String
        let contentBase64: String
    }

    /// A reply. Customers' replies are always public; a customer reply to a closed ticket is
    /// refused here (the caller opens a follow-up).
    @discardableResult
    func reply(to ticket: Ticket, by actor: TicketActor, body rawBody: String, isPublic: Bool, attachments: [AttachmentUpload] = []) async throws -> TicketComment {
        let body = try Self.text(rawBody, field: "body")
        let checked = try Self.check(attachments)
        let status = ticket.ticketStatus
        let isPublic = actor.isStaff ? isPublic : true
        if status == .closed && !(actor.isStaff && !isPublic) { throw TicketStatus.closedError }

        let comment = TicketComment(ticket: ticket.number, authorSID: actor.sid, authorName: actor.name, staff: actor.isStaff, isPublic: isPublic, body: body, now: now)
        try await comment.create(on: database)
        for (upload, data) in checked {
            let attachment = TicketAttachment()
            attachment.id = UUID()
            attachment.ticketNumber = ticket.number
            attachment.commentID = comment.id ?? UUID()
            attachment.filename = upload.filename
            attachment.contentType = upload.contentType
            attachment.size = data.count
            attachment.contentBase64 = upload.contentBase64
            attachment.createdAt = now
            try await attachment.create(on: database)
        }

        if !actor.isStaff {
            let next = try status.afterCustomerReply()
            try await event(ticket, actor, "customer_reply", "Reply from \(actor.name).", isPublic: true)
            if next != status { try await move(ticket, to: next, by: actor, reason: "customer replied") }
            try await startNextResponseIfOwed(ticket)
        } else if isPublic {
            try await event(ticket, actor, "public_reply", "Public reply from \(actor.name).", isPublic: true)
            try await recordFirstResponse(ticket)
            let open = try await openTargets(of: ticket.number)
            for record in open {
                var value = record.value
                value.respond(at: now)
                try await save(record, value, ticket)
            }
            try await updateDue(ticket, after: .answered, open: open)
            let next = status.afterStaffReply()
            if next != status { try await move(ticket, to: next, by: actor, reason: "first reply") }
            try await SupportMail(database: database, now: now, settings: settings).toRequester(ticket, subject: "[#\(ticket.number)] New reply: \(ticket.subject)",
                                                                             body: "\(actor.name) replied:\n\n\(body)")
        } else {
            try await event(ticket, actor, "internal_note", "Internal note from \(actor.name).", isPublic: false)
        }
        ticket.updatedAt = now
        try await ticket.save(on: database)
        return comment
    }

    // MARK: Status, priority, assignment

    /// A staff status change with its reason (SUP-6).
    func changeStatus(_ ticket: Ticket, to target: TicketStatus, by actor: TicketActor, reason: String) async throws {
        let next = try ticket.ticketStatus.staffChange(to: target)
        try await move(ticket, to: next, by: actor, reason: try Self.reason(reason))
    }

    /// The requester marks their ticket solved.
    func customerSolve(_ ticket: Ticket, by actor: TicketActor) async throws {
        let next = try ticket.ticketStatus.customerSolve()
        try await move(ticket, to: next, by: actor, reason: "solved by the requester")
    }

    /// SUP-3: staff may change the priority, with a recorded reason; running targets are
    /// re-measured against the new priority's target.
    func changePriority(_ ticket: Ticket, to raw: String, by actor: TicketActor, reason: String) async throws {
        var checks = FieldChecks()
        let parsed = checks.run { () throws(DomainError) in try TicketPriority(parsing: raw) }
        let why = checks.run { () throws(DomainError) in try Self.reason(reason) } ?? ""
        let priority = try checks.finish(with: parsed)
        guard priority != ticket.ticketPriority else { return }
        let old = ticket.ticketPriority
        ticket.priority = priority.rawValue
        ticket.updatedAt = now
        try await ticket.save(on: database)
        try await event(ticket, actor, "priority", "Priority \(old.title) → \(priority.title): \(why)", isPublic: true)
        let plan = try SupportPlan.named(ticket.plan)
        guard let target = plan.target(for: priority) else { return }
        let (calendar, _) = try await directory.workingCalendar(assignee: ticket.assigneeSID, group: ticket.groupName)
        let open = try await openTargets(of: ticket.number)
        for record in open {
            var value = record.value
            try value.retarget(target, at: now,
                           from: SLATarget.calendar(for: value.target, assigneeCalendar: calendar),
                           to: SLATarget.calendar(for: target, assigneeCalendar: calendar))
            try await save(record, value, ticket)
        }
        try await updateDue(ticket, after: .measured, open: open)
    }

    /// Assigns the ticket; running targets move to the new assignee's calendar.
    func assign(_ ticket: Ticket, to assignee: User?, by actor: TicketActor) async throws {
        if let assignee, !assignee.isStaff { throw DomainError(.invalidParameter, "assignee: tickets are assigned to staff only.") }
        guard ticket.ticketStatus != .closed else { throw TicketStatus.closedError }
        let (oldCalendar, _) = try await directory.workingCalendar(assignee: ticket.assigneeSID, group: ticket.groupName)
        ticket.assigneeSID = assignee?.sid
        if let assignee, let profile = try await directory.staffProfile(assignee.sid) { ticket.groupName = profile.groupName }
        ticket.updatedAt = now
        try await ticket.save(on: database)
        let (newCalendar, _) = try await directory.workingCalendar(assignee: ticket.assigneeSID, group: ticket.groupName)
        let open = try await openTargets(of: ticket.number)
        for record in open {
            var value = record.value
            try value.retarget(value.target, at: now,
                           from: SLATarget.calendar(for: value.target, assigneeCalendar: oldCalendar),
                           to: SLATarget.calendar(for: value.target, assigneeCalendar: newCalendar))
            try await save(record, value, ticket)
        }
        try await updateDue(ticket, after: .measured, open: open)
        try await event(ticket, actor, "assigned", assignee.map { "Assigned to \($0.fullName) (\(ticket.groupName))." } ?? "Unassigned.", isPublic: false)
        if let assignee, assignee.sid != actor.sid {
            try await SupportAlert(user: assignee.sid, ticket: ticket.number, message: "Ticket #\(ticket.number) was assigned to you by \(actor.name).", now: now).create(on: database)
        }
    }

    /// Replaces the ticket's tags with what staff typed (`TicketTags`); the history says what
    /// was added and removed, and nothing is written when nothing changed. `before` is the
    /// tags as that person saw them: when someone else changed them meanwhile (or at the same
    /// moment, on another node), the change is refused with 20011 rather than silently
    /// undoing theirs.
    func changeTags(_ ticket: Ticket, from before: String? = nil, to typed: String, by actor: TicketActor) async throws {
        let tags = try TicketTags.parse(typed)
        guard ticket.ticketStatus != .closed else { throw TicketStatus.closedError }
        let seen = before ?? ticket.tags
        guard let change = tags.change(from: TicketTags(stored: seen)) else { return }
        let claimed = try await database.sql.raw("""
            UPDATE tickets SET tags = \(bind: tags.stored), updated_at = \(bind: now) WHERE number = \(bind: ticket.number) AND tags = \(bind: seen) RETURNING number
            """).all()
        guard !claimed.isEmpty else {
            throw DomainError(.conflict, "tags: someone changed this ticket's tags while you were editing them; check the tags shown now and save again.")
        }
        ticket.tags = tags.stored
        ticket.updatedAt = now
        try await event(ticket, actor, "tags", change, isPublic: false)
    }

    // MARK: Jobs

    /// SUP-8: marks every running target whose due time has passed as breached and alerts
    /// the assignee and the TAM manager, in console and by mail. Idempotent: a breached
    /// target leaves the index range the next pass reads.
    @discardableResult
    func breachDue(batch: Int = 500) async throws -> Int {
        let due = try await TicketSLARecord.query(on: database)
            .filter(\.$status == SLAStatus.active.rawValue).filter(\.$dueAt <= now)
            .sort(\.$dueAt).limit(batch).all()
        // Everything a pass reads, read once for the whole batch; only the writes are per target.
        let tickets = try await Ticket.query(on: database).filter(\.$id ~~ Set(due.map(\.ticketNumber)).sorted())
            .rows(BreachTicket.self, columns: BreachTicket.columns)
        let ticketsByNumber = Dictionary(tickets.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
        let profiles = try await SupportProfile.query(on: database).filter(\.$id ~~ Set(tickets.map(\.organisationSID)).sorted()).all()
        let managers = Dictionary(profiles.compactMap { profile in profile.id.map { ($0, profile.tamManagerSID) } }, uniquingKeysWith: { first, _ in first })
        let people = Set(tickets.compactMap(\.assigneeSID)).union(managers.values.compactMap { $0 })
        let emails = Dictionary(try await User.query(on: database).filter(\.$id ~~ people.sorted()).all().map { ($0.sid, $0.email) },
                                uniquingKeysWith: { first, _ in first })
        // The writes are batched too: one UPDATE for the targets, one upsert for the report days,
        // one INSERT each for the pass's history, alerts and mail.
        var breachedRecords: [TicketSLARecord] = []
        var ended: [(ticket: BreachTicket, at: Date)] = []
        var history: [TicketEvent] = []
        var alerts: [SupportAlert] = []
        var mails: [Outbox.Mail] = []
        let log = TicketLog(database: database, now: now)
        for record in due {
            var value = record.value
            // The database chose these rows; a due time that reads back a microsecond later
            // than `now` (storage rounding) must not keep a row at the head of every pass.
            guard value.breachIfDue(at: max(now, value.dueAt ?? now)), let ticket = ticketsByNumber[record.ticketNumber] else { continue }
            record.apply(value)
            breachedRecords.append(record)
            ended.append((ticket, value.endedAt ?? now))
            let message = "SLA breached on ticket #\(ticket.number) (\(ticket.ticketPriority.title)): \(value.metric.title.lowercased()) was due \(DateDisplay.utc(value.endedAt ?? now))."
            history.append(log.entry(number: ticket.number, .system, "sla_breached", message, isPublic: false))
            var recipients: [String] = []
            if let assignee = ticket.assigneeSID { recipients.append(assignee) }
            if let manager = managers[ticket.organisationSID] ?? nil, !recipients.contains(manager) { recipients.append(manager) }
            for sid in recipients {
                alerts.append(SupportAlert(user: sid, ticket: ticket.number, message: message, now: now))
                if let email = emails[sid] {
                    mails.append(Outbox.Mail(recipient: email, subject: "[#\(ticket.number)] SLA breached", body: message, headers: []))
                }
            }
        }
        try await TicketSLARecord.saveEnded(breachedRecords, on: database)
        try await ReportLedger(database: database, now: now).targetsEnded(ended, achieved: false)
        try await log.write(history)
        try await SupportAlert.createAll(alerts, on: database)
        try await Outbox(database: database, now: now).enqueueConsented(mails, kind: "support_sla_breach")
        let breached = ended.count
        return breached
    }

    /// SUP-6: solved tickets close 4 days after they were solved.
    @discardableResult
    func closeSolved(batch: Int = 500) async throws -> Int {
        let due = try await Ticket.query(on: database).filter(\.$closeDueAt <= now).sort(\.$closeDueAt).limit(batch).all()
        for ticket in due where ticket.ticketStatus == .solved {
            try await move(ticket, to: .closed, by: .system, reason: "solved 4 days ago")
        }
        return due.count
    }

    /// SUP-7: one reminder to the requester after 5 business days pending, then solved with
    /// a public note after 10. Idempotent: each action moves or clears `pending_next_at`.
    @discardableResult
    func followUpPending(batch: Int = 500) async throws -> Int {
        let due = try await Ticket.query(on: database).filter(\.$pendingNextAt <= now).sort(\.$pendingNextAt).limit(batch).all()
        for ticket in due {
            guard ticket.ticketStatus == .pending else {
                ticket.pendingNextAt = nil
                try await ticket.save(on: database)
                continue
            }
            if ticket.pendingReminded != true {
                ticket.pendingReminded = true
                ticket.pendingNextAt = ticket.pendingSolveAt
                try await ticket.save(on: database)
                try await event(ticket, .system, "pending_reminder", "Reminder sent: no reply for 5 business days.", isPublic: true)
                try await SupportMail(database: database, now: now, settings: settings).toRequester(ticket, subject: "[#\(ticket.number)] Waiting for your reply: \(ticket.subject)",
                                                                                 body: PendingFollowUp.reminderText)
            } else {
                try await TicketComment(ticket: ticket.number, authorSID: TicketActor.system.sid, authorName: TicketActor.system.name, staff: true,
                                        isPublic: true, body: PendingFollowUp.solvedText, now: now).create(on: database)
                try await move(ticket, to: .solved, by: .system, reason: "no reply for 10 business days")
            }
        }
        return due.count
    }

    // MARK: Internals

    private func move(_ ticket: Ticket, to next: TicketStatus, by actor: TicketActor, reason: String) async throws {
        let previous = ticket.ticketStatus
        guard previous != next else { return }
        ticket.setStatus(next)
        ticket.updatedAt = now
        ticket.pendingNextAt = nil
        ticket.pendingSolveAt = nil
        ticket.pendingReminded = nil
        if next == .pending {
            let (calendar, _) = try await directory.workingCalendar(assignee: ticket.assigneeSID, group: ticket.groupName)
            ticket.pendingNextAt = try PendingFollowUp.reminderAt(pendingSince: now, on: calendar)
            ticket.pendingSolveAt = try PendingFollowUp.solveAt(pendingSince: now, on: calendar)
            ticket.pendingReminded = false
        }
        switch next {
        case .solved:
            ticket.solvedAt = now
            ticket.closeDueAt = TicketStatus.closesAt(solvedAt: now)
        case .closed:
            ticket.closeDueAt = nil
        default:
            ticket.solvedAt = nil
            ticket.closeDueAt = nil
        }
        try await ticket.save(on: database)
        try await event(ticket, actor, "status", "Status \(previous.rawValue) → \(next.rawValue): \(reason)", isPublic: true)
        if !next.isUnsolved {
            try await Escalations(database: database, now: now, settings: settings).resolveWithTicket(ticket)
        }

        let (calendar, _) = try await directory.workingCalendar(assignee: ticket.assigneeSID, group: ticket.groupName)
        let open = try await openTargets(of: ticket.number)
        for record in open {
            var value = record.value
            let clock = SLATarget.calendar(for: value.target, assigneeCalendar: calendar)
            if !next.isUnsolved {
                value.respond(at: now)
            } else if next.pausesSLA {
                value.pause(at: now, on: clock)
            } else {
                try value.resume(at: now, on: clock)
            }
            try await save(record, value, ticket)
        }
        // Solved, closed, pending or on hold: the ticket waits on nobody at the desk.
        try await updateDue(ticket, after: !next.isUnsolved || next.pausesSLA ? .answered : .measured, open: open)
        if next != .open || previous == .pending || previous == .solved {
            try await SupportMail(database: database, now: now, settings: settings).toRequester(ticket, subject: "[#\(ticket.number)] Status: \(next.title)",
                                                                             body: "Your ticket #\(ticket.number) \"\(ticket.subject)\" is now \(next.title.lowercased()) (\(reason)).")
        }
    }

    /// After a customer reply, a next-response target starts unless one is already running.
    private func startNextResponseIfOwed(_ ticket: Ticket) async throws {
        guard ticket.hasSLA, ticket.ticketStatus.isUnsolved else { return }
        let existing = try await targets(of: ticket.number)
        guard !existing.contains(where: { $0.value.status.isOpen }),
              let target = try SupportPlan.named(ticket.plan).target(for: ticket.ticketPriority)
        else { return }
        let value = try await measure(existing.isEmpty ? .firstResponse : .nextResponse, target: target, on: ticket)
        try await storeTarget(value, on: ticket)
        try await updateDue(ticket, after: .measured, values: [value])
    }

    /// A target starting now on the ticket's working calendar (SUP-8), not yet stored.
    /// `assigneeCalendar` is the assignee's when the caller has it already (routing read it).
    private func measure(_ metric: SLAMetric, target: ResponseTarget, on ticket: Ticket, assigneeCalendar: BusinessCalendar? = nil) async throws -> SLATarget {
        let calendar = if let assigneeCalendar { assigneeCalendar } else { try await directory.workingCalendar(assignee: ticket.assigneeSID, group: ticket.groupName).0 }
        return try SLATarget.start(metric, target: target, at: now, on: SLATarget.calendar(for: target, assigneeCalendar: calendar),
                                   paused: ticket.ticketStatus.pausesSLA)
    }

    private func storeTarget(_ value: SLATarget, on ticket: Ticket) async throws {
        try await TicketSLARecord(ticket: ticket.number, value: value, now: now).insert(on: database)
        if let started = startedEvent(value, on: ticket) { try await TicketLog(database: database, now: now).write([started]) }
    }

    private func startedEvent(_ value: SLATarget, on ticket: Ticket) -> TicketEvent? {
        value.dueAt.map { due in
            TicketLog(database: database, now: now).entry(ticket, .system, "sla_started", "\(value.metric.title) due \(DateDisplay.utc(due)).", isPublic: false)
        }
    }

    private func openTargets(of number: Int) async throws -> [TicketSLARecord] {
        try await targets(of: number).filter { $0.value.status.isOpen }
    }

    /// Keeps the ticket's queue due time (`TicketDue`) in step with its open targets, written
    /// only when it moved.
    private func updateDue(_ ticket: Ticket, after change: TicketDue.Change, open records: [TicketSLARecord]) async throws {
        try await updateDue(ticket, after: change, values: records.map(\.value))
    }

    private func updateDue(_ ticket: Ticket, after change: TicketDue.Change, values: [SLATarget]) async throws {
        let due = TicketDue.next(after: change, open: values, previous: ticket.nextDueAt, now: now)
        guard due != ticket.nextDueAt else { return }
        ticket.nextDueAt = due
        try await ticket.save(on: database)
    }

    private func save(_ record: TicketSLARecord, _ value: SLATarget, _ ticket: Ticket) async throws {
        let before = record.value
        record.apply(value)
        try await record.save(on: database)
        if before.status != value.status, !value.status.isOpen {
            try await event(ticket, .system, "sla_\(value.status.rawValue)", "\(value.metric.title) \(value.status.rawValue).", isPublic: false)
            try await ReportLedger(database: database, now: now).targetEnded(ticket, achieved: value.status == .achieved, at: value.endedAt ?? now)
        }
    }

    /// SUP-16: the first public staff reply is measured once, by whoever claims it first.
    private func recordFirstResponse(_ ticket: Ticket) async throws {
        let claimed = try await database.sql.raw("""
            UPDATE tickets SET first_response_at = \(bind: now) WHERE number = \(bind: ticket.number) AND first_response_at IS NULL RETURNING number
            """).all()
        guard !claimed.isEmpty else { return }
        ticket.firstResponseAt = now
        let (calendar, _) = try await directory.workingCalendar(assignee: ticket.assigneeSID, group: ticket.groupName)
        try await ReportLedger(database: database, now: now).firstResponse(ticket, at: now, businessMinutes: calendar.businessMinutes(from: ticket.createdAt, to: now))
    }

    private func event(_ ticket: Ticket, _ actor: TicketActor, _ action: String, _ detail: String, isPublic: Bool) async throws {
        try await TicketLog(database: database, now: now).event(ticket, actor, action, detail, isPublic: isPublic)
    }

    static func text(_ value: String, field: String) throws(DomainError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw DomainError(.invalidParameter, "\(field): this can't be empty.") }
        // Tabs and line breaks are text; other control characters (NUL above all, which
        // PostgreSQL refuses to store) are not.
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !["\n", "\r", "\t"].contains($0) }) else {
            throw DomainError(.invalidParameter, "\(field): control characters are not allowed.")
        }
        guard trimmed.count <= maximumBody else {
            throw DomainError(.invalidParameter, "\(field): use at most \(maximumBody) characters; attach long logs as files.")
        }
        return trimmed
    }

    static func reason(_ value: String, field: String = "reason") throws(DomainError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw DomainError(.invalidParameter, "\(field): say why; it is recorded in the ticket's history.") }
        return String(trimmed.prefix(500))
    }

    static func check(_ uploads: [AttachmentUpload]) throws(DomainError) -> [(AttachmentUpload, Data)] {
        guard uploads.count <= TicketAttachment.maximumPerComment else {
            throw DomainError(.invalidParameter, "attachments: at most \(TicketAttachment.maximumPerComment) per comment.")
        }
        var result: [(AttachmentUpload, Data)] = []
        for upload in uploads {
            let name = try AttachmentName.check(upload.filename)
            guard let data = Data(base64Encoded: upload.contentBase64) else {
                throw DomainError(.invalidParameter, "attachments.content_base64: \(name) is not valid base64.")
            }
            guard data.count <= TicketAttachment.maximumSize else {
                throw DomainError(.attachmentTooLarge, "attachments: \(name) is \(data.count / 1024) KB; the limit is \(TicketAttachment.maximumSize / 1024) KB per file.")
            }
            let typeAllowed = upload.contentType.utf8.count <= 100 && upload.contentType.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }
            let contentType = typeAllowed && upload.contentType.contains("/") ? upload.contentType : "application/octet-stream"
            result.append((AttachmentUpload(filename: name, contentType: contentType, contentBase64: upload.contentBase64), data))
        }
        return result
    }
}
