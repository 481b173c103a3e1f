import Foundation

/// Non-payment (STD-8): warnings after an invoice's due date, and termination in the final
/// week of a month for accounts still owing the previous month's bill run. All dates UTC.
public struct NonPaymentPolicy: Sendable {
    /// Days after the due date on which a warning is mailed.
    public var warningDays: [Int]
    /// The final days of a month in which accounts owing the previous bill run are terminated.
    public var finalDays: Int

    public init(warningDays: [Int] = [3, 10, 17], finalDays: Int = 7) {
        self.warningDays = warningDays.sorted()
        self.finalDays = finalDays
    }

    static var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        return calendar
    }

    /// The warnings due by `now` that were not sent yet (`sent` holds their day numbers).
    /// Only the latest is worth sending when several are due at once (a late job run).
    public func warningDue(dueDate: Date, now: Date, sent: Set<Int>) -> Int? {
        let calendar = Self.utc
        let days = calendar.dateComponents([.day], from: calendar.startOfDay(for: dueDate), to: calendar.startOfDay(for: now)).day ?? 0
        guard let latest = warningDays.last(where: { $0 <= days }), !sent.contains(latest) else { return nil }
        return latest
    }

    /// True on each of the month's final `finalDays` days (UTC).
    public func isFinalWeek(_ date: Date) -> Bool {
        let calendar = Self.utc
        guard let range = calendar.range(of: .day, in: .month, for: date) else { return false }
        let day = calendar.component(.day, from: date)
        return day > range.count - finalDays
    }

    /// The bill run a termination on `date` is about: the previous month's, as `YYYY-MM`.
    public func previousBillRun(before date: Date) -> String {
        let calendar = Self.utc
        let previous = calendar.date(byAdding: .month, value: -1, to: date) ?? date
        let parts = calendar.dateComponents([.year, .month], from: previous)
        return BillRun.name(year: parts.year ?? 1970, month: parts.month ?? 1)
    }

    /// Whether an unpaid invoice of `billRun` gets its account terminated on `date`: in the
    /// final week, for the previous month's run or an earlier one.
    public func terminates(billRun: String, on date: Date) -> Bool {
        isFinalWeek(date) && billRun <= previousBillRun(before: date)
    }
}

public enum BillRun {
    public static func name(year: Int, month: Int) -> String {
        String(format: "%04d-%02d", year, month)
    }

    /// Validates `YYYY-MM`.
    public static func parse(_ text: String) throws(DomainError) -> String {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), (2000...2999).contains(year), (1...12).contains(month)
        else { throw DomainError(.invalidParameter, "bill_run: use the bill run's month as YYYY-MM, for example 2026-02.") }
        return name(year: year, month: month)
    }
}
