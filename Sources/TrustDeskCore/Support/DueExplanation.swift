import Foundation

/// The sentence a ticket page shows next to a due time (SUP-8), e.g. "due Mon 10:30 EST:
/// 2 business hours on A. Rivera's calendar, 30 min on Fri before 18:00, 90 min from
/// Mon 09:00".
public enum DueExplanation {
    /// At most this many spans are listed; a longer wait says how many more.
    static let maximumSpans = 4

    public static func sentence(target: ResponseTarget, remainingMinutes: Int? = nil, from start: Date, calendar: BusinessCalendar, owner: String) -> String {
        let minutes = remainingMinutes ?? target.minutes
        let spans = calendar.spans(adding: minutes, to: start)
        let due = spans.last?.end ?? start
        var head = "due \(format(due, calendar.timeZone, "EEE HH:mm zzz")): "
        if target.aroundTheClock {
            head += "\(target.text) around the clock"
            if let remainingMinutes, remainingMinutes != target.minutes { head += " (\(remainingMinutes) min left after pauses)" }
            return head + " from \(format(start, calendar.timeZone, "EEE HH:mm"))"
        }
        head += "\(target.text) on \(owner)'s calendar (\(calendar.timeZone.identifier))"
        if let remainingMinutes, remainingMinutes != target.minutes { head += ", \(remainingMinutes) min left after pauses" }
        var parts: [String] = []
        for (index, span) in spans.prefix(maximumSpans).enumerated() {
            let length = Int((span.seconds / 60).rounded())
            let isLast = index == spans.count - 1
            let day = format(span.start, calendar.timeZone, "EEE")
            if isLast && index > 0 {
                parts.append("\(length) min from \(day) \(format(span.start, calendar.timeZone, "HH:mm"))")
            } else if index == 0 && !isLast {
                parts.append("\(length) min on \(day) before \(format(span.end, calendar.timeZone, "HH:mm"))")
            } else if isLast {
                parts.append("\(length) min from \(day) \(format(span.start, calendar.timeZone, "HH:mm"))")
            } else {
                parts.append("\(length) min on \(day) \(format(span.start, calendar.timeZone, "HH:mm"))-\(format(span.end, calendar.timeZone, "HH:mm"))")
            }
        }
        if spans.count > maximumSpans { parts.append("and \(spans.count - maximumSpans) more working periods") }
        return ([head] + parts).joined(separator: ", ")
    }

    /// `date` in `zone` with a fixed-locale pattern.
    public static func text(_ date: Date, _ zone: TimeZone, _ pattern: String) -> String {
        format(date, zone, pattern)
    }

    static func format(_ date: Date, _ zone: TimeZone, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}
