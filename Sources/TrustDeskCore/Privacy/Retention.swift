import Foundation

/// PRV-4, STD-10: what happens to a closed account's data, and when. Account data goes (deleted
/// or de-identified) 60 days after closure; support communications 3 years after; invoices and
/// legal records 7 years after; subscriber records after the years the operator sets. Each
/// step is due on its own date; the retention job runs the steps that are due.
public enum RetentionStep: String, CaseIterable, Sendable, Codable, Comparable {
    case accountData = "account_data"
    case supportCommunications = "support_communications"
    case legalRecords = "legal_records"
    case subscriberRecords = "subscriber_records"

    /// The disposals this step carries out.
    public var disposals: Set<Disposal> {
        switch self {
        case .accountData: [.delete, .deidentify]
        case .supportCommunications: [.keepSupport3Years]
        case .legalRecords: [.keep7Years]
        case .subscriberRecords: [.keepSubscriber]
        }
    }

    public var title: String {
        switch self {
        case .accountData: "Account data deleted or de-identified"
        case .supportCommunications: "Support communications deleted"
        case .legalRecords: "Invoices and legal records deleted"
        case .subscriberRecords: "Subscriber records deleted"
        }
    }

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: RetentionStep, rhs: RetentionStep) -> Bool { lhs.rank < rhs.rank }
}

public struct RetentionPolicy: Sendable, Equatable {
    public static let accountDataDays = 60
    public static let supportYears = 3
    public static let legalYears = 7
    /// Outbox bodies are evidence of what was sent for 90 days, then go (PRV-4).
    public static let outboxBodyDays = 90
    /// Under-age removal is prompt (PRV-8): within a day of confirmation.
    public static let underageRemovalHours = 24

    public var subscriberYears: Int

    public init(subscriberYears: Int = 7) {
        self.subscriberYears = subscriberYears
    }

    /// When `step` is due for an account closed at `closedAt`. Years from 29 February land on
    /// 28 February.
    public func due(_ step: RetentionStep, closedAt: Date) -> Date {
        switch step {
        case .accountData: PrivacyCalendar.adding(days: Self.accountDataDays, to: closedAt)
        case .supportCommunications: PrivacyCalendar.adding(years: Self.supportYears, to: closedAt)
        case .legalRecords: PrivacyCalendar.adding(years: Self.legalYears, to: closedAt)
        case .subscriberRecords: PrivacyCalendar.adding(years: subscriberYears, to: closedAt)
        }
    }

    /// The steps due at `now` that have not run yet, in order.
    public func dueSteps(closedAt: Date, done: Set<RetentionStep>, now: Date) -> [RetentionStep] {
        RetentionStep.allCases.filter { !done.contains($0) && due($0, closedAt: closedAt) <= now }
    }

    /// When the schedule next needs the job, or nil when every step ran.
    public func nextAction(closedAt: Date, done: Set<RetentionStep>) -> Date? {
        RetentionStep.allCases.filter { !done.contains($0) }.map { due($0, closedAt: closedAt) }.min()
    }
}
