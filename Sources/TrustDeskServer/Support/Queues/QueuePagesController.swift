import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The staff queues page (issue 11): the queue links with their counts, the filters, the search
/// and the order as one GET form (so a queue view is a link to share), the rows with the columns
/// staff work from, keyset paging, and the alerts each staff member can dismiss.
struct QueuePagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let support = routes.grouped("staff", "support")
        support.get(use: queue)
        support.post("alerts", ":alertID", "dismiss", use: dismissAlert)
    }

    struct QueueLinkView: Encodable {
        let value: String
        let title: String
        let count: Int
        let current: Bool
    }

    struct AlertView: Encodable {
        let id: String
        let ticketNumber: Int
        let at: String
        let message: String
    }

    struct QueueBody: Encodable {
        let queue: String
        let queueTitle: String
        let queues: [QueueLinkView]
        let tickets: [QueueRowView]
        let next: String?
        /// The query string of the view shown, without the page: the next-page link adds `after`.
        let query: String
        let filtered: Bool
        /// Sorted by due: tickets that owe no response are left out, and the caption says so.
        let dueOrder: Bool
        let alerts: [AlertView]
        let group: String?
        let available: Bool?
        let statuses: [OptionView]
        let priorities: [OptionView]
        let products: [OptionView]
        let groups: [OptionView]
        let plans: [OptionView]
        let assignees: [OptionView]
        let orders: [OptionView]
    }

    func queue(request: Request) async throws -> Response {
        guard let staff = request.signedIn?.user, staff.isStaff else { throw DomainError.notFound("page") }
        let form = PageForm(fields: (try? request.query.decode([String: String].self)) ?? [:])
        let queue = TicketQueues.Queue(rawValue: form.text("queue")) ?? .mine
        let directory = request.supportDirectory
        let profile = try await directory.staffProfile(staff.sid)
        let desk = try await directory.deskStaff()
        // Each field on its own: a bad one is shown beside its control, the others still apply.
        var errors = FormErrors()
        var query = TicketQueueQuery()
        query.status = errors.check("status") { () throws(DomainError) in try TicketQueueQuery.status(form.text("status")) } ?? nil
        query.priority = errors.check("priority") { () throws(DomainError) in try TicketQueueQuery.priority(form.text("priority")) } ?? nil
        query.product = errors.check("product") { () throws(DomainError) in try TicketQueueQuery.product(form.text("product")) } ?? nil
        query.group = errors.check("group") { () throws(DomainError) in try TicketQueueQuery.group(form.text("group")) } ?? nil
        query.plan = errors.check("plan") { () throws(DomainError) in try TicketQueueQuery.plan(form.text("plan")) } ?? nil
        query.assignee = errors.check("assignee") { () throws(DomainError) in try TicketQueueQuery.assignee(form.text("assignee"), among: Set(desk.map(\.sid))) } ?? nil
        query.search = errors.check("q") { () throws(DomainError) in try TicketSearch.parse(form.text("q")) } ?? nil
        // The breaching queue is about due times: soonest first unless asked otherwise.
        let defaultOrder: TicketQueueQuery.Order = queue == .breaching ? .due : .updated
        query.order = errors.check("sort") { () throws(DomainError) in try TicketQueueQuery.order(form.text("sort"), default: defaultOrder) } ?? defaultOrder
        let cursor = errors.check("after") { () throws(DomainError) in try TicketQueueCursor.parse(form.text("after"), order: query.order) } ?? nil

        let queues = request.ticketQueues
        let group = profile?.groupName ?? SupportGroup.general
        let rows = try await queues.page(queue, staff: staff.sid, group: group, query: query, after: cursor)
        let page = Array(rows.prefix(TicketQueues.pageSize))
        let names = Dictionary(desk.map { ($0.sid, $0.name) }, uniquingKeysWith: { first, _ in first })
        let organisations = try await request.accounts.friendlyNames(Array(Set(page.map(\.organisationSID))))
        let counts = try await queues.counts(staff: staff.sid, group: group, cache: request.application.queueCounts)
        let alerts = try await queues.alerts(for: staff.sid)
        var shown = form.fields.filter { !$0.value.isEmpty && $0.key != "after" && errors.byField[$0.key] == nil }
        shown["queue"] = queue.rawValue
        let body = QueueBody(
            queue: queue.rawValue, queueTitle: queue.title,
            queues: TicketQueues.Queue.allCases.map { QueueLinkView(value: $0.rawValue, title: $0.title, count: counts[$0] ?? 0, current: $0 == queue) },
            tickets: page.map { ticket in
                QueueRowView(ticket, organisation: organisations[ticket.organisationSID], assignee: ticket.assigneeSID.flatMap { names[$0] ?? $0 },
                             due: ticket.nextDueAt.map { DueCountdown(due: $0, now: request.now) }, dueAt: ticket.nextDueAt)
            },
            next: TicketQueues.next(after: rows, order: query.order)?.token,
            query: QueryString.encode(shown), filtered: query.isFiltered, dueOrder: query.order == .due,
            alerts: alerts.map { AlertView(id: $0.id?.uuidString.lowercased() ?? "", ticketNumber: $0.ticketNumber, at: DateDisplay.local($0.createdAt), message: $0.message) },
            group: profile?.groupName, available: profile?.available,
            statuses: OptionView.list(TicketStatus.allCases.map { ($0.rawValue, $0.title) }, chosen: form.text("status")),
            priorities: OptionView.list(TicketPriority.allCases.map { (String($0.rawValue), $0.title) }, chosen: form.text("priority")),
            products: OptionView.list(SupportProduct.allCases.map { ($0.rawValue, $0.title) }, chosen: form.text("product")),
            groups: OptionView.list(SupportGroup.all.map { ($0, $0.replacingOccurrences(of: "_", with: " ")) }, chosen: form.text("group")),
            plans: OptionView.list(SupportPlan.all.map { ($0.id, $0.name) }, chosen: form.text("plan")),
            assignees: OptionView.list([(AssigneeFilter.nobodyValue, "Nobody")] + desk.map { ($0.sid, $0.name) }, chosen: form.text("assignee"), any: "Anyone"),
            orders: OptionView.list(TicketQueueQuery.Order.allCases.map { ($0.rawValue, $0.title) }, chosen: form.text("sort").isEmpty ? defaultOrder.rawValue : form.text("sort"), any: nil))
        return try await request.page("support/staff-queue", title: "Support queues", body, form: form, errors: errors)
    }

    func dismissAlert(request: Request) async throws -> Response {
        guard let staff = request.signedIn?.user, staff.isStaff else { throw DomainError.notFound("page") }
        guard let id = request.parameters.get("alertID").flatMap(UUID.init(uuidString:)) else { throw DomainError.notFound("alert") }
        try await request.ticketQueues.dismissAlert(id, for: staff.sid)
        return request.redirect("/staff/support")
    }
}

/// One row of a staff queue: what staff decide from without opening the ticket.
struct QueueRowView: Encodable {
    let number: Int
    let subject: String
    let requester: String
    let requesterEmail: String
    let organisation: String
    let product: String
    let priority: String
    let priorityValue: Int
    let status: String
    let statusTitle: String
    let assignee: String?
    let due: String?
    let dueAt: String?
    /// The due time as ISO 8601 UTC, for scripts and checks that compare it with the API.
    let dueISO: String?
    let breached: Bool
    let updated: String

    init(_ ticket: QueueTicket, organisation: String?, assignee: String?, due: DueCountdown?, dueAt: Date?) {
        number = ticket.number
        subject = ticket.subject
        requester = ticket.requesterName
        requesterEmail = ticket.requesterEmail
        self.organisation = organisation ?? ticket.organisationSID
        product = ticket.supportProduct.title
        priority = ticket.ticketPriority.title
        priorityValue = ticket.priority
        status = ticket.status
        statusTitle = ticket.ticketStatus.title
        self.assignee = assignee
        self.due = due?.text
        self.dueAt = dueAt.map(DateDisplay.local)
        dueISO = dueAt.map(DateDisplay.iso)
        breached = due?.breached ?? false
        updated = DateDisplay.local(ticket.updatedAt)
    }
}
