import Foundation

/// Email subscriptions to status updates (STS-3).
public enum StatusSubscription {
    /// Whether a subscriber hears of an update. Subscribing to no component in particular means
    /// everything; an update that names no component concerns everyone.
    public static func wants(subscribedTo subscribed: Set<String>, affected: Set<String>) -> Bool {
        subscribed.isEmpty || affected.isEmpty || !subscribed.isDisjoint(with: affected)
    }

    /// Unconfirmed subscriptions are deleted this long after their link expired: nobody is
    /// mailed again without confirming.
    public static let unconfirmedRetention: TimeInterval = 24 * 3600

    /// The body RFC 8058 one-click unsubscribe posts.
    public static let oneClickBody = "List-Unsubscribe=One-Click"
}

extension ThrottlePolicy {
    /// Subscribe attempts per network (IPv4 /24, IPv6 /48): over 10 an hour is a script.
    public static let statusSubscribePerNetwork = ThrottlePolicy(limit: 10, window: 60 * 60)
    /// Per address: each attempt mails a confirmation, so a few an hour, against mail bombing.
    public static let statusSubscribePerAddress = ThrottlePolicy(limit: 3, window: 60 * 60)
}
