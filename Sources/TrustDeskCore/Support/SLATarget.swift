import Foundation

/// What a target measures (SUP-8): the first response, then the next response after each
/// customer reply.
public enum SLAMetric: String, Sendable, Codable, CaseIterable {
    case firstResponse = "first_response"
    case nextResponse = "next_response"

    public var title: String {
        switch self {
        case .firstResponse: "First response"
        case .nextResponse: "Next response"
        }
    }
}

public enum SLAStatus: String, Sendable, Codable, CaseIterable {
    case active, paused, achieved, breached

    public var isOpen: Bool { self == .active || self == .paused }
}

/// One response target of a ticket (SUP-8). The clock runs on `calendar` and pauses while
/// the ticket waits on the customer (pending) or is on hold; it ends achieved (a public
/// staff reply in time) or breached (the due time passed first).
///
/// Stored as plain values so the server can persist it: `dueAt` is set only while the
/// clock runs, which is what the breach job's index looks at.
public struct SLATarget: Sendable, Equatable {
    public let metric: SLAMetric
    public private(set) var target: ResponseTarget
    public private(set) var status: SLAStatus
    /// Working seconds already used before the current run.
    public private(set) var usedSeconds: TimeInterval
    public private(set) var runningSince: Date?
    public private(set) var dueAt: Date?
    public private(set) var endedAt: Date?

    public init(metric: SLAMetric, target: ResponseTarget, status: SLAStatus, usedSeconds: TimeInterval, runningSince: Date?, dueAt: Date?, endedAt: Date?) {
        self.metric = metric
        self.target = target
        self.status = status
        self.usedSeconds = usedSeconds
        self.runningSince = runningSince
        self.dueAt = dueAt
        self.endedAt = endedAt
    }

    /// A target starting now; `paused` when the ticket starts out waiting.
    public static func start(_ metric: SLAMetric, target: ResponseTarget, at now: Date, on calendar: BusinessCalendar,
                             paused: Bool = false) throws(DomainError) -> SLATarget {
        var value = SLATarget(metric: metric, target: target, status: .paused, usedSeconds: 0, runningSince: nil, dueAt: nil, endedAt: nil)
        if !paused { try value.resume(at: now, on: calendar) }
        return value
    }

    public static func calendar(for target: ResponseTarget, assigneeCalendar: BusinessCalendar) -> BusinessCalendar {
        target.aroundTheClock ? .aroundTheClock(timeZone: assigneeCalendar.timeZone.identifier) : assigneeCalendar
    }

    /// Working seconds the target has left: exact to the second and below, never rounded to a
    /// minute, because a due time that falls at the very end of a working interval must stay
    /// there and not move to the next working day.
    public var remainingSeconds: TimeInterval {
        max(0, target.seconds - usedSeconds)
    }

    /// The ticket went pending or on hold: the working time so far is banked.
    public mutating func pause(at now: Date, on calendar: BusinessCalendar) {
        guard status == .active, let since = runningSince else { return }
        usedSeconds += calendar.businessSeconds(from: since, to: now)
        runningSince = nil
        dueAt = nil
        status = .paused
    }

    /// The ticket is worked again: the remaining time counts from now. Throws when the
    /// calendar has no working time left for years (SUP-4): no due time rather than a wrong one.
    public mutating func resume(at now: Date, on calendar: BusinessCalendar) throws(DomainError) {
        guard status == .paused else { return }
        let due = try calendar.adding(businessSeconds: remainingSeconds, to: now)
        runningSince = now
        dueAt = due
        status = .active
    }

    /// A public staff reply: achieved if in time, else breached (if the job has not yet
    /// said so).
    public mutating func respond(at now: Date) {
        guard status.isOpen else { return }
        if status == .active, let dueAt, now > dueAt {
            status = .breached
            endedAt = dueAt
        } else {
            status = .achieved
            endedAt = now
        }
    }

    /// The due time passed without a response. Idempotent.
    @discardableResult
    public mutating func breachIfDue(at now: Date) -> Bool {
        guard status == .active, let dueAt, dueAt <= now else { return false }
        status = .breached
        endedAt = dueAt
        return true
    }

    /// A priority change or a new owner: the time used so far stays banked, the rest is
    /// measured with the new target on the new calendar from now.
    public mutating func retarget(_ newTarget: ResponseTarget, at now: Date, from oldCalendar: BusinessCalendar,
                                  to newCalendar: BusinessCalendar) throws(DomainError) {
        guard status.isOpen else { return }
        var next = self
        let wasRunning = next.status == .active
        next.pause(at: now, on: oldCalendar)
        next.target = newTarget
        if wasRunning { try next.resume(at: now, on: newCalendar) }
        self = next
    }
}
