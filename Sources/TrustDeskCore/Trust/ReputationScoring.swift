import Foundation

/// What PT-7 scores: an account's recent sending record and history.
public struct SendingRecord: Sendable, Equatable {
    /// Outcomes reported in the scoring window (the last 30 days).
    public var delivered: Int
    public var undelivered: Int
    public var carrierFiltered: Int
    public var optedOut: Int
    public var complaints: Int
    /// Admitted outbound SMS in the scoring window (the volume outcomes are relative to).
    public var sent: Int
    public var accountCreatedAt: Date
    public var vetting: VettingOutcome
    /// Adverse standing decisions about the account's conduct in the last 365 days
    /// (`EnforcementHistory.conduct`, not overturned).
    public var enforcementActions: Int
    /// Security incidents in the last 365 days: exposed credentials, account takeover.
    public var securityIncidents: Int

    public init(delivered: Int = 0, undelivered: Int = 0, carrierFiltered: Int = 0, optedOut: Int = 0, complaints: Int = 0,
                sent: Int = 0, accountCreatedAt: Date, vetting: VettingOutcome = .approved, enforcementActions: Int = 0, securityIncidents: Int = 0) {
        self.delivered = delivered
        self.undelivered = undelivered
        self.carrierFiltered = carrierFiltered
        self.optedOut = optedOut
        self.complaints = complaints
        self.sent = sent
        self.accountCreatedAt = accountCreatedAt
        self.vetting = vetting
        self.enforcementActions = enforcementActions
        self.securityIncidents = securityIncidents
    }

    /// Messages with a final delivery outcome: the base of the delivery, filtering and error rates.
    public var finished: Int { delivered + undelivered + carrierFiltered }
}

/// The sign-up vetting result (STD-6) as the score sees it.
public enum VettingOutcome: String, Sendable, Codable {
    /// Approved automatically.
    case approved
    /// Approved after a manual review.
    case reviewed
    /// Still pending, or unknown.
    case pending
}

/// One factor of a score and what it contributed (PT-1: the explanation).
public struct ScoreFactor: Sendable, Equatable, Codable {
    /// Stable key (`delivery_rate`, ...).
    public let key: String
    /// The measured value, as people read it ("98.50%", "45 days", ...).
    public let value: String
    /// Risk points this factor added; 0 is best.
    public let points: Int
    /// Most points this factor can add.
    public let maximum: Int
}

public struct ScoreExplanation: Sendable, Equatable, Codable {
    public let score: Int
    public let totalPoints: Int
    public let factors: [ScoreFactor]
}

/// PT-7: the reputation score formula. Every factor adds risk points (integers; rates in basis
/// points, so nothing depends on float rounding); the total maps to the score:
///
/// | points | score |
/// | --- | --- |
/// | 0-4 | 1 |
/// | 5-14 | 2 |
/// | 15-29 | 3 |
/// | 30-49 | 4 |
/// | 50+ | 5 |
///
/// Factors (rates over the last 30 days of outcomes):
/// - delivery rate: 1 point per 2 percentage points not delivered (max 25)
/// - carrier-filtered rate: 1 point per 0.5% filtered (max 25)
/// - opt-out (STOP) rate: 1 point per 0.5% of sent (max 20)
/// - complaint rate: 2 points per 0.1% of sent (max 25)
/// - error rate (undelivered): 1 point per 2% (max 15)
/// - account age: under 30 days 15, under 90 days 10, under 180 days 5, else 0
/// - sending history: fewer than 1,000 messages with an outcome, 5
/// - vetting: approved 0, approved after review 5, pending 15
/// - enforcement history (`EnforcementHistory`): 10 per adverse conduct decision and 5 per
///   security incident in the last 365 days (max 30)
///
/// Account age and history mean perfect deliverability alone does not reach 1: a young account,
/// or one with little history, starts at 2 or worse.
public enum ReputationScoring {
    public static let thresholds = [5, 15, 30, 50]

    public static func score(_ record: SendingRecord, now: Date) -> ScoreExplanation {
        let finished = max(record.finished, 0)
        let sent = max(record.sent, record.finished, 0)
        func bp(_ part: Int, of whole: Int) -> Int { whole > 0 ? min(10_000, max(0, part) * 10_000 / whole) : 0 }
        let deliveryBP = finished > 0 ? bp(record.delivered, of: finished) : 10_000
        let filteredBP = bp(record.carrierFiltered, of: finished)
        let optOutBP = bp(record.optedOut, of: sent)
        let complaintBP = bp(record.complaints, of: sent)
        let errorBP = bp(record.undelivered, of: finished)
        let ageDays = max(0, Int(now.timeIntervalSince(record.accountCreatedAt) / 86_400))

        // A rate over nothing is no measurement: "100.00% delivered" with no outcome would tell a
        // customer something that never happened (PT-1: the explanation must be true).
        func rate(_ basisPoints: Int, over base: Int, none: String) -> String { base > 0 ? percent(basisPoints) : none }
        var factors: [ScoreFactor] = []
        factors.append(ScoreFactor(key: "delivery_rate", value: rate(deliveryBP, over: finished, none: Self.noOutcomes), points: min(25, (10_000 - deliveryBP) / 200), maximum: 25))
        factors.append(ScoreFactor(key: "carrier_filtered_rate", value: rate(filteredBP, over: finished, none: Self.noOutcomes), points: min(25, filteredBP / 50), maximum: 25))
        factors.append(ScoreFactor(key: "opt_out_rate", value: rate(optOutBP, over: sent, none: Self.nothingSent), points: min(20, optOutBP / 50), maximum: 20))
        factors.append(ScoreFactor(key: "complaint_rate", value: rate(complaintBP, over: sent, none: Self.nothingSent), points: min(25, complaintBP / 10 * 2), maximum: 25))
        factors.append(ScoreFactor(key: "error_rate", value: rate(errorBP, over: finished, none: Self.noOutcomes), points: min(15, errorBP / 200), maximum: 15))
        let agePoints = ageDays < 30 ? 15 : ageDays < 90 ? 10 : ageDays < 180 ? 5 : 0
        factors.append(ScoreFactor(key: "account_age", value: "\(ageDays) days", points: agePoints, maximum: 15))
        factors.append(ScoreFactor(key: "sending_history", value: "\(DailyLimit.messages(finished)) messages with an outcome", points: finished < 1_000 ? 5 : 0, maximum: 5))
        let vettingPoints = switch record.vetting {
        case .approved: 0
        case .reviewed: 5
        case .pending: 15
        }
        factors.append(ScoreFactor(key: "vetting_outcome", value: record.vetting.rawValue, points: vettingPoints, maximum: 15))
        let conduct = max(0, record.enforcementActions)
        let security = max(0, record.securityIncidents)
        factors.append(ScoreFactor(key: "enforcement_history",
                                   value: "\(conduct) adverse decision\(conduct == 1 ? "" : "s"), \(security) security incident\(security == 1 ? "" : "s") in the last 12 months",
                                   points: min(30, conduct * 10 + security * 5), maximum: 30))
        let total = factors.reduce(0) { $0 + $1.points }
        let score = 1 + thresholds.filter { total >= $0 }.count
        return ScoreExplanation(score: score, totalPoints: total, factors: factors)
    }

    /// What a rate over delivery outcomes reads before the first outcome.
    public static let noOutcomes = "no outcomes yet"
    /// What a rate over sent messages reads before the first message.
    public static let nothingSent = "nothing sent yet"

    static func percent(_ basisPoints: Int) -> String {
        let hundredths = basisPoints % 100
        return "\(basisPoints / 100).\(hundredths < 10 ? "0" : "")\(hundredths)%"
    }
}

/// One standing decision (an STD-1 enforcement record) as the score reads it.
public struct EnforcementEntry: Sendable, Equatable {
    public let reason: StandingReason
    /// Decided by a rule rather than a person.
    public let automated: Bool
    public let decidedAt: Date

    public init(reason: StandingReason, automated: Bool, decidedAt: Date) {
        self.reason = reason
        self.automated = automated
        self.decidedAt = decidedAt
    }
}

/// PT-7's reading of an account's enforcement history (STD-1) and vetting outcome (STD-6).
///
/// - Adverse conduct decisions: suspensions for abusive traffic or fraud, bans and cascaded
///   bans. One that a review reversed (a `reinstated` or `ban_lifted` record right after it)
///   does not count: the review found against it.
/// - Security incidents: exposed credentials and account takeover. They count at half weight:
///   the customer was the victim, but leaked or taken-over accounts are where SMS pumping and
///   spam come from, and reinstatement after them is the normal ending, not a reversal.
/// - Not counted: dormancy, non-payment, owner closure (nothing about sending), and vetting
///   records, which are the vetting factor's.
/// Only decisions of the last 365 days count.
///
/// Vetting: `pending` while the account is `pending_vetting`; `reviewed` when it ever went
/// through a manual vetting review (a `vetting_review` record or a person's
/// `vetting_approved`); otherwise `approved` (approved automatically at sign-up).
public enum EnforcementHistory {
    public static let conduct: Set<StandingReason> = [.abusiveTraffic, .fraud, .ban, .banCascade]
    public static let security: Set<StandingReason> = [.exposedCredentials, .accountTakeover]
    public static let reversals: Set<StandingReason> = [.reinstated, .banLifted]
    public static let windowDays = 365

    public struct Summary: Sendable, Equatable {
        public let adverseDecisions: Int
        public let securityIncidents: Int
        public let vetting: VettingOutcome
    }

    public static func summarize(_ entries: [EnforcementEntry], standing: Standing, now: Date) -> Summary {
        // `inForce` is the adverse decision the account's standing still rests on: only that
        // one can be reversed (an upheld review leaves it in force).
        var inForce: EnforcementEntry?
        var counted: [EnforcementEntry] = []
        for entry in entries.sorted(by: { $0.decidedAt < $1.decidedAt }) where entry.reason != .reviewUpheld {
            if let current = inForce, !(reversals.contains(entry.reason) && conduct.contains(current.reason)) {
                counted.append(current)
            }
            inForce = conduct.contains(entry.reason) || security.contains(entry.reason) ? entry : nil
        }
        if let inForce { counted.append(inForce) }
        let since = now.addingTimeInterval(-Double(windowDays) * 86_400)
        let recent = counted.filter { $0.decidedAt >= since }
        let vetting: VettingOutcome
        if standing == .pendingVetting {
            vetting = .pending
        } else if entries.contains(where: { $0.reason == .vettingReview || ($0.reason == .vettingApproved && !$0.automated) }) {
            vetting = .reviewed
        } else {
            vetting = .approved
        }
        return Summary(adverseDecisions: recent.filter { conduct.contains($0.reason) }.count,
                       securityIncidents: recent.filter { security.contains($0.reason) }.count, vetting: vetting)
    }
}
