import Foundation

/// SUP-4 with SUP-3: a support calendar must be able to meet every business-hours response
/// target of every plan within any 7 days. A calendar with a few working minutes a week would
/// give due times weeks or years away: legal arithmetic, but not a promise anyone can keep,
/// so it is refused when staff save it rather than discovered on a ticket.
public enum CalendarCoverage {
    /// How long any target may take at most on a calendar.
    public static let window: TimeInterval = 7 * 86400
    /// How far ahead holidays are checked when none are dated later: a year of weeks.
    static let lookahead: TimeInterval = 366 * 86400

    /// The longest business-hours target of `plans`, with the plan and priority it belongs to.
    public static func longestTarget(of plans: [SupportPlan]) -> (plan: SupportPlan, priority: TicketPriority, target: ResponseTarget)? {
        var longest: (plan: SupportPlan, priority: TicketPriority, target: ResponseTarget)?
        for plan in plans {
            for priority in TicketPriority.allCases {
                guard let target = plan.target(for: priority), !target.aroundTheClock else { continue }
                if target.minutes > longest?.target.minutes ?? 0 { longest = (plan, priority, target) }
            }
        }
        return longest
    }

    /// Throws `calendarTooShort` naming the field to correct: `weekly_hours` when an ordinary
    /// week has too little working time, `holidays` when a week with holidays (or a
    /// daylight-saving change) does. Checked from `now` through a year ahead, or through the
    /// last holiday if later (bounded by the calendar's search horizon).
    public static func check(_ calendar: BusinessCalendar, plans: [SupportPlan] = SupportPlan.all, from now: Date) throws(DomainError) {
        guard let longest = longestTarget(of: plans) else { return }
        let needed = longest.target.seconds
        let promise = "the \(longest.plan.name) plan's \(longest.target.text) for priority \(longest.priority.title)"
        let weekly = calendar.intervals.reduce(0) { $0 + $1.endMinute - $1.startMinute }
        if TimeInterval(weekly) * 60 < needed {
            throw DomainError(.calendarTooShort, "weekly_hours: these hours give \(hoursText(TimeInterval(weekly) * 60)) of working time a week, less than \(promise); every target must fit within a week. Add working hours.")
        }
        let lastHoliday = calendar.holidays.max().map { Date(timeIntervalSince1970: Double($0.dayNumber + 2) * 86400) } ?? now
        let end = min(max(now.addingTimeInterval(lookahead), lastHoliday), now.addingTimeInterval(BusinessCalendar.horizon - window))
        if let week = shortestWeek(of: calendar, from: now, through: end, needing: needed) {
            let local = DueExplanation.text(week.from, calendar.timeZone, "EEE yyyy-MM-dd HH:mm")
            let firstDay = calendar.localDay(of: week.from)
            let hasHoliday = calendar.holidays.contains { (firstDay...firstDay + 7).contains($0.dayNumber) }
            if hasHoliday {
                throw DomainError(.calendarTooShort, "holidays: the 7 days from \(local) have only \(hoursText(week.seconds)) of working time with these holidays, less than \(promise). Remove holidays from that week or add working hours.")
            }
            throw DomainError(.calendarTooShort, "weekly_hours: the 7 days from \(local), when the clocks change, have only \(hoursText(week.seconds)) of working time, less than \(promise). Add working hours.")
        }
    }

    /// The first 7-day window starting in `[from, through]` with less than `needed` working
    /// seconds, if any. The working time in a window only falls while its start moves through
    /// working time, so the smallest windows start at `from` or at the end of a working span:
    /// those are the only starts checked, each by a sliding sum over the spans.
    static func shortestWeek(of calendar: BusinessCalendar, from start: Date, through end: Date, needing needed: TimeInterval) -> (from: Date, seconds: TimeInterval)? {
        var spans: [BusinessCalendar.Span] = []
        calendar.forEachSpan(from: start, until: end.addingTimeInterval(window)) { span in
            spans.append(span)
            return true
        }
        let starts = [start] + spans.map(\.end).filter { $0 <= end }
        var first = 0   // first span that ends after the window's start
        var last = 0    // first span that starts at or after the window's end
        var fullSum: TimeInterval = 0   // seconds of spans[first..<last]
        for windowStart in starts {
            let windowEnd = windowStart.addingTimeInterval(window)
            while first < spans.count, spans[first].end <= windowStart {
                if first < last { fullSum -= spans[first].seconds }
                first += 1
            }
            if last < first { last = first; fullSum = 0 }
            while last < spans.count, spans[last].start < windowEnd {
                fullSum += spans[last].seconds
                last += 1
            }
            // Trim the parts of the first and last spans that fall outside the window.
            var seconds = fullSum
            if first < last {
                seconds -= max(0, windowStart.timeIntervalSince(spans[first].start))
                seconds -= max(0, spans[last - 1].end.timeIntervalSince(windowEnd))
            }
            if seconds + BusinessCalendar.tolerance < needed { return (windowStart, seconds) }
        }
        return nil
    }

    static func hoursText(_ seconds: TimeInterval) -> String {
        let minutes = Int((seconds / 60).rounded(.down))
        if minutes % 60 == 0 { return "\(minutes / 60) hour\(minutes == 60 ? "" : "s")" }
        return "\(minutes / 60) h \(minutes % 60) min"
    }
}
