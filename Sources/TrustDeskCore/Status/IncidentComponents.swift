import Foundation

/// Which statuses an update leaves the components in (STS-1, STS-2). Staff set the statuses
/// they mean; resolving an incident also returns every component it affected to operational,
/// except one that staff set otherwise in the same update or that another unresolved incident
/// or active maintenance still holds.
public enum IncidentComponents {
    /// - Parameters:
    ///   - status: the status the update posts.
    ///   - requested: component id -> the status staff chose in this update.
    ///   - current: component id -> its status now, for every component concerned.
    ///   - affected: the components the incident already affects.
    ///   - heldElsewhere: components another unresolved incident or active maintenance affects.
    /// - Returns: component id -> new status, only for components whose status changes.
    public static func afterUpdate(status: IncidentStatus, requested: [String: ComponentStatus], current: [String: ComponentStatus],
                                   affected: Set<String>, heldElsewhere: Set<String>) -> [String: ComponentStatus] {
        var next = requested
        if status == .resolved {
            for id in affected where requested[id] == nil && !heldElsewhere.contains(id) {
                next[id] = .operational
            }
        }
        return next.filter { id, status in current[id] != status }
    }

    /// What a maintenance's components become when it starts: under maintenance, each
    /// remembering what it was.
    public static func atMaintenanceStart(current: [String: ComponentStatus]) -> [String: ComponentStatus] {
        current.filter { $0.value != .underMaintenance }.mapValues { _ in .underMaintenance }
    }

    /// ... and when it ends: back to what each was, unless something else changed it meanwhile
    /// (it is no longer under maintenance) or another active maintenance still holds it.
    public static func atMaintenanceEnd(current: [String: ComponentStatus], prior: [String: ComponentStatus],
                                        heldElsewhere: Set<String>) -> [String: ComponentStatus] {
        var next: [String: ComponentStatus] = [:]
        for (id, status) in current where status == .underMaintenance && !heldElsewhere.contains(id) {
            let restored = prior[id] ?? .operational
            next[id] = restored == .underMaintenance ? .operational : restored
        }
        return next
    }
}
