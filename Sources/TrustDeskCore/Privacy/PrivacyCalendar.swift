import Foundation

/// Calendar arithmetic of the privacy rules, in UTC: months and years as the law counts them.
/// Adding a month or a year to a day the target month lacks lands on that month's last day
/// (31 January + 1 month = 28 or 29 February; 29 February + 3 years = 28 February).
public enum PrivacyCalendar {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()

    public static func adding(months: Int, to date: Date) -> Date {
        utc.date(byAdding: .month, value: months, to: date) ?? date.addingTimeInterval(Double(months) * 30 * 86_400)
    }

    public static func adding(years: Int, to date: Date) -> Date {
        utc.date(byAdding: .year, value: years, to: date) ?? date.addingTimeInterval(Double(years) * 365 * 86_400)
    }

    public static func adding(days: Int, to date: Date) -> Date {
        date.addingTimeInterval(Double(days) * 86_400)
    }
}
