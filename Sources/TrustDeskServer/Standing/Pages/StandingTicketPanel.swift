import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The account's standing beside a staff ticket about it (SUP-15, STD-3): the standing, its
/// enforcement history (newest first), the changes the viewer's role may make, and, when the
/// ticket belongs to an open review request, the uphold and reinstate forms.
struct StandingTicketPanel: Encodable {
    let ticketNumber: Int
    let accountSid: String
    let friendlyName: String
    let standing: String
    let standingTitle: String
    let role: String
    let records: [RecordView]
    let actions: [StandingStaffPagesController.ActionView]
    let hasActions: Bool
    let review: ReviewView?
    let canDecide: Bool
    /// What the reviewer typed, kept when a decision was refused, and why it was refused.
    let justification: String
    let justificationError: String?
    let minimumJustification: Int
    let maximumJustification: Int
    let justificationRange = StandingGuardRails.justificationRangeText
    let vetting: VettingView?

    /// The panel for `ticket`, or nil when the ticket's account no longer exists or the viewer
    /// is not staff.
    static func build(_ request: Request, ticket: Ticket, justification: String = "", justificationError: String? = nil) async throws -> StandingTicketPanel? {
        guard let role = request.signedIn?.user.staffRole,
              let account = try await Account.find(ticket.accountSID, on: request.db) else { return nil }
        let review = try await ReviewRequest.query(on: request.db).filter(\.$ticketNumber == ticket.number)
            .filter(\.$status == ReviewRequest.Status.open.rawValue).first()
        let standing = Standing(stored: account.standing)
        let actions = StandingActionViews.offered(from: standing, role: role)
        return StandingTicketPanel(
            ticketNumber: ticket.number, accountSid: account.sid, friendlyName: account.friendlyName,
            standing: standing.rawValue, standingTitle: standing.displayName, role: role.displayName,
            records: try await RecordView.forStaff(request.standing.history(of: account.sid), on: request.db, now: request.now),
            actions: actions, hasActions: !actions.isEmpty,
            review: review.map(ReviewView.init), canDecide: StandingPolicy.reviewers.contains(role),
            justification: justification, justificationError: justificationError,
            minimumJustification: StandingGuardRails.justificationLength.lowerBound, maximumJustification: StandingGuardRails.justificationLength.upperBound,
            vetting: try await VettingView.latest(for: account.sid, ticket: ticket, on: request.db)
        )
    }
}
