import Foundation

/// The sentence a ticket page shows next to a due time (SUP-8), e.g. "due Mon 10:30 EST:
/// 2 business hours on A. Rivera's calendar, 30 min on Fri before 18:00, 90 min from
/// Mon 09:00".
public enum DueExplanation {
    /// At most this many spans are listed; a longer wait says how many more.
    static let maximumSpans = 4

    /// `remainingSeconds` is what a target has left after pauses (`SLATarget.remainingSeconds`);
    /// nil means the whole target.
    public static func sentence(target: ResponseTarget, remainingSeconds: TimeInterval? = nil, from start: Date, calendar: BusinessCalendar,
                                owner: String) throws(DomainError) -> String {
        let seconds = remainingSeconds ?? target.seconds
        let spans = try calendar.spans(adding: seconds, to: start)
        let due = spans.last?.end ?? start
        let left = remainingSeconds.flatMap { abs($0 - target.seconds) < BusinessCalendar.tolerance ? nil : BusinessCalendar.durationText($0) }
        let zone = calendar.timeZone
        var head = "due \(format(due, zone, "EEE")) \(clock(due, zone)) \(format(due, zone, "zzz")): "
        if target.aroundTheClock {
            head += "\(target.text) around the clock"
            if let left { head += " (\(left) left after pauses)" }
            return head + " from \(format(start, zone, "EEE")) \(clock(start, zone))"
        }
        head += "\(target.text) on \(owner)'s calendar (\(calendar.timeZone.identifier))"
        if let left { head += ", \(left) left after pauses" }
        var parts: [String] = []
        for (index, span) in spans.prefix(maximumSpans).enumerated() {
            let length = BusinessCalendar.durationText(span.seconds)
            let isLast = index == spans.count - 1
            let day = format(span.start, zone, "EEE")
            if index == 0 && !isLast {
                parts.append("\(length) on \(day) before \(clock(span.end, zone))")
            } else if isLast {
                parts.append("\(length) from \(day) \(clock(span.start, zone))")
            } else {
                parts.append("\(length) on \(day) \(clock(span.start, zone))-\(clock(span.end, zone))")
            }
        }
        if spans.count > maximumSpans { parts.append("and \(spans.count - maximumSpans) more working periods") }
        return ([head] + parts).joined(separator: ", ")
    }

    /// `HH:mm`, with seconds only when the instant has some: a clock resumed mid-minute ends
    /// mid-minute.
    static func clock(_ date: Date, _ zone: TimeZone) -> String {
        let wholeMinute = date.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) == 0
        return format(date, zone, wholeMinute ? "HH:mm" : "HH:mm:ss")
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
