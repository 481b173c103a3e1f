import Foundation

/// How long until a response target is due, as a queue row says it (issue 11): "in 1 h 20 min",
/// "in 3 d 4 h", or, once the due time has passed, "breached 12 min ago". Rounded down to the
/// minute ahead of the due time, so a row never promises more time than is left.
public struct DueCountdown: Sendable, Equatable {
    public let text: String
    /// The due time has passed (SUP-8 breach): pages show it in red.
    public let breached: Bool

    public init(due: Date, now: Date) {
        let seconds = due.timeIntervalSince(now)
        breached = seconds <= 0
        let minutes = Int((abs(seconds) / 60).rounded(breached ? .up : .down))
        let span = Self.span(minutes: minutes)
        text = breached ? "breached \(span) ago" : minutes == 0 ? "in under 1 min" : "in \(span)"
    }

    /// "45 min", "1 h 20 min", "2 h", "3 d 4 h": two units at most, the larger first.
    static func span(minutes: Int) -> String {
        let days = minutes / 1440, hours = minutes % 1440 / 60, rest = minutes % 60
        if days > 0 { return hours > 0 ? "\(days) d \(hours) h" : "\(days) d" }
        if hours > 0 { return rest > 0 ? "\(hours) h \(rest) min" : "\(hours) h" }
        return "\(rest) min"
    }
}
