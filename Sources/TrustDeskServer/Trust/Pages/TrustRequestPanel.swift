import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The Progressive Trust request beside its ticket on the staff ticket page (PT-10): what the
/// customer asked for, the account's score and limit now, and, for staff who may decide, the
/// approve and decline forms. After the decision it shows who decided, what and why.
struct TrustRequestPanel: Encodable {
    let id: String
    let ticketNumber: Int
    let accountSid: String
    let kind: String
    let kindTitle: String
    let isMoreMessages: Bool
    let amount: String?
    let startsOn: String?
    let endsOn: String?
    let reason: String
    let status: String
    let isOpen: Bool
    let created: String
    let currentScore: Int?
    let currentLimit: String?
    let decision: String?
    let canDecide: Bool
    let role: String
    /// What the approval form shows: the request's own amount and dates (and the current
    /// score) until a decision is sent back with problems, then what was typed.
    let limitShown: String
    let startsOnShown: String
    let endsOnShown: String
    let scores: [ScoreOption]

    struct ScoreOption: Encodable {
        let value: Int
        let selected: Bool
    }

    /// The panel for `ticket` when a trust request opened it, else nil.
    static func build(_ request: Request, ticket: Ticket, forms: SupportStaffPagesController.TicketForms = .fresh) async throws -> TrustRequestPanel? {
        guard let row = try await TrustRequest.query(on: request.db).filter(\.$ticketNumber == ticket.number).first(),
              let id = row.id else { return nil }
        let role = request.signedIn?.user.staffRole
        let profile = try await TrustProfile.find(row.accountSID, on: request.db)
        var decision: String?
        if row.requestStatus != .open {
            let decider = try await row.decidedBy.asyncMap { try await User.find($0, on: request.db) }.flatMap { $0 }
            let granted = row.grantedLimit.map { ": daily limit \(DailyLimit.messages($0).description)" } ?? row.grantedScore.map { ": score \($0)" } ?? ""
            decision = "\(row.status.capitalized)\(granted) by \(decider?.fullName ?? row.decidedBy ?? "staff") on \(row.decidedAt.map(DateDisplay.local) ?? ""). Note: \(row.decisionNote ?? "")"
        }
        let currentScore = profile.map { $0.overrideActive(at: request.now) ? ($0.overrideScore ?? $0.score) : $0.score }
        return TrustRequestPanel(
            id: id.uuidString.lowercased(), ticketNumber: ticket.number, accountSid: row.accountSID,
            kind: row.kind, kindTitle: row.topic.title, isMoreMessages: row.topic == .moreMessages,
            amount: row.amount.map { DailyLimit.messages($0).description },
            startsOn: row.startsOn.map(UTCDay.key), endsOn: row.endsOn.map(UTCDay.key),
            reason: row.reason, status: row.status, isOpen: row.requestStatus == .open, created: DateDisplay.local(row.createdAt),
            currentScore: currentScore,
            currentLimit: profile.map { $0.effectiveLimit(at: request.now).map { DailyLimit.messages($0).description } ?? "unlimited" },
            decision: decision, canDecide: TrustRequestPolicy.canDecide(role) && row.requestStatus == .open,
            role: role?.displayName ?? "",
            limitShown: forms.shown("approve", "limit", else: row.amount.map(String.init) ?? ""),
            startsOnShown: forms.shown("approve", "starts_on", else: row.startsOn.map(UTCDay.key) ?? ""),
            endsOnShown: forms.shown("approve", "ends_on", else: row.endsOn.map(UTCDay.key) ?? ""),
            scores: (ReputationScore.best.rawValue...ReputationScore.worst.rawValue).map {
                ScoreOption(value: $0, selected: forms.shown("approve", "score", else: currentScore.map(String.init) ?? "") == String($0))
            }
        )
    }
}
