import Foundation
import PropertyBased
import Testing
import TrustDeskCore

@Suite("SUP-8 the SLA clock across pauses")
struct SLAClockTests {
    @Test("SUP-8: a clock paused and resumed mid-minute keeps its exact seconds, so a due time at the end of the day stays that day")
    func midMinutePause() throws {
        let office = try BusinessCalendar(name: "office", timeZone: "UTC", intervals: BusinessCalendar.parseWeekly("Mon-Fri 09:00-18:00"))
        let p2 = ResponseTarget(minutes: 120, aroundTheClock: false)
        // Fri 2026-03-06 09:00:00: pending at 09:00:30, the customer replies at 16:00:30.
        var sla = try SLATarget.start(.firstResponse, target: p2, at: utc("2026-03-06T09:00:00"), on: office)
        sla.pause(at: utc("2026-03-06T09:00:30"), on: office)
        #expect(sla.usedSeconds == 30)
        try sla.resume(at: utc("2026-03-06T16:00:30"), on: office)
        // 119.5 minutes left and Friday has exactly 119.5 left: due at Friday's close, not Monday.
        #expect(sla.remainingSeconds == 7170)
        #expect(sla.dueAt == utc("2026-03-06T18:00:00"))
        let sentence = try DueExplanation.sentence(target: p2, remainingSeconds: sla.remainingSeconds, from: utc("2026-03-06T16:00:30"), calendar: office, owner: "A. Rivera")
        #expect(sentence.hasPrefix("due Fri 18:00 "))
        #expect(sentence.contains(": 2 business hours on A. Rivera's calendar ("))
        #expect(sentence.hasSuffix("), 119 min 30 s left after pauses, 119 min 30 s from Fri 16:00:30"))
    }

    @Test("SUP-8: one second past the end of the day carries the one second to the next working morning")
    func oneSecondOver() throws {
        let office = try BusinessCalendar(name: "office", timeZone: "UTC", intervals: BusinessCalendar.parseWeekly("Mon-Fri 09:00-18:00"))
        var sla = try SLATarget.start(.firstResponse, target: ResponseTarget(minutes: 120, aroundTheClock: false), at: utc("2026-03-06T09:00:00"), on: office)
        sla.pause(at: utc("2026-03-06T09:00:30"), on: office)
        try sla.resume(at: utc("2026-03-06T16:00:31"), on: office)
        #expect(sla.dueAt == utc("2026-03-09T09:00:01"))
    }

    @Test("SUP-8: a priority change keeps the banked seconds and leaves the target unchanged when the new calendar has no time for years")
    func retargetIsAllOrNothing() throws {
        let office = try weekdays9to6("UTC")
        var sla = try SLATarget.start(.firstResponse, target: ResponseTarget(minutes: 120, aroundTheClock: false), at: utc("2026-03-06T09:00:00"), on: office)
        let before = sla
        let never = try BusinessCalendar(name: "never", timeZone: "UTC", intervals: BusinessCalendar.parseWeekly("Mon 09:00-09:01"),
                                         holidays: Set((0..<400).map { LocalDate(dayNumber: LocalDate(year: 2026, month: 3, day: 9).dayNumber + 7 * $0) }))
        #expect(throws: DomainError.self) {
            try sla.retarget(ResponseTarget(minutes: 180, aroundTheClock: false), at: utc("2026-03-06T09:30:00"), from: office, to: never)
        }
        #expect(sla == before)
        try sla.retarget(ResponseTarget(minutes: 180, aroundTheClock: false), at: utc("2026-03-06T09:30:30"), from: office, to: office)
        #expect(sla.usedSeconds == 1830)
        #expect(sla.dueAt == utc("2026-03-06T12:00:00"))
    }
}

/// The brute-force oracle for a paused and resumed clock: walks time in pieces that never
/// cross a minute boundary or a pause/resume instant, asks Foundation's Calendar (through
/// `MinuteOracle`) whether each minute is working time, and spends the target's seconds while
/// the clock runs. It shares nothing with `BusinessCalendar`'s span arithmetic.
struct PausedClockOracle {
    let minutes: MinuteOracle

    /// When `seconds` of working time have run, the clock running from `start` and toggled
    /// (paused, resumed, paused, ...) at each of `toggles`.
    func due(start: Date, toggles: [Date], seconds: TimeInterval) -> Date {
        var remaining = seconds
        var cursor = start.timeIntervalSince1970
        var running = true
        var next = 0
        guard remaining > 0 else { return start }
        while true {
            let toggle = next < toggles.count ? toggles[next].timeIntervalSince1970 : .infinity
            if !running {
                cursor = toggle
                running = true
                next += 1
                continue
            }
            let minuteStart = (cursor / 60).rounded(.down) * 60
            let stop = min(minuteStart + 60, toggle)
            if minutes.isWorking(Date(timeIntervalSince1970: minuteStart)) {
                let piece = stop - cursor
                if remaining <= piece { return Date(timeIntervalSince1970: cursor + remaining) }
                remaining -= piece
            }
            cursor = stop
            if cursor == toggle {
                running = false
                next += 1
            }
        }
    }
}

@Suite("SUP-8 SLA clock properties")
struct SLAClockPropertyTests {
    @Test("SUP-8: after any pauses and resumes, at any second, in any zone and across DST, the due time is where a second-by-second clock runs out")
    func pausesMatchTheOracle() async throws {
        let zones = BusinessCalendarPropertyTests.zones
        let shapes = BusinessCalendarPropertyTests.shapes
        let targets = [60, 120, 180, 480]
        await propertyCheck(count: 60, input: Gen.int(in: 0...(zones.count - 1)), Gen.int(in: 0...(shapes.count - 1)), Gen.int(in: 2015...2032),
                            Gen.int(in: -2000 * 60...1500 * 60), Gen.int(in: 0...3), Gen.int(in: 1...40_000).array(of: 0...6), Gen.int(in: 0...3)) { zoneIndex, shape, year, shiftSeconds, targetIndex, gaps, flags in
            guard let tz = TimeZone(identifier: zones[zoneIndex]) else { return }
            let near = BusinessCalendarPropertyTests.instant(zone: tz, year: year, second: flags & 1 == 1, shift: 0)
            let start = near.addingTimeInterval(TimeInterval(shiftSeconds))
            guard let calendar = try? BusinessCalendarPropertyTests.calendar(zone: zones[zoneIndex], shape: shape, holiday: flags & 2 == 2, near: start) else {
                Issue.record("calendar \(shapes[shape]) did not build")
                return
            }
            let target = ResponseTarget(minutes: targets[targetIndex], aroundTheClock: false)
            // Pause and resume at start + running sums of the gaps (seconds, so mid-minute).
            var toggles: [Date] = []
            var at = start
            for gap in gaps {
                at = at.addingTimeInterval(TimeInterval(gap))
                toggles.append(at)
            }
            // The last pause ends: resumed at once (a pause of no length).
            if toggles.count % 2 == 1 { toggles.append(at) }
            let expected = PausedClockOracle(minutes: MinuteOracle(calendar)).due(start: start, toggles: toggles, seconds: target.seconds)
            do {
                var sla = try SLATarget.start(.firstResponse, target: target, at: start, on: calendar)
                for (index, toggle) in toggles.enumerated() {
                    // Once the due time has passed, the target is breached and the clock is done.
                    if let due = sla.dueAt, due <= toggle { break }
                    if index % 2 == 0 { sla.pause(at: toggle, on: calendar) } else { try sla.resume(at: toggle, on: calendar) }
                }
                let due = try #require(sla.dueAt)
                #expect(abs(due.timeIntervalSince(expected)) < 0.001, "\(zones[zoneIndex]) \(shapes[shape]) from \(start) toggles \(toggles): \(due) != \(expected)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}

@Suite("SUP-4 the search horizon")
struct CalendarHorizonTests {
    @Test("SUP-4: more working time than a sparse calendar has within its horizon is an error, not a plausible date")
    func addingPastTheHorizon() throws {
        let sparse = try BusinessCalendar(name: "sparse", timeZone: "UTC", intervals: BusinessCalendar.parseWeekly("Mon 09:00-09:01"))
        let start = utc("2026-03-02T00:00:00")
        // One working minute a week: 200 minutes is about four years away, 1,000 is nineteen.
        #expect(try sparse.adding(businessMinutes: 200, to: start) > start.addingTimeInterval(3 * 365 * 86400))
        #expect(throws: DomainError.self) { try sparse.adding(businessMinutes: 1000, to: start) }
        do {
            _ = try sparse.adding(businessMinutes: 1000, to: start)
        } catch {
            #expect(error.code == .noWorkingTimeAhead)
            #expect(error.message.contains("\"sparse\""))
        }
        #expect(throws: DomainError.self) { try sparse.spans(adding: 60_000, to: start) }
        #expect(throws: DomainError.self) { try DueExplanation.sentence(target: ResponseTarget(minutes: 1000, aroundTheClock: false), from: start, calendar: sparse, owner: "x") }
    }

    @Test("SUP-7: counting working days on a calendar whose every working day is a holiday is an error")
    func businessDaysPastTheHorizon() throws {
        let firstMonday = LocalDate(year: 2026, month: 3, day: 2).dayNumber
        let mondays = Set((0..<400).map { LocalDate(dayNumber: firstMonday + 7 * $0) })
        let closed = try BusinessCalendar(name: "closed", timeZone: "UTC", intervals: BusinessCalendar.parseWeekly("Mon 09:00-10:00"), holidays: mondays)
        #expect(throws: DomainError.self) { try PendingFollowUp.reminderAt(pendingSince: utc("2026-03-01T12:00:00"), on: closed) }
        #expect(throws: DomainError.self) {
            var sla = try SLATarget.start(.firstResponse, target: ResponseTarget(minutes: 120, aroundTheClock: false), at: utc("2026-03-01T12:00:00"), on: closed)
            sla.pause(at: utc("2026-03-01T13:00:00"), on: closed)
        }
    }
}

@Suite("SUP-4 SUP-3 a calendar must meet the plans' targets within a week")
struct CalendarCoverageTests {
    let now = utc("2026-03-02T12:00:00")

    func refusal(_ calendar: BusinessCalendar) -> DomainError? {
        do {
            try CalendarCoverage.check(calendar, from: now)
            return nil
        } catch {
            return error
        }
    }

    @Test("SUP-4: the longest business-hours target of any plan is what a calendar must fit in a week")
    func longestTarget() throws {
        let longest = try #require(CalendarCoverage.longestTarget(of: SupportPlan.all))
        #expect(longest.plan.id == "standard" && longest.priority == .generalIssue && longest.target.minutes == 1440)
        #expect(CalendarCoverage.longestTarget(of: [.personalized])?.target.minutes == 180)
    }

    @Test("SUP-4: office hours, shifts and 24x7 calendars are fine, with a holiday or two")
    func accepted() throws {
        for hours in ["Mon-Fri 09:00-18:00", "Mon-Sun 08:00-16:00", "Mon-Sun 00:00-24:00", "Mon-Fri 09:00-12:00 13:00-17:00"] {
            let calendar = try BusinessCalendar(name: "ok", timeZone: "America/New_York", intervals: BusinessCalendar.parseWeekly(hours),
                                                holidays: BusinessCalendar.parseHolidays("2026-12-25 2027-01-01"))
            #expect(refusal(calendar) == nil, "\(hours)")
        }
    }

    @Test("SUP-4: hours that give less than the longest target in a week are refused beside the weekly hours")
    func tooFewHours() throws {
        let calendar = try BusinessCalendar(name: "thin", timeZone: "UTC", intervals: BusinessCalendar.parseWeekly("Mon 09:00-09:05, Wed 10:00-12:00"))
        let error = try #require(refusal(calendar))
        #expect(error.code == .calendarTooShort)
        #expect(error.field == "weekly_hours")
        #expect(error.message.contains("2 h 5 min") && error.message.contains("24 business hours") && error.message.contains("Standard"))
    }

    @Test("SUP-4: a week emptied by holidays is refused beside the holidays, naming that week")
    func holidayWeek() throws {
        // 45 hours a week; three holidays in the week of 2026-12-21 leave 18 hours in some 7 days.
        let calendar = try BusinessCalendar(name: "x", timeZone: "Europe/London", intervals: BusinessCalendar.parseWeekly("Mon-Fri 09:00-18:00"),
                                            holidays: BusinessCalendar.parseHolidays("2026-12-23 2026-12-24 2026-12-25"))
        let error = try #require(refusal(calendar))
        #expect(error.code == .calendarTooShort)
        #expect(error.field == "holidays")
        #expect(error.message.contains("2026-12-"))
        // Two holidays leave 27 hours in every 7 days: fine.
        let two = try BusinessCalendar(name: "x", timeZone: "Europe/London", intervals: BusinessCalendar.parseWeekly("Mon-Fri 09:00-18:00"),
                                       holidays: BusinessCalendar.parseHolidays("2026-12-24 2026-12-25"))
        #expect(refusal(two) == nil)
    }

    @Test("SUP-4: holidays years ahead are checked too, and past ones are not")
    func distantHolidays() throws {
        let far = try BusinessCalendar(name: "x", timeZone: "UTC", intervals: BusinessCalendar.parseWeekly("Mon-Fri 09:00-18:00"),
                                       holidays: BusinessCalendar.parseHolidays("2029-07-02 2029-07-03 2029-07-04 2029-07-05"))
        #expect(refusal(far)?.field == "holidays")
        let past = try BusinessCalendar(name: "x", timeZone: "UTC", intervals: BusinessCalendar.parseWeekly("Mon-Fri 09:00-18:00"),
                                        holidays: BusinessCalendar.parseHolidays("2025-07-01 2025-07-02 2025-07-03 2025-07-04"))
        #expect(refusal(past) == nil)
    }

    @Test("SUP-4: whatever the calendar, an accepted one meets the longest target within 7 days from any instant, and a refused one names a week that does not")
    func agreesWithAdding() async throws {
        let shapes = ["Mon-Fri 09:00-18:00", "Mon-Wed 09:00-17:00", "Sat-Sun 00:00-12:00", "Mon 09:00-21:00, Thu 08:00-20:00", "Sun 00:00-03:30, Mon-Sat 22:00-24:00", "Mon-Sun 10:00-14:00"]
        let zones = BusinessCalendarPropertyTests.zones
        let needed = TimeInterval(1440 * 60)
        await propertyCheck(count: 40, input: Gen.int(in: 0...(shapes.count - 1)), Gen.int(in: 0...(zones.count - 1)), Gen.int(in: 0...364).array(of: 0...4),
                            Gen.int(in: 0...(366 * 86400)).array(of: 8)) { shape, zone, holidayOffsets, probes in
            let base = LocalDate(year: 2026, month: 3, day: 2).dayNumber
            do {
                let calendar = try BusinessCalendar(name: "p", timeZone: zones[zone], intervals: BusinessCalendar.parseWeekly(shapes[shape]),
                                                    holidays: Set(holidayOffsets.map { LocalDate(dayNumber: base + $0) }))
                if let error = refusal(calendar) {
                    #expect(error.code == .calendarTooShort)
                } else {
                    for probe in probes {
                        let from = now.addingTimeInterval(TimeInterval(probe))
                        let due = try calendar.adding(businessSeconds: needed, to: from)
                        #expect(due <= from.addingTimeInterval(CalendarCoverage.window), "\(shapes[shape]) \(zones[zone]) from \(from)")
                    }
                }
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}
