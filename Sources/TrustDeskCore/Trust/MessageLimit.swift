import Foundation

/// A reputation score (PT-1): 1 is best, 5 is worst.
public struct ReputationScore: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int

    public init?(rawValue: Int) {
        guard (1...5).contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    public static let best = ReputationScore(unchecked: 1)
    public static let worst = ReputationScore(unchecked: 5)

    private init(unchecked: Int) { self.rawValue = unchecked }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }

    /// The multiple of the 60-day average daily volume, in tenths (PT-2). Tenths keep 1.8x and
    /// 1.6x exact: binary floating point would round some products down by one message.
    public var limitMultipleTenths: Int? {
        switch rawValue {
        case 1: nil
        case 2: 30
        case 3: 20
        case 4: 18
        default: 16
        }
    }
}

/// An account's daily outbound SMS limit (PT-2).
public enum DailyLimit: Hashable, Sendable, CustomStringConvertible {
    case unlimited
    case messages(Int)

    public var messages: Int? {
        if case let .messages(count) = self { return count }
        return nil
    }

    public var description: String {
        switch self {
        case .unlimited: "unlimited"
        case let .messages(count): count.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))
        }
    }
}

/// PT-2 and PT-3: the limit from the score and the 60-day volume.
public struct MessageLimitRule: Sendable, Equatable {
    /// Days in the average (PT-3).
    public static let averageDays = 60
    /// The limit of an account with no outbound SMS in the 60 days (PT-2).
    public var defaultLimit: Int
    /// No computed limit is below this (PT-2, configurable).
    public var floor: Int

    public init(defaultLimit: Int = 1_000, floor: Int = 1_000) {
        self.defaultLimit = defaultLimit
        self.floor = floor
    }

    /// The 60 complete UTC days before the day of `now` (PT-3): `[start, end)`.
    public static func averageWindow(endingBefore now: Date) -> (start: Date, end: Date) {
        let end = UTCDay.start(of: now)
        return (end.addingTimeInterval(-Double(averageDays) * 86_400), end)
    }

    /// `admitted` is the number of admitted outbound SMS in `averageWindow` (PT-3). The average
    /// is admitted / 60 and the limit is that times the score's multiple, rounded down, computed
    /// as one integer division so nothing is rounded twice.
    public func limit(score: ReputationScore, admittedInAverageWindow admitted: Int) -> DailyLimit {
        guard let tenths = score.limitMultipleTenths else { return .unlimited }
        guard admitted > 0 else { return .messages(max(defaultLimit, floor)) }
        let (product, overflow) = admitted.multipliedReportingOverflow(by: tenths)
        let computed = overflow ? Int.max / 2 : product / (Self.averageDays * 10)
        return .messages(max(floor, computed))
    }
}

/// UTC calendar days, the unit of PT-2's "daily" and PT-3's average.
public enum UTCDay {
    public static func start(of date: Date) -> Date {
        let seconds = date.timeIntervalSince1970
        return Date(timeIntervalSince1970: (seconds / 86_400).rounded(.down) * 86_400)
    }

    /// `yyyy-MM-dd` of the UTC day. Dates are `LocalDate` arithmetic (no calendar object, no
    /// locale), the same code the business-hours calendars use.
    public static func key(_ date: Date) -> String {
        LocalDate(dayNumber: Int((date.timeIntervalSince1970 / 86_400).rounded(.down))).description
    }

    /// Parses `yyyy-MM-dd` as the start of that UTC day.
    public static func parse(_ text: String) -> Date? {
        LocalDate(text).map { Date(timeIntervalSince1970: Double($0.dayNumber) * 86_400) }
    }
}
