import Foundation

/// Someone a call can ring: a TAM or a PSE with a phone number.
public struct PhoneCandidate: Sendable, Equatable {
    public let person: RoutingCandidate
    /// E.164; people without one can't be rung and are passed over.
    public let phone: String?

    public init(person: RoutingCandidate, phone: String?) {
        self.person = person
        self.phone = phone
    }
}

/// The stages of a support call, in the order they are tried (SUP-10).
public enum CallLeg: String, Sendable, CaseIterable, Codable, Comparable {
    case primary
    case secondary
    case pse

    private var rank: Int {
        switch self {
        case .primary: 0
        case .secondary: 1
        case .pse: 2
        }
    }

    public static func < (lhs: CallLeg, rhs: CallLeg) -> Bool { lhs.rank < rhs.rank }
}

/// What the call does next.
public enum CallStep: Sendable, Equatable {
    /// Ring these numbers (several ring in parallel; the first to answer takes the call).
    case dial(leg: CallLeg, people: [String], numbers: [String])
    /// Wait in a queue for whoever answers it.
    case enqueue(String)

    public var leg: CallLeg? {
        if case let .dial(leg, _, _) = self { return leg }
        return nil
    }
}

/// A provider's `DialCallStatus`.
public enum DialOutcome: String, Sendable, CaseIterable {
    case completed, answered, busy, failed, canceled
    case noAnswer = "no-answer"

    /// Nobody took the call: try the next stage.
    public var passesOn: Bool { self != .completed && self != .answered }
}

/// SUP-10: the PIN finds the customer; the call rings the primary TAM within their hours,
/// then (busy or no answer) the secondary TAM within theirs, then every PSE on shift at once,
/// then waits in the PSE queue. The order is `Routing.route`'s (SUP-5), asked with the same
/// people, so a call and a ticket opened at the same moment go to the same person first.
public enum VoiceRouting {
    public static let pseQueue = "pse"
    public static let generalQueue = "general"
    /// How long each stage rings before it counts as no answer.
    public static let ringSeconds = 20

    public struct Plan: Sendable, Equatable {
        /// In order; the last is always a queue.
        public let steps: [CallStep]
        /// Why the first step: the routing decision's reason, for the call log.
        public let reason: String

        public var first: CallStep { steps.first ?? .enqueue(VoiceRouting.pseQueue) }

        /// The step after `leg` did not answer.
        public func after(_ leg: CallLeg) -> CallStep {
            steps.first { step in step.leg.map { $0 > leg } ?? true } ?? .enqueue(VoiceRouting.pseQueue)
        }
    }

    public static func plan(primary: PhoneCandidate?, secondary: PhoneCandidate?, pool: [PhoneCandidate], at now: Date) -> Plan {
        // Only people who can be rung are candidates: a TAM without a phone is skipped as if away.
        func reachable(_ candidate: PhoneCandidate?) -> RoutingCandidate? {
            guard let candidate, candidate.phone != nil else { return nil }
            return candidate.person
        }
        let phones = Dictionary(([primary, secondary].compactMap { $0 } + pool).compactMap { candidate in candidate.phone.map { (candidate.person.id, $0) } },
                                uniquingKeysWith: { first, _ in first })
        let decision = Routing.route(plan: .personalized, topic: nil, at: now, primaryTAM: reachable(primary), secondaryTAM: reachable(secondary),
                                     pool: pool.compactMap { reachable($0) })
        var steps: [CallStep] = []
        if let first = decision.assigneeID, let number = phones[first], first == primary?.person.id {
            steps.append(.dial(leg: .primary, people: [first], numbers: [number]))
        }
        if let secondary, let number = secondary.phone, secondary.person.onShift(at: now), secondary.person.id != primary?.person.id {
            steps.append(.dial(leg: .secondary, people: [secondary.person.id], numbers: [number]))
        }
        // Every PSE on shift rings at once: a caller should not wait through them one by one.
        let onShift = pool.filter { $0.phone != nil && $0.person.onShift(at: now) }.sorted { $0.person.id < $1.person.id }
        if !onShift.isEmpty {
            steps.append(.dial(leg: .pse, people: onShift.map(\.person.id), numbers: onShift.compactMap(\.phone)))
        }
        steps.append(.enqueue(pseQueue))
        return Plan(steps: steps, reason: decision.reason)
    }
}
