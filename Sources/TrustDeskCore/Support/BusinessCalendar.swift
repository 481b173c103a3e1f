import Foundation

/// A calendar date in a calendar's own time zone (holidays are local dates).
public struct LocalDate: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        self.init(year: year, month: month, day: day)
        guard LocalDate(dayNumber: dayNumber) == self else { return nil }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm):
    /// pure arithmetic, so holiday and weekday checks never depend on a locale.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    public var weekday: Weekday { Weekday.of(dayNumber: dayNumber) }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.dayNumber < rhs.dayNumber }
}

public enum Weekday: Int, CaseIterable, Sendable, Codable, Comparable {
    case sunday = 0, monday, tuesday, wednesday, thursday, friday, saturday

    static func of(dayNumber: Int) -> Weekday {
        // 1970-01-01 was a Thursday.
        Weekday(rawValue: ((dayNumber % 7) + 7 + 4) % 7) ?? .sunday
    }

    public var short: String {
        switch self {
        case .sunday: "Sun"
        case .monday: "Mon"
        case .tuesday: "Tue"
        case .wednesday: "Wed"
        case .thursday: "Thu"
        case .friday: "Fri"
        case .saturday: "Sat"
        }
    }

    public init?(short text: String) {
        guard let match = Weekday.allCases.first(where: { $0.short.lowercased() == text.lowercased().prefix(3) && text.count >= 3 }) else { return nil }
        self = match
    }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A working interval on one weekday, in local wall-clock minutes from midnight: `start`
/// inclusive, `end` exclusive, `end` at most 1440 (midnight).
public struct WorkingInterval: Hashable, Sendable, Comparable {
    public let weekday: Weekday
    public let startMinute: Int
    public let endMinute: Int

    public init(_ weekday: Weekday, _ startMinute: Int, _ endMinute: Int) {
        self.weekday = weekday
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    public static func < (lhs: WorkingInterval, rhs: WorkingInterval) -> Bool {
        (lhs.weekday.rawValue, lhs.startMinute) < (rhs.weekday.rawValue, rhs.startMinute)
    }
}

/// Business hours (SUP-4): an IANA time zone, weekly working intervals and dated holidays.
///
/// All arithmetic walks absolute time in stretches of constant UTC offset (split at the
/// zone's transitions), so a DST change, a midnight or a week boundary is never a special
/// case: in each stretch wall-clock time is `instant + offset`.
public struct BusinessCalendar: Sendable, Hashable {
    public let name: String
    public let timeZone: TimeZone
    /// Sorted, non-overlapping per weekday.
    public let intervals: [WorkingInterval]
    public let holidays: Set<LocalDate>

    public init(name: String, timeZone identifier: String, intervals: [WorkingInterval], holidays: Set<LocalDate> = []) throws(DomainError) {
        let zone = try Self.timeZone(identifier)
        for interval in intervals where !(0..<1440).contains(interval.startMinute) || !(1...1440).contains(interval.endMinute) || interval.startMinute >= interval.endMinute {
            throw DomainError(.invalidParameter, "weekly_hours: \(interval.weekday.short) \(Self.clock(interval.startMinute))-\(Self.clock(interval.endMinute)) is not a valid interval; the start must come before the end, within one day.")
        }
        let merged = Self.merge(intervals)
        guard !merged.isEmpty else {
            throw DomainError(.invalidParameter, "weekly_hours: a calendar needs at least one working interval.")
        }
        self.name = name
        self.timeZone = zone
        self.intervals = merged
        self.holidays = holidays
    }

    /// The IANA zone named `identifier`.
    public static func timeZone(_ identifier: String) throws(DomainError) -> TimeZone {
        guard !identifier.isEmpty, let zone = TimeZone(identifier: identifier) else {
            throw DomainError(.invalidParameter, "time_zone: \"\(identifier.prefix(64))\" is not an IANA time zone; use a name like America/New_York.")
        }
        return zone
    }

    /// Every minute of every day: priority 1 and the PSE pool (SUP-3, SUP-5).
    public static func aroundTheClock(name: String = "24x7", timeZone: String = "UTC") -> BusinessCalendar {
        let all = Weekday.allCases.map { WorkingInterval($0, 0, 1440) }
        // A known zone and valid intervals: this can't fail.
        return (try? BusinessCalendar(name: name, timeZone: timeZone, intervals: all))
            ?? BusinessCalendar(uncheckedName: name, intervals: all)
    }

    private init(uncheckedName name: String, intervals: [WorkingInterval]) {
        self.name = name
        self.timeZone = TimeZone(secondsFromGMT: 0) ?? .current
        self.intervals = intervals
        self.holidays = []
    }

    public var isAroundTheClock: Bool {
        holidays.isEmpty && Weekday.allCases.allSatisfy { day in intervals.contains { $0.weekday == day && $0.startMinute == 0 && $0.endMinute == 1440 } }
    }

    private static func merge(_ intervals: [WorkingInterval]) -> [WorkingInterval] {
        var result: [WorkingInterval] = []
        for interval in intervals.sorted() {
            if let last = result.last, last.weekday == interval.weekday, interval.startMinute <= last.endMinute {
                result[result.count - 1] = WorkingInterval(last.weekday, last.startMinute, max(last.endMinute, interval.endMinute))
            } else {
                result.append(interval)
            }
        }
        return result
    }

    // MARK: Working time

    /// A stretch of working time in absolute time, `start` inclusive, `end` exclusive.
    public struct Span: Sendable, Equatable {
        public let start: Date
        public let end: Date
        public var seconds: TimeInterval { end.timeIntervalSince(start) }
    }

    /// How far the search for working time looks ahead before giving up: a calendar whose
    /// holidays cover years is a configuration mistake, not a reason to loop for ever. A search
    /// that reaches it throws (`horizonError`) rather than answer a date it did not reach.
    static let horizon: TimeInterval = 5 * 366 * 86400

    /// Working time this close to a span's end counts as reaching it: banked seconds are sums of
    /// clock differences, and a microsecond of rounding must not move a due time to the next
    /// working day.
    static let tolerance: TimeInterval = 0.001

    /// Working spans from `start` on, in order, until `body` returns false or `limit` (the
    /// horizon when nil). Returns true when `body` stopped the walk, false when it ran out.
    @discardableResult
    public func forEachSpan(from start: Date, until limit: Date? = nil, _ body: (Span) -> Bool) -> Bool {
        let end = (limit ?? start.addingTimeInterval(Self.horizon)).timeIntervalSince1970
        var cursor = start.timeIntervalSince1970
        while cursor < end {
            let cursorDate = Date(timeIntervalSince1970: cursor)
            let offset = TimeInterval(timeZone.secondsFromGMT(for: cursorDate))
            var stretchEnd = min(end, cursor + 7 * 86400)
            if let transition = timeZone.nextDaylightSavingTimeTransition(after: cursorDate)?.timeIntervalSince1970, transition < stretchEnd {
                stretchEnd = transition
            }
            let wallStart = cursor + offset
            let wallEnd = stretchEnd + offset
            var day = Int((wallStart / 86400).rounded(.down))
            while Double(day) * 86400 < wallEnd {
                let date = LocalDate(dayNumber: day)
                if !holidays.contains(date) {
                    let weekday = date.weekday
                    for interval in intervals where interval.weekday == weekday {
                        let a = max(cursor, Double(day) * 86400 + Double(interval.startMinute * 60) - offset)
                        let b = min(stretchEnd, Double(day) * 86400 + Double(interval.endMinute * 60) - offset)
                        if a < b, !body(Span(start: Date(timeIntervalSince1970: a), end: Date(timeIntervalSince1970: b))) { return true }
                    }
                }
                day += 1
            }
            cursor = stretchEnd
        }
        return false
    }

    /// Whether `instant` is working time.
    public func isWorking(at instant: Date) -> Bool {
        forEachSpan(from: instant, until: instant.addingTimeInterval(1)) { _ in false }
    }

    /// `instant` plus `minutes` of working time (SUP-4). Zero minutes is `instant` itself.
    /// When the last minute ends a working interval the answer is that interval's end.
    public func adding(businessMinutes minutes: Int, to instant: Date) throws(DomainError) -> Date {
        try adding(businessSeconds: TimeInterval(minutes) * 60, to: instant)
    }

    /// `instant` plus `seconds` of working time, to the second and below: a clock paused and
    /// resumed mid-minute (SUP-8) keeps exactly the time it had left.
    public func adding(businessSeconds seconds: TimeInterval, to instant: Date) throws(DomainError) -> Date {
        try spans(adding: seconds, to: instant).last?.end ?? instant
    }

    /// The working spans that `seconds` of business time use from `instant`, merged where
    /// they touch: what a due-time explanation lists. Throws when the calendar has not that
    /// much working time within its search horizon.
    public func spans(adding seconds: TimeInterval, to instant: Date) throws(DomainError) -> [Span] {
        guard seconds > 0 else { return [] }
        var remaining = seconds
        var used: [Span] = []
        let stopped = forEachSpan(from: instant) { span in
            // Within the tolerance of the span's end, the span's end is the answer.
            let finishes = remaining <= span.seconds + Self.tolerance
            let piece = finishes ? Span(start: span.start, end: min(span.end, span.start.addingTimeInterval(remaining))) : span
            if let last = used.last, last.end == piece.start {
                used[used.count - 1] = Span(start: last.start, end: piece.end)
            } else {
                used.append(piece)
            }
            remaining = finishes ? 0 : remaining - span.seconds
            return !finishes
        }
        guard stopped else { throw horizonError(from: instant, needing: seconds) }
        return used
    }

    /// Working seconds in `[from, to)`.
    public func businessSeconds(from start: Date, to end: Date) -> TimeInterval {
        guard start < end else { return 0 }
        var total: TimeInterval = 0
        forEachSpan(from: start, until: end) { span in
            total += span.seconds
            return true
        }
        return total
    }

    /// Whole working minutes in `[from, to)` (SUP-4).
    public func businessMinutes(from start: Date, to end: Date) -> Int {
        Int((businessSeconds(from: start, to: end) / 60).rounded(.down))
    }

    /// The end of the `days`-th working day after the one `instant` falls on (SUP-7): a
    /// working day is a local date with working hours that is not a holiday. Throws when the
    /// horizon ends first.
    public func endOfBusinessDay(_ days: Int, after instant: Date) throws(DomainError) -> Date {
        let startDay = localDay(of: instant)
        var seen = 0
        var currentDay: Int?
        var end = instant
        var result: Date?
        forEachSpan(from: instant) { span in
            let day = localDay(of: span.start)
            guard day != startDay else { return true }
            if day != currentDay {
                if seen == days {
                    result = end
                    return false
                }
                currentDay = day
                seen += 1
            }
            end = span.end
            return true
        }
        guard let result else { throw horizonError(from: instant, needing: nil, days: days) }
        return result
    }

    /// A search ran past the horizon: say so, instead of answering with the last date reached.
    private func horizonError(from instant: Date, needing seconds: TimeInterval?, days: Int? = nil) -> DomainError {
        let years = Int(Self.horizon / (366 * 86400))
        let wanted = seconds.map { "\(Self.durationText($0)) of working time" } ?? "\(days ?? 0) working days"
        return DomainError(.noWorkingTimeAhead,
                           "The calendar \"\(name.prefix(80))\" has less than \(wanted) in the \(years) years after \(Self.isoText(instant)); a staff admin must correct its hours or holidays.")
    }

    static func isoText(_ instant: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: instant)
    }

    /// "90 min", "119 min 30 s", "45 s": whole minutes, and the seconds when there are some.
    public static func durationText(_ seconds: TimeInterval) -> String {
        let total = Int(seconds.rounded())
        let (minutes, rest) = (total / 60, total % 60)
        if rest == 0 { return "\(minutes) min" }
        return minutes > 0 ? "\(minutes) min \(rest) s" : "\(rest) s"
    }

    /// Days since 1970-01-01 of the local date `instant` falls on.
    func localDay(of instant: Date) -> Int {
        let wall = instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))
        return Int((wall / 86400).rounded(.down))
    }

    // MARK: Text form

    /// Minutes from midnight as `HH:MM` (1440 is `24:00`).
    public static func clock(_ minute: Int) -> String {
        String(format: "%02d:%02d", minute / 60, minute % 60)
    }

    /// The weekly hours as staff type them: `Mon 09:00-18:00, Tue 09:00-12:00 13:00-18:00`.
    public var weeklyText: String {
        Weekday.allCases.compactMap { day in
            let todays = intervals.filter { $0.weekday == day }
            guard !todays.isEmpty else { return nil }
            return day.short + " " + todays.map { "\(Self.clock($0.startMinute))-\(Self.clock($0.endMinute))" }.joined(separator: " ")
        }.joined(separator: ", ")
    }

    public var holidaysText: String {
        holidays.sorted().map(\.description).joined(separator: ", ")
    }

    /// Parses `weeklyText`. `Mon-Fri 09:00-18:00` names a range of days.
    public static func parseWeekly(_ text: String) throws(DomainError) -> [WorkingInterval] {
        var result: [WorkingInterval] = []
        for clause in text.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\n" }) {
            let words = clause.split(separator: " ").map(String.init)
            guard let dayWord = words.first, words.count >= 2 else {
                throw DomainError(.invalidParameter, "weekly_hours: \"\(clause.prefix(40))\" should look like \"Mon 09:00-18:00\".")
            }
            let days = try weekdays(dayWord)
            for range in words.dropFirst() {
                let ends = range.split(separator: "-").map(String.init)
                guard ends.count == 2, let start = minute(ends[0]), let end = minute(ends[1]) else {
                    throw DomainError(.invalidParameter, "weekly_hours: \"\(range.prefix(20))\" should look like 09:00-18:00.")
                }
                result += days.map { WorkingInterval($0, start, end) }
            }
        }
        return result
    }

    public static func parseHolidays(_ text: String) throws(DomainError) -> Set<LocalDate> {
        var result: Set<LocalDate> = []
        for word in text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" || $0 == ";" }) {
            guard let date = LocalDate(String(word)) else {
                throw DomainError(.invalidParameter, "holidays: \"\(word.prefix(20))\" is not a date; use YYYY-MM-DD.")
            }
            result.insert(date)
        }
        return result
    }

    private static func weekdays(_ word: String) throws(DomainError) -> [Weekday] {
        let ends = word.split(separator: "-").map(String.init)
        guard let first = ends.first.flatMap(Weekday.init(short:)) else {
            throw DomainError(.invalidParameter, "weekly_hours: \"\(word.prefix(12))\" is not a day; use Mon, Tue, ... or a range like Mon-Fri.")
        }
        guard ends.count == 2 else { return [first] }
        guard let last = Weekday(short: ends[1]) else {
            throw DomainError(.invalidParameter, "weekly_hours: \"\(word.prefix(12))\" is not a day range; use a range like Mon-Fri.")
        }
        // Weeks are written Monday first, so Mon-Sun (and Fri-Mon) wrap past Saturday.
        if first <= last { return Weekday.allCases.filter { $0 >= first && $0 <= last } }
        return Weekday.allCases.filter { $0 >= first || $0 <= last }
    }

    private static func minute(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
              (0...24).contains(hours), (0..<60).contains(minutes), hours * 60 + minutes <= 1440
        else { return nil }
        return hours * 60 + minutes
    }
}
