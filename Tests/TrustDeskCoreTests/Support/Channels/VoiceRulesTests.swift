import Foundation
import Testing
import TrustDeskCore

@Suite("SUP-10 phone support")
struct VoiceRulesTests {
    struct Desk {
        let primary: PhoneCandidate
        let secondary: PhoneCandidate
        let pool: [PhoneCandidate]
    }

    static func desk(primaryHolidays: Set<LocalDate> = [], poolShift: String = "Mon-Sun 08:00-16:00", poolZone: String = "Asia/Kolkata") throws -> Desk {
        let newYork = try BusinessCalendar(name: "Taylor", timeZone: "America/New_York", intervals: BusinessCalendar.parseWeekly("Mon-Fri 09:00-18:00"), holidays: primaryHolidays)
        let london = try BusinessCalendar(name: "Lee", timeZone: "Europe/London", intervals: BusinessCalendar.parseWeekly("Mon-Fri 09:00-18:00"))
        let shift = try BusinessCalendar(name: "PSE", timeZone: poolZone, intervals: BusinessCalendar.parseWeekly(poolShift))
        func person(_ id: String, _ calendar: BusinessCalendar, phone: String?, available: Bool = true) -> PhoneCandidate {
            PhoneCandidate(person: RoutingCandidate(id: id, name: id.capitalized, calendar: calendar, available: available, openTickets: 0), phone: phone)
        }
        return Desk(primary: person("taylor", newYork, phone: "+12125550101"), secondary: person("lee", london, phone: "+442075550102"),
                    pool: [person("noor", shift, phone: "+912255550103"), person("kai", shift, phone: "+61255550104"), person("pat", shift, phone: nil)])
    }

    static func plan(_ desk: Desk, at instant: String) -> VoiceRouting.Plan {
        VoiceRouting.plan(primary: desk.primary, secondary: desk.secondary, pool: desk.pool, at: utc(instant))
    }

    @Test("SUP-10: a call at 17:59 on the TAM's calendar rings the primary TAM; at 18:00 it no longer does")
    func closingTime() throws {
        let desk = try Self.desk()
        // Monday 2026-03-02 17:59 New York (EST) = 22:59 UTC; London is closed.
        let before = Self.plan(desk, at: "2026-03-02T22:59:00")
        #expect(before.first == .dial(leg: .primary, people: ["taylor"], numbers: ["+12125550101"]))
        #expect(before.reason.contains("primary TAM Taylor"))
        // 18:00 is outside: no secondary either (23:00 in London), so the PSEs on shift: Kolkata 04:30, off.
        let after = Self.plan(desk, at: "2026-03-02T23:00:00")
        #expect(after.first == .enqueue("pse"))
        #expect(after.steps == [.enqueue("pse")])
    }

    @Test("SUP-10: busy or no answer moves on to the secondary TAM within their hours, then the PSEs, then the queue")
    func forwarding() throws {
        let desk = try Self.desk(poolShift: "Mon-Sun 08:00-20:00", poolZone: "Europe/London")
        // Monday 2026-03-02 09:30 New York = 14:30 UTC = 14:30 London: both TAMs and the pool are in.
        let plan = Self.plan(desk, at: "2026-03-02T14:30:00")
        #expect(plan.first.leg == .primary)
        #expect(plan.after(.primary) == .dial(leg: .secondary, people: ["lee"], numbers: ["+442075550102"]))
        // PSEs ring in parallel; one without a phone is passed over.
        #expect(plan.after(.secondary) == .dial(leg: .pse, people: ["kai", "noor"], numbers: ["+61255550104", "+912255550103"]))
        #expect(plan.after(.pse) == .enqueue("pse"))
        for status in ["busy", "no-answer", "failed", "canceled"] { #expect(DialOutcome(rawValue: status)?.passesOn == true) }
        #expect(DialOutcome.completed.passesOn == false)
        // Friday 2026-03-06 13:00 New York = 18:00 London: the secondary has gone home, so the PSEs.
        let late = Self.plan(desk, at: "2026-03-06T18:00:00")
        #expect(late.first.leg == .primary)
        #expect(late.after(.primary).leg == .pse)
    }

    @Test("SUP-10: on the primary TAM's holiday the call goes to the secondary")
    func holiday() throws {
        let desk = try Self.desk(primaryHolidays: [LocalDate(year: 2026, month: 12, day: 25)])
        // Friday 2026-12-25 12:00 New York = 17:00 UTC = 17:00 London (no holiday there in this calendar).
        let plan = Self.plan(desk, at: "2026-12-25T17:00:00")
        #expect(plan.first == .dial(leg: .secondary, people: ["lee"], numbers: ["+442075550102"]))
        #expect(plan.reason.contains("outside working hours"))
    }

    @Test("SUP-10: a shift that covers 01:00-02:00 takes calls in both copies of the repeated autumn hour")
    func repeatedHour() throws {
        let desk = try Self.desk(poolShift: "Mon-Sun 00:00-02:00", poolZone: "America/New_York")
        // 2026-11-01 01:30 New York happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST).
        for instant in ["2026-11-01T05:30:00", "2026-11-01T06:30:00"] {
            #expect(Self.plan(desk, at: instant).first.leg == .pse, "\(instant)")
        }
        // 02:00 EST (07:00 UTC) is past the shift.
        #expect(Self.plan(desk, at: "2026-11-01T07:00:00").first == .enqueue("pse"))
    }

    @Test("SUP-10: a TAM who is away or has no phone is passed over")
    func unreachable() throws {
        let desk = try Self.desk()
        let away = PhoneCandidate(person: RoutingCandidate(id: "taylor", name: "Taylor", calendar: desk.primary.person.calendar, available: false, openTickets: 0), phone: "+12125550101")
        let noPhone = PhoneCandidate(person: desk.primary.person, phone: nil)
        for primary in [away, noPhone] {
            let plan = VoiceRouting.plan(primary: primary, secondary: desk.secondary, pool: desk.pool, at: utc("2026-03-02T14:30:00"))
            #expect(plan.first.leg == .secondary)
        }
    }

    @Test("SUP-10: three wrong PINs end in the general queue; anything but 4-8 digits counts as wrong")
    func pinEntry() throws {
        #expect(PhonePIN.entered("4821") == "4821")
        for bad in [nil, "", "12", "48a1", "*4821", "123456789", "４８２１"] { #expect(PhonePIN.entered(bad) == nil) }
        #expect(PhonePIN.afterWrong(attempt: 1) == .askAgain(attempt: 2))
        #expect(PhonePIN.afterWrong(attempt: 2) == .askAgain(attempt: 3))
        #expect(PhonePIN.afterWrong(attempt: 3) == .generalQueue)
        #expect(try PhonePIN.validate(" 4821 ") == "4821")
        let error = #expect(throws: DomainError.self) { try PhonePIN.validate("48-21") }
        #expect(error?.field == "phone_pin")
    }

    @Test("SEC-2: wrong PINs from one caller are throttled across calls")
    func pinThrottle() throws {
        let policy = ThrottlePolicy.phonePINPerCaller
        let now = utc("2026-03-02T12:00:00")
        let failures = (0..<policy.limit).map { now.addingTimeInterval(Double(-$0 * 60)) }
        #expect(policy.decide(failures: Array(failures.dropLast()), now: now) == .allowed)
        guard case .blocked = policy.decide(failures: failures, now: now) else {
            Issue.record("\(policy.limit) wrong PINs within the window must block the caller")
            return
        }
        #expect(policy.decide(failures: failures, now: now.addingTimeInterval(policy.window)) == .allowed)
    }

    @Test("SUP-10: staff phones and support numbers are E.164")
    func phoneNumbers() throws {
        #expect(try E164.number("+1 (212) 555-0101", field: "phone") == "+12125550101")
        #expect(try E164.number("+44 20 7555 0102", field: "phone") == "+442075550102")
        #expect(E164.display("+12125550101") == "+1 212 555 0101")
        #expect(E164.display("+442075550102") == "+44 2075550102")
        #expect(E164.display("+1415555") == "+1 415 555" && E164.display("+1415") == "+1 415")
        for bad in ["2125550101", "+1 012 555 0101", "+1 212 055 0101", "+1 212 555", "+44 20", "+1 212 555 0101 99", "tel:+12125550101"] {
            let error = #expect(throws: DomainError.self, "\(bad)") { try E164.number(bad, field: "phone") }
            #expect(error?.field == "phone")
        }
        #expect(E164.countryCode(of: "14155550100") == "1")
        #expect(E164.countryCode(of: "447700900123") == "44")
        #expect(E164.countryCode(of: "353861234567") == "353")
    }
}
