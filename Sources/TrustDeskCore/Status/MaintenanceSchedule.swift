import Foundation

/// What the `status_maintenance` job does for one scheduled maintenance at a given moment
/// (STS-2): remind subscribers ahead, start it on time (its components go under
/// maintenance), end it at its scheduled end (they come back). A node that was down catches up
/// without pretending: a reminder or a start that is no longer true is skipped.
public struct MaintenanceSchedule: Sendable, Equatable {
    public enum Step: String, Sendable, Equatable {
        /// Tell subscribers it starts soon.
        case remind
        /// Move it to in progress; components under maintenance.
        case start
        /// Move it to completed; components back to what they were.
        case complete
    }

    /// The default lead time of the reminder (`TRUSTDESK_STATUS_REMINDER_MINUTES`).
    public static let defaultReminderLead: TimeInterval = 60 * 60

    public let status: MaintenanceStatus
    public let scheduledFor: Date
    public let scheduledUntil: Date
    /// When it was announced; an announcement inside the reminder window is its own reminder.
    public let announcedAt: Date
    public let remindedAt: Date?
    public let reminderLead: TimeInterval

    public init(status: MaintenanceStatus, scheduledFor: Date, scheduledUntil: Date, announcedAt: Date, remindedAt: Date?, reminderLead: TimeInterval = defaultReminderLead) {
        self.status = status
        self.scheduledFor = scheduledFor
        self.scheduledUntil = scheduledUntil
        self.announcedAt = announcedAt
        self.remindedAt = remindedAt
        self.reminderLead = reminderLead
    }

    public var reminderAt: Date { scheduledFor.addingTimeInterval(-reminderLead) }

    private var owesReminder: Bool { status == .scheduled && remindedAt == nil && announcedAt < reminderAt }

    /// The steps due at `now`, in order. At most one: each step changes the status.
    public func due(at now: Date) -> Step? {
        switch status {
        case .completed:
            return nil
        case .inProgress, .verifying:
            return now >= scheduledUntil ? .complete : nil
        case .scheduled:
            // Down through the whole window: it is over, it never started here.
            if now >= scheduledUntil { return .complete }
            if now >= scheduledFor { return .start }
            if owesReminder, now >= reminderAt { return .remind }
            return nil
        }
    }

    /// When the job should next look at it; nil once completed. The job finds its work through
    /// this time alone.
    public var nextDue: Date? {
        switch status {
        case .completed: nil
        case .inProgress, .verifying: scheduledUntil
        case .scheduled: owesReminder ? reminderAt : scheduledFor
        }
    }

    /// A maintenance window as typed: it must end after it starts.
    public static func window(from start: Date, until end: Date) throws(DomainError) -> (Date, Date) {
        guard end > start else {
            throw DomainError(.invalidParameter, "scheduled_until: the maintenance must end after it starts.")
        }
        guard end.timeIntervalSince(start) <= maximumLength else {
            throw DomainError(.invalidParameter, "scheduled_until: a maintenance lasts at most 7 days; announce longer work as several windows.")
        }
        return (start, end)
    }

    public static let maximumLength: TimeInterval = 7 * 86_400
}
