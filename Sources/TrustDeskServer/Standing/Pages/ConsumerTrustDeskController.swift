import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The Consumer Trust desk (SUP-15): the group's open cases by type, oldest first (there is
/// no SLA), and review decisions taken from the ticket page (STD-3), which go back to the ticket.
struct ConsumerTrustDeskController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("staff", "consumer-trust", use: desk)
        routes.post("staff", "support", "tickets", ":number", "standing-review", use: decide)
    }

    static let pageSize = 50

    struct TopicView: Encodable {
        let value: String
        let title: String
        let count: Int
        let current: Bool
    }

    struct CaseView: Encodable {
        let number: Int
        let subject: String
        let topic: String
        let status: String
        let accountSid: String
        let opened: String
        let assignee: String?
    }

    struct DeskBody: Encodable {
        let topic: String?
        let topicTitle: String
        let topics: [TopicView]
        let total: Int
        let cases: [CaseView]
        /// The next page's link (keyset: cases after the last number shown).
        let nextPage: String?
        let expectation: String
    }

    private func staff(_ request: Request) throws -> User {
        guard let user = request.signedIn?.user, user.isStaff else { throw DomainError.notFound("page") }
        return user
    }

    private func open(_ db: any Database) -> QueryBuilder<Ticket> {
        Ticket.query(on: db).filter(\.$groupName == SupportGroup.consumerTrust).filter(\.$unsolved == true)
    }

    func desk(request: Request) async throws -> Response {
        let staff = try staff(request)
        let topic = try ConsumerTrustTopic.parse(request.query["topic"] ?? "")
        let after: Int? = request.query["after"]
        var counts: [ConsumerTrustTopic: Int] = [:]
        for candidate in ConsumerTrustTopic.allCases {
            counts[candidate] = try await open(request.db).filter(\.$topic == candidate.rawValue).count()
        }
        var query = open(request.db)
        if let topic { query = query.filter(\.$topic == topic.rawValue) }
        if let after { query = query.filter(\.$id > after) }
        let rows = try await query.sort(\.$id, ConsumerTrustDesk.oldestFirst ? .ascending : .descending).limit(Self.pageSize + 1).all()
        let page = Array(rows.prefix(Self.pageSize))
        let assignees = Set(page.compactMap(\.assigneeSID))
        let directory = StaffDirectory(database: request.db, now: request.now)
        let names = try await directory.people(assignees).mapValues(\.fullName)
        try await directory.record(staff, action: "view_consumer_trust_desk", account: nil, detail: topic?.rawValue ?? "all")
        return try await request.page("standing/desk", title: "Consumer Trust desk", DeskBody(
            topic: topic?.rawValue, topicTitle: topic?.title ?? "All open cases",
            topics: ConsumerTrustTopic.allCases.map { TopicView(value: $0.rawValue, title: $0.title, count: counts[$0] ?? 0, current: $0 == topic) },
            total: counts.values.reduce(0, +),
            cases: page.map { ticket in
                CaseView(number: ticket.number, subject: ticket.subject,
                         topic: ticket.topic.flatMap { ConsumerTrustTopic(rawValue: $0)?.title } ?? "Other",
                         status: ticket.ticketStatus.title, accountSid: ticket.accountSID, opened: DateDisplay.local(ticket.createdAt),
                         assignee: ticket.assigneeSID.flatMap { names[$0] })
            },
            nextPage: rows.count > Self.pageSize ? page.last.map { "/staff/consumer-trust?" + (topic.map { "topic=\($0.rawValue)&" } ?? "") + "after=\($0.number)" } : nil,
            expectation: ConsumerTrustTopic.expectation))
    }

    struct DecisionErrorBody: Encodable {
        let number: Int
        let subject: String
        let standing: StandingTicketPanel?
    }

    /// Upholds or reinstates the review this ticket belongs to; back to the ticket when done,
    /// or the panel again with the error beside the justification, as typed.
    func decide(request: Request) async throws -> Response {
        let staff = try staff(request)
        guard let text = request.parameters.get("number"), let number = Int(text), number > 0 else { throw DomainError.notFound("ticket") }
        let ticket = try await request.tickets().find(number)
        let form = request.pageForm()
        var errors = FormErrors()
        _ = errors.check { () throws(DomainError) in try StandingReviews.reviewerRole(of: staff) }
        let decision = errors.check("decision") { () throws(DomainError) -> String in
            guard let decision = form["decision"], ["uphold", "reinstate"].contains(decision) else {
                throw DomainError(.invalidParameter, "decision: uphold or reinstate.")
            }
            return decision
        }
        let justification = errors.check("justification") { () throws(DomainError) in try ConsumerTrustDesk.reviewJustification(form.text("justification")) }
        if errors.isEmpty, let decision, let justification {
            do {
                try await request.db.transaction { db in
                    guard let review = try await ReviewRequest.query(on: db).filter(\.$ticketNumber == number)
                        .filter(\.$status == ReviewRequest.Status.open.rawValue).first()
                    else { throw DomainError(.conflict, "This ticket has no open review request; it may have been decided already.") }
                    try await StandingReviews(standing: request.standing(on: db))
                        .decide(review, reinstate: decision == "reinstate", by: staff, justification: justification)
                }
                return request.redirect("/staff/support/tickets/\(number)#standing-panel")
            } catch let error as DomainError {
                errors.add(error)
            }
        }
        let panel = try await StandingTicketPanel.build(request, ticket: ticket, justification: form.text("justification"),
                                                        justificationError: errors.byField["justification"])
        return try await request.page("standing/ticket-review", title: "Ticket #\(number)",
                                      DecisionErrorBody(number: number, subject: ticket.subject, standing: panel), form: form, errors: errors)
    }
}
