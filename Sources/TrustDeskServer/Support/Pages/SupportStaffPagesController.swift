import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The staff side of the support desk: the ticket page with SLA due times and their
/// explanations, assignment, status and priority changes with reasons, internal notes,
/// availability, and calendars (SUP-3..SUP-8). Every ticket view is recorded (SEC-3).
struct SupportStaffPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let support = routes.grouped("staff", "support")
        support.post("availability", use: availability)
        support.get("calendars", use: calendars)
        support.post("calendars", ":id", use: updateCalendar)
        let ticket = support.grouped("tickets", ":number")
        ticket.get(use: show)
        ticket.on(.POST, "comment", body: .collect(maxSize: ByteCount(value: TicketAttachments.maximumBody)), use: comment)
        ticket.get("attachments", ":id", use: attachment)
        ticket.post("assign", use: assign)
        ticket.post("status", use: status)
        ticket.post("priority", use: priority)
        ticket.on(.POST, "tags", body: .collect(maxSize: ByteCount(value: TicketAttachments.maximumBody)), use: tags)
    }

    private func staff(_ request: Request) throws -> User {
        guard let user = request.signedIn?.user, user.isStaff else { throw DomainError.notFound("page") }
        return user
    }

    // MARK: Availability

    func availability(request: Request) async throws -> Response {
        let staff = try staff(request)
        let available = request.pageForm()["available"] == "true"
        try await SupportDirectory(database: request.db, now: request.now).setAvailability(of: staff, available: available)
        return request.redirect("/staff/support")
    }

    // MARK: Ticket

    /// The staff ticket workspace (issue 11): the conversation first, the properties panel
    /// beside it with one labelled control per change, then the panels other features add.
    struct StaffTicketBody: Encodable {
        let number: Int
        let subject: String
        let description: String
        let created: TimeView
        /// The server's clock when the page was made: the countdown script counts from it.
        let now: String
        let status: String
        let statusTitle: String
        let priority: String
        let priorityValue: Int
        let product: String
        let organisationSid: String
        let accountSid: String
        let requesterName: String
        let requesterEmail: String
        let assignee: String?
        let group: String
        let plan: String
        let tags: [String]
        /// The tags field: the saved tags, or what was typed when the form came back.
        let tagsTyped: String
        /// The saved tags, sent back with a change so that a concurrent edit is noticed.
        let tagsStored: String
        let maximumTags = TicketTags.maximumCount
        let maximumTagLength = TicketTags.maximumLength
        let sids: [String]
        let details: [String]
        let warnings: [String]
        let followUpOf: Int?
        let targets: [WorkspaceTargetView]
        let comments: [WorkspaceCommentView]
        let history: [EventView]
        let statuses: [OptionView]
        let priorities: [OptionView]
        /// The account's standing beside the ticket (SUP-15, STD-3).
        let standing: StandingTicketPanel?
        /// The standing panel opens by itself when it asks for a decision.
        let standingOpen: Bool
        /// The Progressive Trust request the ticket carries, with its decision forms (PT-10).
        let trustRequest: TrustRequestPanel?
        /// SUP-9: the newest escalation with the acknowledge and resolve forms.
        let escalation: EscalationStaffView?
        /// SUP-13: the voice ticket's route changes with the apply and decline forms.
        let routeChanges: RouteChangeStaffView?
    }

    /// What the ticket page's forms show: as typed when one of them was sent back with
    /// problems (`scope` names which), else their defaults.
    struct TicketForms {
        var form: PageForm?
        var errors: FormErrors?
        var scope: String?

        static let fresh = TicketForms()

        func shown(_ scope: String, _ field: String, else stored: String) -> String {
            guard scope == self.scope, let form else { return stored }
            return form.shown(field, else: stored)
        }
    }

    /// Keyboard users reach the reply box with the page's first Tab.
    static let skipToReply = SkipLink(target: "comment_body", title: "Skip to the reply box")

    private func number(_ request: Request) throws -> Int {
        guard let text = request.parameters.get("number"), let number = Int(text), number > 0 else { throw DomainError.notFound("ticket") }
        return number
    }

    func body(_ request: Request, _ ticket: Ticket, forms: TicketForms = .fresh) async throws -> StaffTicketBody {
        let tickets = request.tickets()
        let directory = request.supportDirectory
        let (calendar, owner) = try await directory.workingCalendar(assignee: ticket.assigneeSID, group: ticket.groupName)
        let assignee = try await ticket.assigneeSID.asyncMap { try await User.find($0, on: request.db) }
        let status = ticket.ticketStatus
        let standing = try await StandingTicketPanel.build(request, ticket: ticket, justification: forms.shown("review", "justification", else: ""))
        return StaffTicketBody(
            number: ticket.number, subject: ticket.subject, description: ticket.description, created: TimeView(ticket.createdAt),
            now: request.now.formatted(.iso8601),
            status: ticket.status, statusTitle: StaffStatusTitle.of(status),
            priority: ticket.ticketPriority.title, priorityValue: ticket.priority, product: ticket.supportProduct.title,
            organisationSid: ticket.organisationSID, accountSid: ticket.accountSID, requesterName: ticket.requesterName, requesterEmail: ticket.requesterEmail,
            assignee: assignee.flatMap { $0.map { "\($0.fullName) (\($0.username))" } }, group: ticket.groupName, plan: ticket.plan,
            tags: TicketTags(stored: ticket.tags).values, tagsTyped: forms.shown("comment", "tags", else: ticket.tags), tagsStored: ticket.tags,
            sids: ticket.sidList, details: try ticket.details.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }, warnings: ticket.warningList,
            followUpOf: ticket.followUpOf,
            targets: try await tickets.targets(of: ticket.number).map { WorkspaceTargetView($0, calendar: calendar, owner: owner, now: request.now) },
            comments: try await WorkspaceCommentView.conversation(try await tickets.comments(of: ticket.number, includeInternal: true),
                                                                     on: request.db, ticketPath: "/staff/support/tickets/\(ticket.number)"),
            history: try await tickets.history(of: ticket.number, includeInternal: true).map(EventView.init),
            statuses: status.staffMoves.sorted { $0.rawValue < $1.rawValue }.map {
                OptionView(value: $0.rawValue, title: StaffStatusTitle.of($0), selected: forms.shown("status", "status", else: "") == $0.rawValue)
            },
            priorities: TicketPriority.allCases.map {
                OptionView(value: String($0.rawValue), title: $0.title,
                           selected: forms.shown("priority", "priority", else: String(ticket.priority)) == String($0.rawValue))
            },
            standing: standing, standingOpen: standing?.review != nil || forms.scope == "review",
            trustRequest: try await TrustRequestPanel.build(request, ticket: ticket, forms: forms),
            escalation: try await EscalationStaffView.build(request, ticket: ticket),
            routeChanges: try await RouteChangeStaffView.build(request, ticket: ticket)
        )
    }

    func show(request: Request) async throws -> Response {
        let staff = try staff(request)
        let ticket = try await request.tickets().find(try number(request))
        try await StaffDirectory(database: request.db, now: request.now).record(staff, action: "view_ticket", account: ticket.accountSID, detail: "#\(ticket.number)")
        // A form on this page that another feature refused comes back as typed (`FormFlash`).
        let forms = try await request.takeFormFlash().map { TicketForms(form: $0.form, errors: $0.errors, scope: $0.scope) } ?? .fresh
        return try await request.page("support/staff-ticket", title: "Ticket #\(ticket.number)", try await body(request, ticket, forms: forms),
                                      form: forms.form, errors: forms.errors, scope: forms.scope, skip: Self.skipToReply)
    }

    /// The ticket page; after a refused change, with that form's values and errors.
    func render(_ request: Request, _ number: Int, notice: String? = nil, forms: TicketForms = .fresh) async throws -> Response {
        let ticket = try await request.tickets().find(number)
        return try await request.page("support/staff-ticket", title: "Ticket #\(number)", try await body(request, ticket, forms: forms),
                                      notice: notice, form: forms.form, errors: forms.errors, scope: forms.scope, skip: Self.skipToReply)
    }

    /// Runs a change in a transaction, then shows the ticket again, with its problems beside
    /// the fields of the form (`scope`) that was sent. `keep` names fields shown again after a
    /// change that went through: the reply draft, when the tags were saved from its form.
    private func change(_ request: Request, form sent: PageForm? = nil, notice: String, scope: String, keep: [String] = [],
                        _ work: @escaping @Sendable (Tickets, Ticket, TicketActor, PageForm) async throws -> Void) async throws -> Response {
        let staff = try staff(request)
        let number = try number(request)
        let actor = TicketActor(user: staff)
        let now = request.now
        let form = sent ?? request.pageForm()
        var errors = FormErrors()
        try await errors.attempt {
            try await request.db.transaction { db in
                let tickets = request.tickets(on: db)
                let ticket = try await tickets.find(number)
                try await work(tickets, ticket, actor, form)
                try await StaffAuditEvent(staff: staff.sid, action: "change_ticket", account: ticket.accountSID, detail: "#\(number): \(notice)", at: now).create(on: db)
            }
        }
        guard errors.isEmpty else {
            return try await render(request, number, forms: TicketForms(form: form, errors: errors, scope: scope))
        }
        guard !keep.isEmpty else { return try await render(request, number, notice: notice) }
        let kept = PageForm(fields: form.fields.filter { keep.contains($0.key) }, files: form.files.filter { keep.contains($0.field) })
        return try await render(request, number, notice: notice, forms: TicketForms(form: kept, scope: scope))
    }

    /// The reply form's two buttons: a public reply or an internal note, chosen each time.
    /// A post without that choice is refused rather than guessed.
    func comment(request: Request) async throws -> Response {
        let form = request.pageForm()
        let isPublic = form["public"] == "true"
        return try await change(request, form: form, notice: isPublic ? "Reply sent." : "Internal note added.", scope: "comment") { tickets, ticket, actor, form in
            var checks = FieldChecks()
            checks.run { () throws(DomainError) in _ = try Tickets.text(form.text("body"), field: "body") }
            checks.run { () throws(DomainError) in _ = try Tickets.check(form.attachmentUploads) }
            checks.run { () throws(DomainError) in
                guard ["true", "false"].contains(form.text("public")) else {
                    throw DomainError(.invalidParameter, "public: choose Public reply (the customer sees it) or Internal note (staff only).")
                }
            }
            try checks.finish()
            try await tickets.reply(to: ticket, by: actor, body: form.text("body"), isPublic: isPublic, attachments: form.attachmentUploads)
        }
    }

    /// Tags are saved from the reply form (the field sits in the properties panel), so a
    /// refused tag keeps the reply being written, and a saved one keeps it too.
    func tags(request: Request) async throws -> Response {
        try await change(request, notice: "Tags saved.", scope: "comment", keep: ["body", "attachments"]) { tickets, ticket, actor, form in
            try await tickets.changeTags(ticket, from: form["tags_before"], to: form.text("tags"), by: actor)
        }
    }

    /// One file of the ticket, as a download; recorded like every ticket view (SEC-3).
    func attachment(request: Request) async throws -> Response {
        let staff = try staff(request)
        let ticket = try await request.tickets().find(try number(request))
        let file = try await TicketAttachments(database: request.db).find(request.parameters.get("id"), on: ticket.number, includeInternal: true)
        try await StaffDirectory(database: request.db, now: request.now)
            .record(staff, action: "download_attachment", account: ticket.accountSID, detail: "#\(ticket.number): \(file.filename)")
        return try TicketAttachments.download(file)
    }

    func assign(request: Request) async throws -> Response {
        let staff = try staff(request)
        return try await change(request, notice: "Assignment changed.", scope: "assign") { tickets, ticket, actor, form in
            let username = form.text("assignee").trimmingCharacters(in: .whitespaces).lowercased()
            var assignee: User?
            if username == "me" {
                assignee = staff
            } else if !username.isEmpty {
                guard let found = try await User.query(on: tickets.database).filter(\.$username == username).first(), found.isStaff else {
                    throw DomainError(.invalidParameter, "assignee: no staff member has the username \"\(username.prefix(64))\".")
                }
                assignee = found
            }
            try await tickets.assign(ticket, to: assignee, by: actor)
        }
    }

    func status(request: Request) async throws -> Response {
        try await change(request, notice: "Status changed.", scope: "status") { tickets, ticket, actor, form in
            var checks = FieldChecks()
            let target = checks.run { () throws(DomainError) in try TicketStatus.parse(form.text("status")) }
            checks.run { () throws(DomainError) in _ = try Tickets.reason(form.text("reason")) }
            try await tickets.changeStatus(ticket, to: try checks.finish(with: target), by: actor, reason: form.text("reason"))
        }
    }

    func priority(request: Request) async throws -> Response {
        try await change(request, notice: "Priority changed.", scope: "priority") { tickets, ticket, actor, form in
            try await tickets.changePriority(ticket, to: form.text("priority"), by: actor, reason: form.text("reason"))
        }
    }

    // MARK: Calendars (SUP-4)

    struct CalendarView: Encodable {
        let id: String
        let name: String
        /// As saved, or as typed when this calendar's change was refused.
        let timeZone: String
        let weeklyHours: String
        let holidays: String
        let group: String?
        /// Field -> problem, for this calendar's form only.
        let errors: [String: String]
    }

    struct CalendarsBody: Encodable {
        let calendars: [CalendarView]
        let canEdit: Bool
    }

    /// The calendars; after a refused change, calendar `edited` shows what was typed and its
    /// problems beside its fields.
    private func calendarsPage(_ request: Request, notice: String? = nil, edited: UUID? = nil, form: PageForm? = nil, errors: FormErrors? = nil) async throws -> Response {
        let staff = try staff(request)
        let records = try await SupportCalendarRecord.query(on: request.db).sort(\.$name).limit(500).all()
        let scope = edited.map { "calendar_\($0.uuidString.lowercased())" }
        return try await request.page("support/staff-calendars", title: "Support calendars", CalendarsBody(
            calendars: records.map { record in
                let isEdited = record.id != nil && record.id == edited
                let typed = isEdited ? form : nil
                return CalendarView(id: record.id?.uuidString.lowercased() ?? "", name: record.name,
                                    timeZone: typed?.shown("time_zone", else: record.timeZone) ?? record.timeZone,
                                    weeklyHours: typed?.shown("weekly_hours", else: record.weeklyHours) ?? record.weeklyHours,
                                    holidays: typed?.shown("holidays", else: record.holidays) ?? record.holidays,
                                    group: record.groupName, errors: isEdited ? errors?.byField ?? [:] : [:])
            },
            canEdit: staff.staffRole.map(StaffPage.supportSetup.mayOpen) == true), notice: notice, errors: errors, scope: scope)
    }

    func calendars(request: Request) async throws -> Response {
        try await calendarsPage(request)
    }

    /// SUP-4: every field is checked, each problem shown beside its field; hours that can't
    /// meet the plans' targets within a week are refused by the directory.
    func updateCalendar(request: Request) async throws -> Response {
        let staff = try staff(request)
        guard let text = request.parameters.get("id"), let id = UUID(uuidString: text) else { throw DomainError.notFound("calendar") }
        let form = request.pageForm()
        var errors = FormErrors()
        let saved = try await errors.attempt(renaming: ["hours": "weekly_hours"]) {
            try await request.supportDirectory
                .updateCalendar(id, timeZone: form.text("time_zone"), weekly: form.text("weekly_hours"), holidays: form.text("holidays"), by: staff)
        }
        guard let saved else { return try await calendarsPage(request, edited: id, form: form, errors: errors) }
        return try await calendarsPage(request, notice: "Calendar \(saved.name) saved.")
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
