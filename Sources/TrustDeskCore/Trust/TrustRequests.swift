import Foundation

/// PT-10: what a customer may ask Trust & Safety for. Each request opens a ticket for the
/// trust-and-safety group with this topic.
public enum TrustSafetyTopic: String, CaseIterable, Sendable, Codable {
    case moreMessages = "more_messages"
    case scoreReview = "score_review"

    public var title: String {
        switch self {
        case .moreMessages: "More messages"
        case .scoreReview: "Score review"
        }
    }

    public static func parse(_ text: String) throws(DomainError) -> TrustSafetyTopic {
        guard let topic = TrustSafetyTopic(rawValue: text) else {
            throw DomainError(.invalidParameter, "kind: use more_messages or score_review.")
        }
        return topic
    }

    /// Sending capacity is a customer's business, so the request keeps its plan's response
    /// targets (unlike Consumer Trust cases, SUP-15).
    public static let expectation = "Trust & Safety answers through this ticket within your support plan's response time."
}

public enum TrustRequestStatus: String, Sendable, Codable {
    case open, approved, declined
}

/// PT-10: who decides trust requests, and what a request and a decision must carry.
public enum TrustRequestPolicy {
    /// Trust & Safety decides; support agents, TAMs, PSEs and Consumer Trust see the request on
    /// the ticket but may not approve or decline it.
    public static let deciders: Set<StaffRole> = [.trustSafety, .trustSafetyLead, .admin]

    public static func canDecide(_ role: StaffRole?) -> Bool { role.map(deciders.contains) ?? false }

    public static let maximumText = 2_000
    public static let maximumAmount = 100_000_000
    /// The longest date range one request or approval covers.
    public static let maximumRangeDays = 90
    /// A score review approval holds for a year; the daily job then scores as usual.
    public static let scoreOverrideDays = 365

    /// The customer's reason or the staff member's note: trimmed, 1 to 2,000 characters.
    public static func text(_ value: String, field: String, purpose: String) throws(DomainError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= maximumText else {
            throw DomainError(.invalidParameter, "\(field): \(purpose), in 1 to \(maximumText) characters.")
        }
        return trimmed
    }

    public static func amount(_ value: Int?, field: String) throws(DomainError) -> Int {
        guard let value, value > 0, value <= maximumAmount else {
            throw DomainError(.invalidParameter, "\(field): the daily limit, a whole number from 1 to 100,000,000.")
        }
        return value
    }

    /// Inclusive UTC days `startsOn...endsOn`: at most 90 days, not over before today.
    /// Each date that can't be read is reported on its own field.
    public static func range(startsOn: String?, endsOn: String?, now: Date) throws(DomainError) -> (start: Date, end: Date) {
        var checks = FieldChecks()
        let start = checks.run { () throws(DomainError) in try day(startsOn, field: "starts_on") }
        let end = checks.run { () throws(DomainError) in try day(endsOn, field: "ends_on") }
        try checks.finish()
        guard let start, let end, start <= end, end.timeIntervalSince(start) <= Double(maximumRangeDays) * 86_400, end >= UTCDay.start(of: now) else {
            throw DomainError(.invalidParameter, "ends_on: on or after starts_on and today, at most \(maximumRangeDays) days after starts_on.")
        }
        return (start, end)
    }

    private static func day(_ text: String?, field: String) throws(DomainError) -> Date {
        guard let day = text.flatMap(UTCDay.parse) else {
            throw DomainError(.invalidParameter, "\(field): a date as YYYY-MM-DD.")
        }
        return day
    }

    public static func score(_ value: Int?) throws(DomainError) -> ReputationScore {
        guard let value, let score = ReputationScore(rawValue: value) else {
            throw DomainError(.invalidParameter, "score: the reviewed score, 1 (best) to 5.")
        }
        return score
    }

    /// A decision is made once: a second one is a conflict and changes nothing.
    public static func alreadyDecided(_ status: TrustRequestStatus) -> DomainError {
        DomainError(.conflict, "This request was already \(status.rawValue); a decision is final. Ask the customer to open a new request if things changed.")
    }

    /// The ticket a request opens.
    public static func ticketSubject(_ topic: TrustSafetyTopic, accountName: String) -> String {
        switch topic {
        case .moreMessages: "More messages: \(accountName)"
        case .scoreReview: "Score review: \(accountName)"
        }
    }

    public static func ticketDescription(_ topic: TrustSafetyTopic, amount: Int?, startsOn: Date?, endsOn: Date?, reason: String) -> String {
        switch topic {
        case .moreMessages:
            let dates = "\(startsOn.map(UTCDay.key) ?? "") to \(endsOn.map(UTCDay.key) ?? "")"
            return "Progressive Trust request for a daily limit of \(DailyLimit.messages(amount ?? 0).description) SMS from \(dates) (UTC, inclusive).\n\nReason: \(reason)"
        case .scoreReview:
            return "Progressive Trust request for a review of the reputation score.\n\nReason: \(reason)"
        }
    }

    /// The public reply that tells the customer the decision (PT-10).
    public static func decisionReply(_ topic: TrustSafetyTopic, approved: Bool, grantedLimit: Int?, from: Date?, through: Date?,
                                     grantedScore: Int?, note: String) -> String {
        let decision: String
        switch (topic, approved) {
        case (.moreMessages, true):
            decision = "We approved your request: your daily SMS limit is \(DailyLimit.messages(grantedLimit ?? 0).description) from \(from.map(UTCDay.key) ?? "") through \(through.map(UTCDay.key) ?? "") (UTC). It applies within a few seconds."
        case (.scoreReview, true):
            decision = "We reviewed your reputation score and set it to \(grantedScore ?? 0) for the next \(scoreOverrideDays) days; your daily limit follows from it. It applies within a few seconds."
        case (.moreMessages, false):
            decision = "We declined your request for more messages; your daily limit stays as it is."
        case (.scoreReview, false):
            decision = "We reviewed your reputation score and kept it as it is."
        }
        return "\(decision)\n\nNote from Trust & Safety: \(note)"
    }
}
