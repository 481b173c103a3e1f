import Foundation

/// The Consumer Trust desk (SUP-15, STD-3): which case a review opens, how its queue is
/// ordered, and what a review decision must carry.
public enum ConsumerTrustDesk {
    /// Cases have no SLA, so the queue is worked oldest first: the customer who waited longest
    /// is answered first within the promised 24-48 hours.
    public static let oldestFirst = true

    /// The case type a review request about a decision for `reason` opens.
    public static func topic(forReviewOf reason: StandingReason?) -> ConsumerTrustTopic {
        switch reason {
        case .dormancy?: .dormantReactivation
        case .exposedCredentials?: .exposedCredentials
        case .accountTakeover?: .accountTakeover
        case .vettingReview?, .vettingRejected?: .vettingReview
        default: .automatedDecisionReview
        }
    }

    /// A review decision is sent to the customer with its reasons, so it needs them written
    /// (`StandingGuardRails`, the same rule as every staff decision).
    public static func reviewJustification(_ text: String) throws(DomainError) -> String {
        try StandingGuardRails.justification(text, for: .review)
    }

    /// The public reply that tells the customer the decision on their review (STD-3).
    public static func decisionReply(reinstated: Bool, standing: Standing, justification: String) -> String {
        let decision = reinstated
            ? "We reviewed the decision on your account and reinstated it: the account is active again."
            : "We reviewed the decision on your account and upheld it: the account stays \(standing.displayName.lowercased())."
        return "\(decision)\n\nReason: \(justification)"
    }
}
