import Foundation
import Synchronization
import Vapor

/// The one source of "now" in the server (DESIGN: nothing calls `Date()` outside it).
/// Tests fix it and move it forward to walk through link expiry, purges and schedules.
public final class AppClock: Sendable {
    private let fixed: Mutex<Date?>

    public init(fixedAt date: Date? = nil) {
        self.fixed = Mutex(date)
    }

    public func now() -> Date {
        fixed.withLock { $0 } ?? Date()
    }

    /// Freezes the clock at `date`.
    public func set(_ date: Date) {
        fixed.withLock { $0 = date }
    }

    /// Moves a frozen clock forward (freezing it first at the current time if needed).
    public func advance(by interval: TimeInterval) {
        fixed.withLock { current in
            current = (current ?? Date()).addingTimeInterval(interval)
        }
    }
}

extension Application {
    private struct ClockKey: StorageKey { typealias Value = AppClock }

    public var clock: AppClock {
        shared(ClockKey.self) { AppClock() }
    }

    public func useClock(_ clock: AppClock) {
        storage[ClockKey.self] = clock
    }
}

extension Request {
    public var now: Date { application.clock.now() }
}
