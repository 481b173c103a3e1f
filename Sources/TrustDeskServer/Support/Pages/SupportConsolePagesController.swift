import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The customer side of the support desk: the organisation's tickets, opening one with the
/// product's intake form, replying, solving, and the account-information page (SUP-2,
/// SUP-6, SUP-12, SUP-14). A ticket of another organisation is "not found" (SEC-3).
struct SupportConsolePagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let support = routes.grouped("console", "support")
        support.get(use: list)
        support.get("new", use: newForm)
        support.on(.POST, "tickets", body: .collect(maxSize: ByteCount(value: TicketAttachments.maximumBody)), use: create)
        support.get("tickets", ":number", use: show)
        support.on(.POST, "tickets", ":number", "reply", body: .collect(maxSize: ByteCount(value: TicketAttachments.maximumBody)), use: reply)
        support.get("tickets", ":number", "attachments", ":id", use: attachment)
        support.post("tickets", ":number", "solve", use: solve)
        support.get("account", use: accountInformation)
    }

    struct Viewer {
        let user: User
        /// Every account the viewer is on, whatever its standing.
        let accounts: [ConsoleAccount]
        let organisations: [Account]
    }

    /// Signed-in customers only (SUP-2): the guard sends anyone else to sign in. Their
    /// organisations are the accounts whose tickets they may open and answer: their role must
    /// allow it, and the account's standing (`ConsolePolicy`: not a banned one).
    func viewer(_ request: Request) async throws -> Viewer {
        guard let user = request.signedIn?.user else { throw Abort.redirect(to: "/signin") }
        let accounts = try await request.consoleAccounts()
        return Viewer(user: user, accounts: accounts, organisations: accounts.filter { $0.may(.supportTickets) }.map(\.account))
    }

    private func ticketNumber(_ request: Request) throws -> Int {
        guard let text = request.parameters.get("number"), let number = Int(text), number > 0 else { throw DomainError.notFound("ticket") }
        return number
    }

    func visibleTicket(_ request: Request, _ viewer: Viewer, on database: (any Database)? = nil) async throws -> Ticket {
        let number = try ticketNumber(request)
        guard let ticket = try await Ticket.find(number, on: database ?? request.db),
              viewer.organisations.contains(where: { $0.sid == ticket.organisationSID })
        else { throw DomainError.notFound("ticket") }
        return ticket
    }

    // MARK: List

    struct ListBody: Encodable {
        let tickets: [TicketRowView]
        let nextBefore: Int?
        /// The query string of the list shown, without the page: "Older tickets" adds `before`.
        let query: String
        let filtered: Bool
        let hasOrganisation: Bool
        /// On more than one account: each row says whose ticket it is.
        let showsAccount: Bool
        let statuses: [OptionView]
        let priorities: [OptionView]
        let products: [OptionView]
    }

    /// The organisation's tickets, newest first, with the columns a requester scans for (who
    /// asked, status, priority, product, last update) and a GET form that filters by status,
    /// priority and product and searches by number, SID, email or subject words (issue 11). A
    /// value that is not a choice is 20001 beside its control; the other filters still apply.
    func list(request: Request) async throws -> Response {
        let viewer = try await viewer(request)
        let form = PageForm(fields: (try? request.query.decode([String: String].self)) ?? [:])
        var errors = FormErrors()
        var filter = Tickets.ListFilter()
        filter.status = errors.check("status") { () throws(DomainError) in try TicketQueueQuery.status(form.text("status")) } ?? nil
        filter.priority = errors.check("priority") { () throws(DomainError) in try TicketQueueQuery.priority(form.text("priority")) } ?? nil
        filter.product = errors.check("product") { () throws(DomainError) in try TicketQueueQuery.product(form.text("product")) } ?? nil
        filter.search = errors.check("q") { () throws(DomainError) in try TicketSearch.parse(form.text("q")) } ?? nil
        let before = errors.check("before") { () throws(DomainError) in try Self.page(form.text("before")) } ?? nil
        let tickets = request.tickets()
        var rows: [Ticket] = []
        for organisation in viewer.organisations {
            rows += try await tickets.list(organisationSID: organisation.sid, filter: filter, before: before, limit: 51)
        }
        rows.sort { $0.number > $1.number }
        let page = Array(rows.prefix(50))
        let names = Dictionary(viewer.organisations.map { ($0.sid, $0.friendlyName) }, uniquingKeysWith: { first, _ in first })
        let shown = form.fields.filter { !$0.value.isEmpty && $0.key != "before" && errors.byField[$0.key] == nil }
        let filtered = filter.status != nil || filter.priority != nil || filter.product != nil || filter.search != nil
        return try await request.page("support/customer-list", title: "Support tickets", ListBody(
            tickets: page.map { TicketRowView($0, account: names[$0.organisationSID]) }, nextBefore: rows.count > 50 ? page.last?.number : nil,
            query: QueryString.encode(shown), filtered: filtered,
            hasOrganisation: !viewer.organisations.isEmpty, showsAccount: viewer.organisations.count > 1,
            statuses: OptionView.list(TicketStatus.allCases.map { ($0.rawValue, $0.title) }, chosen: form.text("status")),
            priorities: OptionView.list(TicketPriority.allCases.map { (String($0.rawValue), $0.title) }, chosen: form.text("priority")),
            products: OptionView.list(SupportProduct.allCases.map { ($0.rawValue, $0.title) }, chosen: form.text("product"))),
            form: form, errors: errors)
    }

    /// The "Older tickets" keyset: the last number of the page before.
    private static func page(_ text: String) throws(DomainError) -> Int? {
        guard !text.isEmpty else { return nil }
        guard text.count <= 12, let number = Int(text), number > 1 else {
            throw DomainError(.invalidParameter, "before: \"\(text.prefix(20))\" is not a page of this list; start again from the first page.")
        }
        return number
    }

    // MARK: New ticket

    struct NewBody: Encodable {
        let product: String
        let productTitle: String
        let guidance: String
        let products: [OptionView]
        let accounts: [OptionView]
        let priorities: [OptionView]
        let topics: [OptionView]
        let directions: [OptionView]
        let emailAreas: [OptionView]
        let isVoice: Bool
        let isMessaging: Bool
        let isVideo: Bool
        let isEmail: Bool
        let asksAge: Bool
    }

    /// The form for `product`; each select shows what `form` chose, or its default.
    private func newBody(_ viewer: Viewer, product: SupportProduct, form: PageForm = .empty) -> NewBody {
        func options(_ choices: [(String, String)], field: String, default fallback: String = "") -> [OptionView] {
            let chosen = form.shown(field, else: fallback)
            return choices.map { OptionView(value: $0.0, title: $0.1, selected: $0.0 == chosen) }
        }
        return NewBody(
            product: product.rawValue, productTitle: product.title, guidance: product.guidance,
            products: SupportProduct.allCases.map { OptionView(value: $0.rawValue, title: $0.title, selected: $0 == product) },
            accounts: options(viewer.organisations.map { ($0.sid, "\($0.friendlyName) (\($0.sid))") }, field: "account_sid"),
            priorities: options(TicketPriority.allCases.map { (String($0.rawValue), $0.title) }, field: "priority", default: String(TicketPriority.generalIssue.rawValue)),
            topics: options([("", "No: a technical question")] + ConsumerTrustTopic.allCases.map { ($0.rawValue, $0.title) }, field: "topic"),
            directions: options([("", "Choose"), ("inbound", "Inbound"), ("outbound", "Outbound")], field: "direction"),
            emailAreas: options([("", "Choose")] + Intake.emailAreas.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, field: "email_area"),
            isVoice: product == .voice, isMessaging: product == .messaging, isVideo: product == .video, isEmail: product == .email,
            asksAge: product.ageWindowHours != nil
        )
    }

    func newForm(request: Request) async throws -> Response {
        let viewer = try await viewer(request)
        let product = (try? SupportProduct.parse(request.query["product"] ?? "voice")) ?? .voice
        return try await request.page("support/customer-new", title: "Open a support ticket", newBody(viewer, product: product))
    }

    func create(request: Request) async throws -> Response {
        let viewer = try await viewer(request)
        let form = request.pageForm()
        var errors = FormErrors()
        let product = errors.check { () throws(DomainError) in try SupportProduct.parse(form.text("product")) }
        let account = errors.check("account_sid") { () throws(DomainError) in
            // An account the viewer is on but may not open tickets about says why (STD-2).
            if let other = viewer.accounts.first(where: { $0.account.sid == form["account_sid"] }), let refusal = other.refusal(.supportTickets) {
                throw refusal
            }
            guard let account = viewer.organisations.first(where: { $0.sid == form["account_sid"] }) ?? (viewer.organisations.count == 1 ? viewer.organisations.first : nil) else {
                throw DomainError(.invalidParameter, "account_sid: choose the account the ticket is about.")
            }
            return account
        }
        var oldest: Date?
        if let hoursText = form.trimmed("oldest_example_hours_ago") {
            oldest = errors.check { () throws(DomainError) in
                guard let hours = Double(hoursText), hours >= 0, hours < 24 * 365 else {
                    throw DomainError(.invalidParameter, "oldest_example_hours_ago: give a number of hours, like 3 or 30.")
                }
                return request.now.addingTimeInterval(-hours * 3600)
            }
        }
        let uploads = form.attachmentUploads
        errors.check { () throws(DomainError) in _ = try Tickets.check(uploads) }
        let intake = IntakeForm(product: product ?? .other, sidsText: form.text("sids"), oldestExampleAt: oldest, countries: form.text("countries"),
                                direction: form.text("direction"), sdk: form.text("sdk"), sdkVersion: form.text("sdk_version"),
                                username: form.text("username"), emailArea: form.text("email_area"))
        let newTicket = NewTicket(subject: form.text("subject"), description: form.text("description"), priority: form.text("priority"),
                                  topic: form.text("topic"), intake: intake)
        errors.check(renaming: ["oldest_example_at": "oldest_example_hours_ago"]) { () throws(DomainError) in _ = try Tickets.check(newTicket, now: request.now) }
        let actor = TicketActor(user: viewer.user)
        var opened: Tickets.Opened?
        if errors.isEmpty, let account {
            opened = try await errors.attempt {
                try await request.db.transaction { db in
                    let tickets = request.tickets(on: db)
                    let opened = try await tickets.open(newTicket, about: account, by: actor)
                    // Files ride on a first comment (attachments belong to comments); a bad file
                    // undoes the whole ticket rather than opening it without what was sent.
                    if !uploads.isEmpty {
                        try await tickets.reply(to: opened.ticket, by: actor, body: "Files sent with this ticket.", isPublic: true, attachments: uploads)
                    }
                    return opened
                }
            }
        }
        guard let opened else {
            return try await request.page("support/customer-new", title: "Open a support ticket",
                                          newBody(viewer, product: product ?? .other, form: form), form: form, errors: errors)
        }
        return request.redirect("/console/support/tickets/\(opened.ticket.number)")
    }

    // MARK: Ticket

    struct TicketBody: Encodable {
        let number: Int
        let subject: String
        let description: String
        let status: String
        let statusTitle: String
        let priority: String
        let product: String
        let accountSid: String
        let sids: [String]
        let details: [OptionView]
        let warnings: [String]
        let expectation: String?
        let followUpOf: Int?
        let targets: [TargetView]
        let comments: [CommentView]
        let history: [EventView]
        let isClosed: Bool
        let canSolve: Bool
        /// SUP-9: the escalate button and the escalation's progress.
        let escalation: EscalationCustomerView?
        /// SUP-13: the voice ticket's route changes and the request form.
        let routeChanges: RouteChangeCustomerView?
    }

    /// The ticket page; `form` is a channel form (escalation, route change) posted with an error.
    func ticketBody(_ request: Request, _ ticket: Ticket, form: PageForm? = nil) async throws -> TicketBody {
        let tickets = request.tickets()
        let directory = SupportDirectory(database: request.db, now: request.now)
        let (calendar, owner) = try await directory.workingCalendar(assignee: ticket.assigneeSID, group: ticket.groupName)
        let status = ticket.ticketStatus
        return TicketBody(
            number: ticket.number, subject: ticket.subject, description: ticket.description, status: ticket.status, statusTitle: status.title,
            priority: ticket.ticketPriority.title, product: ticket.supportProduct.title, accountSid: ticket.accountSID, sids: ticket.sidList,
            details: try ticket.details.sorted { $0.key < $1.key }.map { OptionView(value: $0.value, title: $0.key, selected: false) },
            warnings: ticket.warningList,
            expectation: ticket.topic != nil ? ConsumerTrustTopic.expectation : nil,
            followUpOf: ticket.followUpOf,
            targets: try await tickets.targets(of: ticket.number).map { TargetView($0, calendar: calendar, owner: owner) },
            comments: try await CommentView.conversation(try await tickets.comments(of: ticket.number, includeInternal: false),
                                                            on: request.db, ticketPath: "/console/support/tickets/\(ticket.number)"),
            history: try await tickets.history(of: ticket.number, includeInternal: false).map(EventView.init),
            isClosed: status == .closed, canSolve: status.isUnsolved,
            escalation: try await EscalationCustomerView.build(request, ticket: ticket, form: form),
            routeChanges: try await RouteChangeCustomerView.build(request, ticket: ticket, form: form)
        )
    }

    func show(request: Request) async throws -> Response {
        let viewer = try await viewer(request)
        let ticket = try await visibleTicket(request, viewer)
        return try await request.page("support/customer-ticket", title: "Ticket #\(ticket.number)", try await ticketBody(request, ticket))
    }

    /// A reply; on a closed ticket it opens a follow-up that links to it (SUP-6).
    func reply(request: Request) async throws -> Response {
        let viewer = try await viewer(request)
        let form = request.pageForm()
        let uploads = form.attachmentUploads
        let actor = TicketActor(user: viewer.user)
        let ticket = try await visibleTicket(request, viewer)
        var errors = FormErrors()
        let body = errors.check { () throws(DomainError) in try Tickets.text(form.text("body"), field: "body") }
        errors.check { () throws(DomainError) in _ = try Tickets.check(uploads) }
        var destination: Int?
        if body != nil, errors.isEmpty {
            destination = try await errors.attempt {
                try await request.db.transaction { db in
                    let tickets = request.tickets(on: db)
                    guard let fresh = try await Ticket.find(ticket.number, on: db) else { throw DomainError.notFound("ticket") }
                    if fresh.ticketStatus == .closed {
                        guard let account = try await Account.find(fresh.accountSID, on: db) else { throw DomainError.notFound("account") }
                        let followUp = NewTicket(subject: "Follow-up: \(fresh.subject)".prefix(Tickets.maximumSubject).description,
                                                 description: form.text("body"), priority: String(fresh.priority),
                                                 intake: IntakeForm(product: fresh.supportProduct, sidsText: fresh.sids), followUpOf: fresh.number)
                        let opened = try await tickets.open(followUp, about: account, by: actor).ticket
                        // Files sent with the reply travel with it to the follow-up.
                        if !uploads.isEmpty {
                            try await tickets.reply(to: opened, by: actor, body: "Files sent with this follow-up.", isPublic: true, attachments: uploads)
                        }
                        return opened.number
                    }
                    try await tickets.reply(to: fresh, by: actor, body: form.text("body"), isPublic: true, attachments: uploads)
                    return fresh.number
                }
            }
        }
        guard let destination else {
            return try await request.page("support/customer-ticket", title: "Ticket #\(ticket.number)", try await ticketBody(request, ticket),
                                          form: form, errors: errors)
        }
        return request.redirect("/console/support/tickets/\(destination)")
    }

    /// One file of a comment the customer can see, as a download.
    func attachment(request: Request) async throws -> Response {
        let viewer = try await viewer(request)
        let ticket = try await visibleTicket(request, viewer)
        let file = try await TicketAttachments(database: request.db).find(request.parameters.get("id"), on: ticket.number, includeInternal: false)
        return try TicketAttachments.download(file)
    }

    func solve(request: Request) async throws -> Response {
        let viewer = try await viewer(request)
        let actor = TicketActor(user: viewer.user)
        let ticket = try await visibleTicket(request, viewer)
        do {
            try await request.db.transaction { db in
                guard let fresh = try await Ticket.find(ticket.number, on: db) else { throw DomainError.notFound("ticket") }
                try await request.tickets(on: db).customerSolve(fresh, by: actor)
            }
            return request.redirect("/console/support/tickets/\(ticket.number)")
        } catch let error as DomainError {
            return try await request.page("support/customer-ticket", title: "Ticket #\(ticket.number)", try await ticketBody(request, ticket), error: error)
        }
    }

    // MARK: Account information (SUP-14)

    struct PersonView: Encodable {
        let role: String
        let name: String
        let email: String
        let hours: [String]
    }

    struct OrganisationView: Encodable {
        let name: String
        let sid: String
        let plan: String
        let pin: String?
        let chatChannel: String?
        let people: [PersonView]
        let accountExecutive: String?
    }

    struct AccountInfoBody: Encodable {
        let viewerZone: String
        let organisations: [OrganisationView]
        let numbers: [OptionView]
    }

    func accountInformation(request: Request) async throws -> Response {
        let viewer = try await viewer(request)
        // The viewer's own zone from their preferences (issue 11), as on every page.
        let viewerZone = DateDisplay.viewerZone
        let directory = SupportDirectory(database: request.db, now: request.now)
        let pins = SupportPINs(database: request.db, now: request.now, box: request.application.secretBox)
        var organisations: [OrganisationView] = []
        for organisation in viewer.organisations {
            let profile = try await directory.profile(of: organisation.sid)
            let plan = try directory.plan(of: profile)
            var people: [PersonView] = []
            for (role, sid) in [("Primary TAM", profile?.primaryTAMSID), ("Secondary TAM", profile?.secondaryTAMSID), ("TAM manager", profile?.tamManagerSID)] {
                guard let sid, let user = try await User.find(sid, on: request.db) else { continue }
                var hours: [String] = []
                if let staff = try await directory.staffProfile(sid), let calendar = try await directory.calendar(id: staff.calendarID) {
                    hours = Self.hours(calendar, viewer: viewerZone, from: request.now)
                }
                people.append(PersonView(role: role, name: user.fullName, email: user.email, hours: hours))
            }
            let executive = profile.flatMap { $0.accountExecutiveName.isEmpty ? nil : "\($0.accountExecutiveName) (\($0.accountExecutiveEmail))" }
            organisations.append(OrganisationView(name: organisation.friendlyName, sid: organisation.sid, plan: plan.name,
                                                 pin: try profile.flatMap { try pins.pin(of: $0) },
                                                 chatChannel: profile?.chatChannel, people: people, accountExecutive: executive))
        }
        return try await request.page("support/customer-account", title: "Support account information", AccountInfoBody(
            viewerZone: viewerZone.identifier, organisations: organisations,
            numbers: try await SupportLines(database: request.db, now: request.now).all().map {
                OptionView(value: E164.display($0.number), title: "\($0.countryName) (\(SupportLine.kinds[$0.kind] ?? $0.kind))", selected: false)
            }))
    }

    /// The next week of someone's working hours, in their zone and in the viewer's.
    static func hours(_ calendar: BusinessCalendar, viewer: TimeZone, from now: Date) -> [String] {
        var lines: [String] = []
        calendar.forEachSpan(from: now, until: now.addingTimeInterval(7 * 86400)) { span in
            let own = "\(DueExplanation.text(span.start, calendar.timeZone, "EEE HH:mm"))-\(DueExplanation.text(span.end, calendar.timeZone, "HH:mm zzz"))"
            let theirs = "\(DueExplanation.text(span.start, viewer, "EEE HH:mm"))-\(DueExplanation.text(span.end, viewer, "HH:mm zzz"))"
            lines.append("\(own) (\(calendar.timeZone.identifier)) = \(theirs) your time (\(viewer.identifier))")
            return lines.count < 7
        }
        return lines
    }
}
