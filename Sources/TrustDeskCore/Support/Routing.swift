import Foundation

/// Consumer Trust matters: handled only through tickets, by the Consumer Trust team, with no
/// SLA (SUP-15).
public enum ConsumerTrustTopic: String, CaseIterable, Sendable, Codable {
    case accountTakeover = "account_takeover"
    case vettingReview = "vetting_review"
    case dormantReactivation = "dormant_reactivation"
    case exposedCredentials = "exposed_credentials"
    case automatedDecisionReview = "automated_decision_review"
    /// A report that a user is under age (PRV-8).
    case underageUser = "underage_user"

    public var title: String {
        switch self {
        case .accountTakeover: "Account takeover"
        case .vettingReview: "Sign-up vetting review"
        case .dormantReactivation: "Reactivate a dormant account"
        case .exposedCredentials: "Exposed credentials"
        case .automatedDecisionReview: "Review of an automated decision"
        case .underageUser: "Under-age user report"
        }
    }

    public static let expectation = "The Consumer Trust team answers through this ticket; expect an answer within 24-48 hours."

    public static func parse(_ text: String) throws(DomainError) -> ConsumerTrustTopic? {
        guard !text.isEmpty else { return nil }
        guard let topic = ConsumerTrustTopic(rawValue: text) else {
            throw DomainError(.invalidParameter, "topic: \"\(text.prefix(32))\" is not a Consumer Trust topic; use \(allCases.map(\.rawValue).joined(separator: ", ")) or leave it empty.")
        }
        return topic
    }
}

/// A person a ticket could go to, with what routing needs to know about them now.
public struct RoutingCandidate: Sendable, Equatable {
    public let id: String
    public let name: String
    public let calendar: BusinessCalendar
    /// False when they marked themselves away.
    public let available: Bool
    public let openTickets: Int

    public init(id: String, name: String, calendar: BusinessCalendar, available: Bool, openTickets: Int) {
        self.id = id
        self.name = name
        self.calendar = calendar
        self.available = available
        self.openTickets = openTickets
    }

    func onShift(at now: Date) -> Bool { available && calendar.isWorking(at: now) }
}

/// Where a new ticket goes and why; the reason is written to the ticket's history.
public struct RoutingDecision: Sendable, Equatable {
    public let assigneeID: String?
    public let group: String
    public let reason: String
    /// False for Consumer Trust tickets (SUP-15).
    public let hasSLA: Bool
    public let expectation: String?
}

/// SUP-5, SUP-15: primary TAM in their hours, else secondary TAM in theirs, else the PSE
/// on shift with the least open work; other plans go to their queue; Consumer Trust
/// topics to the Consumer Trust team; Progressive Trust requests (PT-10) to trust and safety.
public enum Routing {
    public static func route(
        plan: SupportPlan, topic: ConsumerTrustTopic?, trustTopic: TrustSafetyTopic? = nil, at now: Date,
        primaryTAM: RoutingCandidate?, secondaryTAM: RoutingCandidate?, pool: [RoutingCandidate]
    ) -> RoutingDecision {
        if let trustTopic {
            // Only trust and safety may decide it (PT-10), so a TAM or PSE would only pass it on.
            return RoutingDecision(assigneeID: nil, group: SupportGroup.trustSafety,
                                   reason: "Progressive Trust request (\(trustTopic.title)): queued for the trust-and-safety group with the \(plan.name) plan's response targets (PT-10).",
                                   hasSLA: true, expectation: TrustSafetyTopic.expectation)
        }
        if let topic {
            return RoutingDecision(assigneeID: nil, group: SupportGroup.consumerTrust,
                                   reason: "Consumer Trust topic (\(topic.title)): queued for the Consumer Trust team, no SLA (SUP-15).",
                                   hasSLA: false, expectation: ConsumerTrustTopic.expectation)
        }
        guard plan.hasTAM else {
            return RoutingDecision(assigneeID: nil, group: plan.queue, reason: "\(plan.name) plan: queued for the \(plan.queue) group.",
                                   hasSLA: true, expectation: nil)
        }
        var skipped: [String] = []
        for (label, candidate) in [("primary TAM", primaryTAM), ("secondary TAM", secondaryTAM)] {
            guard let candidate else {
                skipped.append("no \(label)")
                continue
            }
            if candidate.onShift(at: now) {
                return RoutingDecision(assigneeID: candidate.id, group: plan.queue,
                                       reason: "Assigned to the \(label) \(candidate.name): within their working hours (\(candidate.calendar.timeZone.identifier))\(skipped.isEmpty ? "" : "; " + skipped.joined(separator: "; ")).",
                                       hasSLA: true, expectation: nil)
            }
            skipped.append("\(label) \(candidate.name) \(candidate.available ? "outside working hours" : "away")")
        }
        let onShift = pool.filter { $0.onShift(at: now) }.sorted { ($0.openTickets, $0.id) < ($1.openTickets, $1.id) }
        if let pick = onShift.first {
            return RoutingDecision(assigneeID: pick.id, group: plan.queue,
                                   reason: "Assigned to the on-shift PSE \(pick.name) with the fewest open tickets (\(pick.openTickets)): \(skipped.joined(separator: "; ")).",
                                   hasSLA: true, expectation: nil)
        }
        return RoutingDecision(assigneeID: nil, group: plan.queue,
                               reason: "Queued for the PSE pool: no engineer on shift; \(skipped.joined(separator: "; ")).",
                               hasSLA: true, expectation: nil)
    }
}
