import Foundation

/// Ticket priorities (SUP-3). The requester picks one; staff may change it with a reason.
public enum TicketPriority: Int, CaseIterable, Sendable, Codable, Comparable {
    case businessCritical = 1
    case degradedService = 2
    case generalIssue = 3

    public var title: String {
        switch self {
        case .businessCritical: "1 - Business Critical"
        case .degradedService: "2 - Degraded Service"
        case .generalIssue: "3 - General Issue"
        }
    }

    /// Accepts `1`, `p1`, or the name (`business_critical`).
    public init(parsing text: String) throws(DomainError) {
        let lowered = text.lowercased()
        switch lowered {
        case "1", "p1", "business_critical": self = .businessCritical
        case "2", "p2", "degraded_service": self = .degradedService
        case "3", "p3", "general_issue": self = .generalIssue
        default:
            throw DomainError(.unknownPriority, "priority: \"\(text.prefix(32))\" is not a priority; use 1 (Business Critical), 2 (Degraded Service) or 3 (General Issue).")
        }
    }

    public static func < (lhs: TicketPriority, rhs: TicketPriority) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One response target of a plan: minutes, and whether they count around the clock or on
/// the business calendar of whoever has the ticket.
public struct ResponseTarget: Sendable, Hashable {
    public let minutes: Int
    public let aroundTheClock: Bool

    public init(minutes: Int, aroundTheClock: Bool) {
        self.minutes = minutes
        self.aroundTheClock = aroundTheClock
    }

    public var seconds: TimeInterval { TimeInterval(minutes) * 60 }

    /// "1 hour", "2 business hours", "90 business minutes".
    public var text: String {
        let unit = aroundTheClock ? "" : "business "
        if minutes % 60 == 0 {
            let hours = minutes / 60
            return "\(hours) \(unit)hour\(hours == 1 ? "" : "s")"
        }
        return "\(minutes) \(unit)minute\(minutes == 1 ? "" : "s")"
    }
}

/// A customer organisation's support plan (SUP-1, SUP-3). `personalized` ships with the
/// contractual targets; the others are configurable defaults.
public struct SupportPlan: Sendable, Hashable {
    public let id: String
    public let name: String
    /// Tickets of this plan go to a TAM first (SUP-5); the others go to the plan's queue.
    public let hasTAM: Bool
    public let queue: String
    public let targets: [TicketPriority: ResponseTarget]

    public init(id: String, name: String, hasTAM: Bool, queue: String, targets: [TicketPriority: ResponseTarget]) {
        self.id = id
        self.name = name
        self.hasTAM = hasTAM
        self.queue = queue
        self.targets = targets
    }

    public func target(for priority: TicketPriority) -> ResponseTarget? { targets[priority] }

    /// SUP-3: 1 hour around the clock; 2 and 3 business hours.
    public static let personalized = SupportPlan(id: "personalized", name: "Personalized", hasTAM: true, queue: SupportGroup.pse, targets: [
        .businessCritical: ResponseTarget(minutes: 60, aroundTheClock: true),
        .degradedService: ResponseTarget(minutes: 120, aroundTheClock: false),
        .generalIssue: ResponseTarget(minutes: 180, aroundTheClock: false),
    ])

    /// The default for everyone else: looser targets, worked by the general support queue.
    public static let standard = SupportPlan(id: "standard", name: "Standard", hasTAM: false, queue: SupportGroup.general, targets: [
        .businessCritical: ResponseTarget(minutes: 240, aroundTheClock: true),
        .degradedService: ResponseTarget(minutes: 480, aroundTheClock: false),
        .generalIssue: ResponseTarget(minutes: 1440, aroundTheClock: false),
    ])

    public static let all: [SupportPlan] = [.personalized, .standard]

    public static func named(_ id: String) throws(DomainError) -> SupportPlan {
        guard let plan = all.first(where: { $0.id == id }) else {
            throw DomainError(.invalidParameter, "plan: \"\(id.prefix(32))\" is not a support plan; use \(all.map(\.id).joined(separator: " or ")).")
        }
        return plan
    }
}

/// Staff groups that own queues.
public enum SupportGroup {
    public static let pse = "pse"
    public static let general = "general"
    public static let consumerTrust = "consumer_trust"
    /// Progressive Trust requests (PT-10): more messages and score reviews.
    public static let trustSafety = "trust_safety"
    /// Support management: its members' calendars are the escalation on-call rota (SUP-9).
    public static let supportManagement = "support_management"
    public static let all = [pse, general, consumerTrust, trustSafety, supportManagement]
}
