import Foundation
import PropertyBased
import Testing
import TrustDeskCore

/// Instants in tests are written as UTC wall times.
func utc(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.date(from: text)!
}

func weekdays9to6(_ zone: String, holidays: Set<LocalDate> = []) throws -> BusinessCalendar {
    try BusinessCalendar(name: "office", timeZone: zone, intervals: BusinessCalendar.parseWeekly("Mon-Fri 09:00-18:00"), holidays: holidays)
}

@Suite("SUP-4 business-hours calendars")
struct BusinessCalendarTests {
    @Test("SUP-4: Friday 17:30 New York plus 2 business hours is Monday 10:30")
    func fridayToMonday() throws {
        let office = try weekdays9to6("America/New_York")
        // Fri 2026-02-27 17:30 EST = 22:30 UTC; Mon 2026-03-02 10:30 EST = 15:30 UTC.
        #expect(try office.adding(businessMinutes: 120, to: utc("2026-02-27T22:30:00")) == utc("2026-03-02T15:30:00"))
        #expect(office.businessMinutes(from: utc("2026-02-27T22:30:00"), to: utc("2026-03-02T15:30:00")) == 120)
    }

    @Test("SUP-4: the weekend that starts daylight saving time moves the due time by wall clock, not by 24-hour days")
    func springForward() throws {
        let office = try weekdays9to6("America/New_York")
        // Fri 2026-03-06 17:30 EST (22:30 UTC) -> Mon 2026-03-09 10:30 EDT (14:30 UTC).
        #expect(try office.adding(businessMinutes: 120, to: utc("2026-03-06T22:30:00")) == utc("2026-03-09T14:30:00"))
        // Around the clock, the night of the change has only 23 hours.
        let allDay = BusinessCalendar.aroundTheClock(timeZone: "America/New_York")
        #expect(try allDay.adding(businessMinutes: 120, to: utc("2026-03-08T06:30:00")) == utc("2026-03-08T08:30:00"))
        #expect(allDay.businessMinutes(from: utc("2026-03-08T05:00:00"), to: utc("2026-03-09T04:00:00")) == 23 * 60)
    }

    @Test("SUP-4: an interval that crosses the repeated hour in autumn counts both copies of it")
    func fallBack() throws {
        let night = try BusinessCalendar(name: "night", timeZone: "Europe/London", intervals: BusinessCalendar.parseWeekly("Sun 00:00-03:00"))
        // Sun 2026-10-25: 01:00-02:00 happens twice in London, so 00:00-03:00 is 4 hours long.
        #expect(night.businessMinutes(from: utc("2026-10-24T12:00:00"), to: utc("2026-10-26T00:00:00")) == 240)
    }

    @Test("SUP-4: holidays are skipped in the calendar's own dates")
    func holidays() throws {
        let office = try weekdays9to6("America/New_York", holidays: [LocalDate(year: 2026, month: 3, day: 2)])
        #expect(try office.adding(businessMinutes: 120, to: utc("2026-02-27T22:30:00")) == utc("2026-03-03T15:30:00"))
        #expect(office.isWorking(at: utc("2026-03-02T15:00:00")) == false)
        #expect(office.isWorking(at: utc("2026-03-03T15:00:00")))
    }

    @Test("SUP-4: several intervals per day, Kolkata's half-hour offset, and the end of a working day")
    func splitDayAndHalfHourZone() throws {
        let office = try BusinessCalendar(name: "split", timeZone: "Asia/Kolkata", intervals: BusinessCalendar.parseWeekly("Mon-Fri 09:00-12:00 13:00-18:00"))
        // Mon 2026-03-02 11:30 IST = 06:00 UTC; 60 min: 30 before lunch, 30 after -> 13:30 IST = 08:00 UTC.
        #expect(try office.adding(businessMinutes: 60, to: utc("2026-03-02T06:00:00")) == utc("2026-03-02T08:00:00"))
        // Exactly the rest of the day ends at 18:00, not the next morning.
        #expect(try office.adding(businessMinutes: 300, to: utc("2026-03-02T07:30:00")) == utc("2026-03-02T12:30:00"))
        #expect(try office.adding(businessMinutes: 0, to: utc("2026-03-07T00:00:00")) == utc("2026-03-07T00:00:00"))
    }

    @Test("SUP-4: weekly hours and holidays read and print in the form staff type")
    func textForm() throws {
        let intervals = try BusinessCalendar.parseWeekly("Mon-Fri 09:00-18:00, Sat 10:00-12:00 13:00-14:00")
        let calendar = try BusinessCalendar(name: "x", timeZone: "Europe/London", intervals: intervals, holidays: BusinessCalendar.parseHolidays("2026-12-25 2026-12-26"))
        #expect(calendar.weeklyText == "Mon 09:00-18:00, Tue 09:00-18:00, Wed 09:00-18:00, Thu 09:00-18:00, Fri 09:00-18:00, Sat 10:00-12:00 13:00-14:00")
        #expect(calendar.holidaysText == "2026-12-25, 2026-12-26")
        #expect(throws: DomainError.self) { try BusinessCalendar.parseWeekly("Funday 09:00-18:00") }
        #expect(try BusinessCalendar.parseWeekly("Mon-Sun 00:00-24:00").count == 7)
        #expect(try BusinessCalendar.parseWeekly("Fri-Mon 10:00-11:00").map(\.weekday).sorted() == [.sunday, .monday, .friday, .saturday])
        #expect(throws: DomainError.self) { try BusinessCalendar(name: "x", timeZone: "UTC", intervals: BusinessCalendar.parseWeekly("Mon 18:00-09:00")) }
        #expect(throws: DomainError.self) { try BusinessCalendar(name: "x", timeZone: "Mars/Olympus", intervals: intervals) }
        #expect(throws: DomainError.self) { try BusinessCalendar.parseHolidays("2026-02-30") }
    }
}

/// Brute force: step minute by minute and ask Foundation's Calendar for the wall time.
struct MinuteOracle {
    let calendar: BusinessCalendar
    let gregorian: Calendar

    init(_ calendar: BusinessCalendar) {
        self.calendar = calendar
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = calendar.timeZone
        self.gregorian = gregorian
    }

    func isWorking(_ minute: Date) -> Bool {
        let c = gregorian.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: minute)
        if calendar.holidays.contains(LocalDate(year: c.year!, month: c.month!, day: c.day!)) { return false }
        let weekday = Weekday(rawValue: c.weekday! - 1)!
        let wall = c.hour! * 60 + c.minute!
        return calendar.intervals.contains { $0.weekday == weekday && $0.startMinute <= wall && wall < $0.endMinute }
    }

    func minutes(from start: Date, to end: Date) -> Int {
        var count = 0
        var cursor = start
        while cursor < end {
            if isWorking(cursor) { count += 1 }
            cursor += 60
        }
        return count
    }

    func adding(_ minutes: Int, to start: Date) -> Date {
        var remaining = minutes
        var cursor = start
        while remaining > 0 {
            if isWorking(cursor) { remaining -= 1 }
            cursor += 60
        }
        return cursor
    }
}

@Suite("SUP-4 calendar properties")
struct BusinessCalendarPropertyTests {
    static let zones = ["America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo"]

    /// Shapes that stress the arithmetic: office hours, split days, night shifts across the
    /// DST hour, and around the clock.
    static let shapes = ["Mon-Fri 09:00-18:00", "Mon-Fri 08:00-12:00 13:00-17:30, Sat 10:00-14:00", "Sun 00:00-03:30, Mon-Sat 22:00-24:00", "Mon-Sun 00:00-24:00"]

    /// An instant near one of the zone's transitions in `year` (or near mid-year for a zone
    /// without DST), moved by `shift` minutes.
    static func instant(zone: TimeZone, year: Int, second: Bool, shift: Int) -> Date {
        let yearStart = LocalDate(year: year, month: 1, day: 1).dayNumber
        var base = Date(timeIntervalSince1970: Double(yearStart) * 86400)
        if let first = zone.nextDaylightSavingTimeTransition(after: base) {
            base = first
            if second, let next = zone.nextDaylightSavingTimeTransition(after: first) { base = next }
        } else {
            base += 180 * 86400
        }
        let minuteAligned = (base.timeIntervalSince1970 / 60).rounded(.down) * 60
        return Date(timeIntervalSince1970: minuteAligned + Double(shift * 60))
    }

    static func calendar(zone: String, shape: Int, holiday: Bool, near instant: Date) throws -> BusinessCalendar {
        var holidays: Set<LocalDate> = []
        if holiday, let tz = TimeZone(identifier: zone) {
            let local = instant.timeIntervalSince1970 + Double(tz.secondsFromGMT(for: instant))
            holidays.insert(LocalDate(dayNumber: Int((local / 86400).rounded(.down)) + 1))
        }
        return try BusinessCalendar(name: "p", timeZone: zone, intervals: BusinessCalendar.parseWeekly(shapes[shape]), holidays: holidays)
    }

    @Test("SUP-4: business minutes between two instants match minute-by-minute counting across DST, holidays and weeks")
    func minutesBetween() async throws {
        await propertyCheck(count: 40, input: Gen.int(in: 0...4), Gen.int(in: 0...3), Gen.int(in: 2015...2032), Gen.int(in: -3000...1500), Gen.int(in: 0...3000), Gen.int(in: 0...3)) { zoneIndex, shape, year, shift, length, flags in
            let zone = Self.zones[zoneIndex]
            guard let tz = TimeZone(identifier: zone) else { return }
            let start = Self.instant(zone: tz, year: year, second: flags & 1 == 1, shift: shift)
            let end = start + Double(length * 60)
            // propertyCheck swallows thrown errors, so a calendar that fails to build must fail here.
            guard let calendar = try? Self.calendar(zone: zone, shape: shape, holiday: flags & 2 == 2, near: start) else {
                Issue.record("calendar \(Self.shapes[shape]) did not build")
                return
            }
            let expected = MinuteOracle(calendar).minutes(from: start, to: end)
            #expect(calendar.businessMinutes(from: start, to: end) == expected, "\(zone) \(Self.shapes[shape]) \(start) +\(length)m")
        }
    }

    @Test("SUP-4: adding business minutes matches minute-by-minute stepping, and counting back gives the same minutes")
    func addMinutes() async throws {
        await propertyCheck(count: 40, input: Gen.int(in: 0...4), Gen.int(in: 0...3), Gen.int(in: 2015...2032), Gen.int(in: -3000...1500), Gen.int(in: 0...600), Gen.int(in: 0...3)) { zoneIndex, shape, year, shift, minutes, flags in
            let zone = Self.zones[zoneIndex]
            guard let tz = TimeZone(identifier: zone) else { return }
            let start = Self.instant(zone: tz, year: year, second: flags & 1 == 1, shift: shift)
            guard let calendar = try? Self.calendar(zone: zone, shape: shape, holiday: flags & 2 == 2, near: start) else {
                Issue.record("calendar \(Self.shapes[shape]) did not build")
                return
            }
            let due = try calendar.adding(businessMinutes: minutes, to: start)
            let expected = MinuteOracle(calendar).adding(minutes, to: start)
            #expect(due == expected, "\(zone) \(Self.shapes[shape]) \(start) +\(minutes)m")
            #expect(calendar.businessMinutes(from: start, to: due) == minutes)
        }
    }
}
