import Foundation

/// How bad an incident is (STS-2). Derived from the components it affects unless staff
/// override it with a reason.
public enum IncidentImpact: String, CaseIterable, Sendable, Codable, Comparable {
    case none, minor, major, critical

    public var rank: Int {
        switch self {
        case .none: 0
        case .minor: 1
        case .major: 2
        case .critical: 3
        }
    }

    public static func < (lhs: IncidentImpact, rhs: IncidentImpact) -> Bool { lhs.rank < rhs.rank }

    public var title: String {
        switch self {
        case .none: "No impact"
        case .minor: "Minor"
        case .major: "Major"
        case .critical: "Critical"
        }
    }

    /// The worst impact any of the components' statuses implies.
    public static func derived(from statuses: [ComponentStatus]) -> IncidentImpact {
        statuses.map(\.impact).max() ?? IncidentImpact.none
    }

    public static func parse(_ text: String, field: String = "impact") throws(DomainError) -> IncidentImpact {
        guard let impact = IncidentImpact(rawValue: text.trimmingWhitespace().lowercased()) else {
            throw DomainError(.invalidParameter, "\(field): \"\(text.prefix(32))\" is not an impact; use \(allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return impact
    }

    /// The impact an incident gets: `override` when staff set one (with a reason, which the
    /// incident's history keeps), else what its components imply.
    public static func resolve(components: [ComponentStatus], override: IncidentImpact?, reason: String?) throws(DomainError) -> (impact: IncidentImpact, overridden: Bool) {
        let derived = derived(from: components)
        guard let override, override != derived else { return (derived, false) }
        guard let reason, !reason.trimmingWhitespace().isEmpty else {
            throw DomainError(.invalidParameter, "impact_reason: say why the impact differs from what the components imply (\(derived.rawValue)).")
        }
        return (override, true)
    }
}

/// The statuses of an incident's updates (STS-2) and the moves between them. While open, an
/// incident may move freely between the open statuses (a fix that did not hold goes back from
/// monitoring to identified) or be resolved. A resolved incident takes only its reason for
/// outage, as the `postmortem` update (STS-4); after that nothing.
public enum IncidentStatus: String, CaseIterable, Sendable, Codable {
    case investigating, identified, monitoring, resolved, postmortem

    public var title: String {
        switch self {
        case .investigating: "Investigating"
        case .identified: "Identified"
        case .monitoring: "Monitoring"
        case .resolved: "Resolved"
        case .postmortem: "Postmortem"
        }
    }

    public var isOpen: Bool { self == .investigating || self == .identified || self == .monitoring }

    /// Statuses an incident may be created in: a backfilled incident starts resolved.
    public static let initial: [IncidentStatus] = [.investigating, .identified, .monitoring, .resolved]

    /// Statuses staff may post an update in from here. `postmortem` is reached only by
    /// publishing the reason for outage.
    public var nextUpdates: [IncidentStatus] {
        isOpen ? [.investigating, .identified, .monitoring, .resolved] : []
    }

    public static func parse(_ text: String, field: String = "status") throws(DomainError) -> IncidentStatus {
        guard let status = IncidentStatus(rawValue: text.trimmingWhitespace().lowercased()) else {
            throw DomainError(.invalidParameter, "\(field): \"\(text.prefix(32))\" is not an incident status; use \(allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return status
    }

    /// An update's status, checked against the incident's current one.
    public func update(to target: IncidentStatus) throws(DomainError) -> IncidentStatus {
        guard nextUpdates.contains(target) else {
            throw DomainError(.statusTransitionNotAllowed, Self.refusal(from: self, to: target))
        }
        return target
    }

    static func refusal(from current: IncidentStatus, to target: IncidentStatus) -> String {
        switch current {
        case .resolved where target == .postmortem:
            "status: the postmortem is posted by publishing the reason for outage."
        case .resolved:
            "status: a resolved incident can't become \(target.rawValue) again; open a new incident, or publish the reason for outage."
        case .postmortem:
            "status: the reason for outage is published; the incident takes no more updates."
        default:
            "status: an \(current.rawValue) incident can't become \(target.rawValue); it can become \(current.nextUpdates.map(\.rawValue).joined(separator: ", "))."
        }
    }
}

/// The statuses of a scheduled maintenance (STS-2). It is announced `scheduled`, runs
/// `in_progress` (and `verifying` while checks run) and ends `completed`, on time or early.
public enum MaintenanceStatus: String, CaseIterable, Sendable, Codable {
    case scheduled
    case inProgress = "in_progress"
    case verifying
    case completed

    public var title: String {
        switch self {
        case .scheduled: "Scheduled"
        case .inProgress: "In progress"
        case .verifying: "Verifying"
        case .completed: "Completed"
        }
    }

    /// While active, its components are under maintenance.
    public var isActive: Bool { self == .inProgress || self == .verifying }

    public var nextUpdates: [MaintenanceStatus] {
        switch self {
        case .scheduled: [.scheduled, .inProgress, .completed]
        case .inProgress, .verifying: [.inProgress, .verifying, .completed]
        case .completed: []
        }
    }

    public static func parse(_ text: String, field: String = "status") throws(DomainError) -> MaintenanceStatus {
        guard let status = MaintenanceStatus(rawValue: text.trimmingWhitespace().lowercased()) else {
            throw DomainError(.invalidParameter, "\(field): \"\(text.prefix(32))\" is not a maintenance status; use \(allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return status
    }

    public func update(to target: MaintenanceStatus) throws(DomainError) -> MaintenanceStatus {
        guard nextUpdates.contains(target) else {
            let message = self == .completed
                ? "status: the maintenance is completed and takes no more updates."
                : "status: a \(rawValue) maintenance can't become \(target.rawValue); it can become \(nextUpdates.map(\.rawValue).joined(separator: ", "))."
            throw DomainError(.statusTransitionNotAllowed, message)
        }
        return target
    }
}

extension IncidentImpact {
    /// The impact after an update. It never drops on its own (resolving returns components to
    /// operational, yet the incident was as bad as it was); an override, with its reason,
    /// stays until staff give another.
    public static func afterUpdate(previous: IncidentImpact, previousOverridden: Bool, components: [ComponentStatus],
                                   override: IncidentImpact?, reason: String?) throws(DomainError) -> (impact: IncidentImpact, overridden: Bool) {
        if let override {
            guard let reason, !reason.trimmingWhitespace().isEmpty else {
                throw DomainError(.invalidParameter, "impact_reason: say why the impact is set by hand; it is kept with the incident.")
            }
            return (override, true)
        }
        if previousOverridden { return (previous, true) }
        return (max(previous, derived(from: components)), false)
    }
}
