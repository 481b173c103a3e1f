import Foundation

/// Times staff type for a maintenance window, in the status page's zone (STS-2).
public enum StatusTime {
    /// Parses `yyyy-MM-ddTHH:mm` (what a datetime-local field sends; a space works too) as a
    /// wall-clock time in `zone`. A time the clocks skip (the hour lost when summer time
    /// starts) is refused rather than silently moved; a time that happens twice (the hour
    /// repeated in autumn) is its first occurrence.
    public static func parseLocal(_ text: String, zone: TimeZone, field: String) throws(DomainError) -> Date {
        let trimmed = text.trimmingWhitespace().replacingOccurrences(of: " ", with: "T")
        let parts = trimmed.split(separator: "T")
        guard parts.count == 2 else { throw malformed(field) }
        let day = parts[0].split(separator: "-").compactMap { Int($0) }
        let clock = parts[1].split(separator: ":").compactMap { Int($0) }
        guard day.count == 3, clock.count == 2 || clock.count == 3, parts[0].split(separator: "-").count == 3 else { throw malformed(field) }
        var components = DateComponents()
        components.year = day[0]
        components.month = day[1]
        components.day = day[2]
        components.hour = clock[0]
        components.minute = clock[1]
        components.second = 0
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard (2000...2200).contains(day[0]), let date = calendar.date(from: components) else { throw malformed(field) }
        let back = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        guard back.year == day[0], back.month == day[1], back.day == day[2], back.hour == clock[0], back.minute == clock[1] else {
            if (1...12).contains(day[1]), (1...31).contains(day[2]), (0...23).contains(clock[0]), (0...59).contains(clock[1]) {
                throw DomainError(.invalidParameter, "\(field): \(trimmed) does not exist in \(zone.identifier) (the clocks change then); pick a time outside the change.")
            }
            throw malformed(field)
        }
        return date
    }

    private static func malformed(_ field: String) -> DomainError {
        DomainError(.invalidParameter, "\(field): give a date and time as YYYY-MM-DD HH:MM.")
    }

    /// Whole seconds: incidents are ordered by their start, and both databases keep whole
    /// seconds exactly.
    public static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }
}
