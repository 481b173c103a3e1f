import Foundation

/// The reports of the support desk (SUP-16), by the name the API and CSV files use.
public enum SupportReport: String, CaseIterable, Sendable, Codable {
    case slaCompliance = "SlaCompliance"
    case firstResponse = "FirstResponse"
    case backlog = "Backlog"
    case escalations = "Escalations"

    public var title: String {
        switch self {
        case .slaCompliance: "SLA compliance by priority and plan"
        case .firstResponse: "First response times"
        case .backlog: "Backlog by status and group"
        case .escalations: "Escalations by reason and time to acknowledge"
        }
    }

    public var fileName: String {
        switch self {
        case .slaCompliance: "sla-compliance"
        case .firstResponse: "first-response"
        case .backlog: "backlog"
        case .escalations: "escalations"
        }
    }

    /// The time zones reports are kept in: each day's figures are added up per local day of
    /// each zone when a target ends, so a report in any of them reads a few rows per day.
    public static let zones = ["UTC", "America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Sydney"]

    public static func named(_ text: String) -> SupportReport? {
        allCases.first { $0.rawValue.lowercased() == text.lowercased() || $0.fileName == text.lowercased() }
    }
}

/// The days a report covers, as local dates in one time zone: from the start of `first` to
/// the end of `last` in that zone (a day is 23 or 25 hours long on a DST change).
public struct ReportPeriod: Sendable, Equatable {
    public let first: LocalDate
    public let last: LocalDate
    public let timeZone: TimeZone
    /// The zone as named in `SupportReport.zones` (Foundation may call UTC "GMT").
    public let zoneName: String

    /// The longest period a report covers.
    public static let maximumDays = 400
    public static let defaultDays = 30

    public var days: [LocalDate] { (first.dayNumber...last.dayNumber).map(LocalDate.init(dayNumber:)) }
    public var dayCount: Int { last.dayNumber - first.dayNumber + 1 }
    public var start: Date { Self.startOfDay(first, in: timeZone) }
    public var end: Date { Self.startOfDay(LocalDate(dayNumber: last.dayNumber + 1), in: timeZone) }

    public init(first: LocalDate, last: LocalDate, timeZone: TimeZone, zoneName: String? = nil) {
        self.first = first
        self.last = last
        self.timeZone = timeZone
        self.zoneName = zoneName ?? timeZone.identifier
    }

    /// Reads `from`, `to` (YYYY-MM-DD, both included) and `zone`; a missing `from` or `to` means
    /// the 30 days up to today in the zone. Only `allowedZones` (the zones reports are kept in)
    /// are accepted.
    public static func parse(from fromText: String, to toText: String, zone zoneText: String, allowedZones: [String], now: Date) throws(DomainError) -> ReportPeriod {
        let zoneName = zoneText.trimmingWhitespace().isEmpty ? (allowedZones.first ?? "UTC") : zoneText.trimmingWhitespace()
        guard allowedZones.contains(zoneName), let zone = TimeZone(identifier: zoneName) else {
            throw DomainError(.invalidParameter, "zone: reports are kept in \(allowedZones.joined(separator: ", ")); choose one of them.")
        }
        let today = localDate(of: now, in: zone)
        func date(_ text: String, field: String, fallback: LocalDate) throws(DomainError) -> LocalDate {
            let trimmed = text.trimmingWhitespace()
            guard !trimmed.isEmpty else { return fallback }
            guard let date = LocalDate(trimmed) else { throw DomainError(.invalidParameter, "\(field): use a date like 2026-03-01.") }
            return date
        }
        let last = try date(toText, field: "to", fallback: today)
        let first = try date(fromText, field: "from", fallback: LocalDate(dayNumber: last.dayNumber - defaultDays + 1))
        guard first <= last else { throw DomainError(.invalidParameter, "from: the period starts after it ends; choose a from date on or before \(last).") }
        guard last.dayNumber - first.dayNumber + 1 <= maximumDays else {
            throw DomainError(.invalidParameter, "to: a report covers at most \(maximumDays) days; \(first) to \(last) is \(last.dayNumber - first.dayNumber + 1).")
        }
        return ReportPeriod(first: first, last: last, timeZone: zone, zoneName: zoneName)
    }

    /// The local date `instant` falls on in `zone`.
    public static func localDate(of instant: Date, in zone: TimeZone) -> LocalDate {
        let wall = instant.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: instant))
        return LocalDate(dayNumber: Int((wall / 86_400).rounded(.down)))
    }

    /// The first instant of a local date in `zone` (midnight, or the first time after a DST gap).
    public static func startOfDay(_ date: LocalDate, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: date.year, month: date.month, day: date.day)
        return calendar.date(from: components).map { calendar.startOfDay(for: $0) } ?? Date(timeIntervalSince1970: Double(date.dayNumber) * 86_400)
    }
}
