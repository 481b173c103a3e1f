import Foundation

/// Limits guesses at sign-in, PIN and recovery forms (SEC-2): at most `limit` failures per
/// key within a sliding `window`; after that the key waits until the oldest failure in the
/// window ages out.
public struct ThrottlePolicy: Sendable, Equatable {
    public let limit: Int
    public let window: TimeInterval

    public init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Per username (or email): slows guessing at one login without locking it for long.
    public static let signInPerIdentity = ThrottlePolicy(limit: 5, window: 15 * 60)
    /// Per client address: catches one source spraying many logins.
    public static let signInPerAddress = ThrottlePolicy(limit: 30, window: 15 * 60)
    /// Recovery forms (reset, username) send mail: fewer, to stop mail bombing.
    public static let recoveryPerIdentity = ThrottlePolicy(limit: 3, window: 60 * 60)
    public static let recoveryPerAddress = ThrottlePolicy(limit: 20, window: 60 * 60)
    /// Two-factor codes: 6 digits would fall to a patient guesser without this.
    public static let twoFactorPerUser = ThrottlePolicy(limit: 5, window: 15 * 60)

    public enum Decision: Equatable, Sendable {
        case allowed
        case blocked(retryAfter: TimeInterval)
    }

    /// `failures` are the times of recorded failures for one key, in any order.
    public func decide(failures: [Date], now: Date) -> Decision {
        let recent = failures.filter { now.timeIntervalSince($0) < window }.sorted()
        guard recent.count >= limit else { return .allowed }
        // The key frees up when enough failures age out to fall below the limit.
        let freeing = recent[recent.count - limit]
        return .blocked(retryAfter: max(1, ceil(window - now.timeIntervalSince(freeing))))
    }

    /// The start of the window, for the query that loads failures.
    public func windowStart(now: Date) -> Date { now.addingTimeInterval(-window) }
}
