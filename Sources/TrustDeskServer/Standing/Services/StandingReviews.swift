import Fluent
import Foundation
import TrustDeskCore

/// Human reviews of automated decisions (STD-3): the customer asks, Consumer Trust decides
/// (uphold or reinstate); each decision is an enforcement record and is mailed.
struct StandingReviews {
    let standing: StandingService
    var database: any Database { standing.database }

    static let maximumMessage = 4_000

    /// Opens a review of the account's latest decision, and a Consumer Trust ticket for it.
    func request(for account: Account, by user: User, message rawMessage: String) async throws -> ReviewRequest {
        let message = rawMessage.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !message.isEmpty, message.count <= Self.maximumMessage else {
            throw DomainError(.invalidParameter, "message: say in up to \(Self.maximumMessage) characters why the decision should be reviewed.")
        }
        guard ConsolePolicy.allows(.requestReview, in: Standing(stored: account.standing)),
              let record = try await standing.latestRecord(of: account.sid), let recordID = record.id
        else { throw DomainError(.conflict, "There is no decision on this account to review. Banned accounts reply to the ban email instead.") }
        let open = try await ReviewRequest.query(on: database).filter(\.$accountSID == account.sid)
            .filter(\.$status == ReviewRequest.Status.open.rawValue).count()
        guard open == 0 else { throw DomainError(.conflict, "A review of this account is already open; Consumer Trust answers within 24-48 hours.") }
        let review = ReviewRequest(account: account.sid, record: recordID, requestedBy: user.sid, message: message, now: standing.now)
        let topic = ConsumerTrustDesk.topic(forReviewOf: record.standingReason)
        let ticket = try await Tickets(database: database, now: standing.now, settings: standing.supportSettings).open(
            NewTicket(subject: "Review request: \(account.friendlyName) is \(account.standing)",
                      description: "Review of the \(record.reason) decision of \(DateDisplay.utc(record.decidedAt)).\n\n\(message)",
                      priority: "3", topic: topic.rawValue, intake: IntakeForm(product: .other)),
            about: account, by: TicketActor(user: user)
        )
        review.ticketNumber = ticket.ticket.number
        try await review.create(on: database)
        return review
    }

    func open(limit: Int = 100) async throws -> [ReviewRequest] {
        try await ReviewRequest.query(on: database).filter(\.$status == ReviewRequest.Status.open.rawValue)
            .sort(\.$createdAt).limit(limit).all()
    }

    /// The role of a staff member who may decide reviews; throws 20006 for anyone else, before
    /// anything they wrote is looked at.
    static func reviewerRole(of staff: User) throws(DomainError) -> StaffRole {
        guard let role = staff.staffRole, StandingPolicy.reviewers.contains(role) else {
            throw DomainError(.permissionDenied, "Only Consumer Trust or trust-and-safety staff decide reviews.")
        }
        return role
    }

    /// Upholds or reinstates. Reinstating runs through the policy like any change (STD-5:
    /// exposed credentials need new ones first). The decision and its justification are
    /// posted on the review's ticket as a public reply, so the customer reads it there too.
    func decide(_ review: ReviewRequest, reinstate: Bool, by staff: User, justification rawJustification: String) async throws {
        guard review.status == ReviewRequest.Status.open.rawValue else { throw DomainError(.conflict, "This review was already decided.") }
        let role = try Self.reviewerRole(of: staff)
        let justification = try ConsumerTrustDesk.reviewJustification(rawJustification)
        guard let account = try await Account.find(review.accountSID, on: database) else { throw DomainError.notFound("account") }
        let current = Standing(stored: account.standing)
        let decider = StandingDecider.staff(sid: staff.sid, role: role)
        if reinstate {
            try await standing.apply(StandingDecision(to: .active, reason: .reinstated, decider: decider, justification: justification,
                                                      evidence: "Review request \(review.id?.uuidString ?? "")"), to: account)
        } else {
            try await standing.apply(StandingDecision(to: current, reason: .reviewUpheld, decider: decider, justification: justification,
                                                      evidence: "Review request \(review.id?.uuidString ?? "")"), to: account)
        }
        review.status = (reinstate ? ReviewRequest.Status.reinstated : .upheld).rawValue
        review.decidedBy = staff.sid
        review.decidedAt = standing.now
        try await review.save(on: database)
        if let number = review.ticketNumber, let ticket = try await Ticket.find(number, on: database), ticket.ticketStatus != .closed {
            let tickets = Tickets(database: database, now: standing.now, settings: standing.supportSettings)
            let actor = TicketActor(user: staff)
            try await tickets.reply(to: ticket, by: actor,
                                    body: ConsumerTrustDesk.decisionReply(reinstated: reinstate, standing: current, justification: justification), isPublic: true)
            // The case is done: it leaves the desk's open cases; a customer reply reopens it.
            if ticket.ticketStatus != .solved {
                try await tickets.changeStatus(ticket, to: .solved, by: actor, reason: "review \(reinstate ? "reinstated" : "upheld")")
            }
        }
    }
}
