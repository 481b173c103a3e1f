import Foundation

/// Dormancy (STD-7): no usage for `threshold` days is warned `warningLead` days ahead, then
/// deactivated. The warning always comes first and at least `warningLead` ahead.
public struct DormancyPolicy: Sendable {
    public var thresholdDays: Int
    public var warningLeadDays: Int

    public init(thresholdDays: Int = 180, warningLeadDays: Int = 14) {
        self.thresholdDays = thresholdDays
        self.warningLeadDays = warningLeadDays
    }

    public enum Step: Equatable, Sendable {
        case nothing
        /// Send the warning; deactivation follows on `deactivateOn` unless the account is used.
        case warn(deactivateOn: Date)
        case deactivate
    }

    private var threshold: TimeInterval { TimeInterval(thresholdDays) * 86_400 }
    private var lead: TimeInterval { TimeInterval(warningLeadDays) * 86_400 }

    /// When the warning is due for an account last used at `lastUsage`.
    public func warningDue(lastUsage: Date) -> Date { lastUsage.addingTimeInterval(threshold - lead) }

    /// When the job should look again after `step` said `.nothing`: the warning's due time,
    /// or the end of the notice once warned.
    public func nextCheck(lastUsage: Date, warnedAt: Date?, now: Date) -> Date {
        let next: Date
        if let warning = warnedAt, warning >= lastUsage {
            next = max(lastUsage.addingTimeInterval(threshold), warning.addingTimeInterval(lead))
        } else {
            next = warningDue(lastUsage: lastUsage)
        }
        return max(next, now)
    }

    /// What to do now. A warning sent before the latest usage doesn't count (`warnedAt`
    /// older than `lastUsage` is treated as none).
    public func step(lastUsage: Date, warnedAt: Date?, now: Date) -> Step {
        let warning = warnedAt.flatMap { $0 >= lastUsage ? $0 : nil }
        guard let warning else {
            guard now >= warningDue(lastUsage: lastUsage) else { return .nothing }
            return .warn(deactivateOn: max(lastUsage.addingTimeInterval(threshold), now.addingTimeInterval(lead)))
        }
        let deactivateOn = max(lastUsage.addingTimeInterval(threshold), warning.addingTimeInterval(lead))
        return now >= deactivateOn ? .deactivate : .nothing
    }
}
