import Foundation
import Testing
import TrustDeskCore

@Suite("SUP-9 escalations")
struct EscalationRulesTests {
    @Test("SUP-9: only unsolved tickets of personalized customers can be escalated, and only once at a time")
    func whoMayEscalate() throws {
        #expect(throws: Never.self) { try EscalationPolicy.check(plan: .personalized, ticketStatus: .open, hasOpenEscalation: false) }
        for status in [TicketStatus.new, .pending, .onHold] {
            #expect(throws: Never.self) { try EscalationPolicy.check(plan: .personalized, ticketStatus: status, hasOpenEscalation: false) }
        }
        for status in [TicketStatus.solved, .closed] {
            let error = #expect(throws: DomainError.self) { try EscalationPolicy.check(plan: .personalized, ticketStatus: status, hasOpenEscalation: false) }
            #expect(error?.code == .escalationNotAllowed)
        }
        let standard = #expect(throws: DomainError.self) { try EscalationPolicy.check(plan: .standard, ticketStatus: .open, hasOpenEscalation: false) }
        #expect(standard?.code == .escalationNotAllowed)
        #expect(standard?.message.contains("Personalized") == true)
        let second = #expect(throws: DomainError.self) { try EscalationPolicy.check(plan: .personalized, ticketStatus: .open, hasOpenEscalation: true) }
        #expect(second?.code == .escalationAlreadyOpen)
    }

    @Test("SUP-9: the two reasons of the escalate button, and a bounded note")
    func reasons() throws {
        #expect(try EscalationReason.parse("critical_blocker") == .criticalBlocker)
        #expect(try EscalationReason.parse(" NO_MEANINGFUL_RESPONSE ") == .noMeaningfulResponse)
        #expect(EscalationReason.criticalBlocker.title.contains("available to engage now"))
        let bad = #expect(throws: DomainError.self) { try EscalationReason.parse("angry") }
        #expect(bad?.field == "reason")
        #expect(try EscalationPolicy.note("  Calls fail since 09:00.  ") == "Calls fail since 09:00.")
        let long = #expect(throws: DomainError.self) { try EscalationPolicy.note(String(repeating: "x", count: 2_001)) }
        #expect(long?.field == "note")
    }

    @Test("SUP-9: staff acknowledge then resolve; a resolved escalation stays resolved")
    func moves() throws {
        #expect(try EscalationPolicy.move(.open, to: .acknowledged) == .acknowledged)
        #expect(try EscalationPolicy.move(.acknowledged, to: .resolved) == .resolved)
        #expect(try EscalationPolicy.move(.open, to: .resolved) == .resolved)
        for (from, to) in [(EscalationStatus.resolved, EscalationStatus.acknowledged), (.acknowledged, .acknowledged), (.resolved, .open), (.acknowledged, .open)] {
            let error = #expect(throws: DomainError.self) { try EscalationPolicy.move(from, to: to) }
            #expect(error?.code == .escalationTransitionNotAllowed)
        }
        #expect(EscalationStatus.acknowledged.isOpen && !EscalationStatus.resolved.isOpen)
    }

    static func rota() throws -> [RotaMember] {
        let weekdays = try BusinessCalendar(name: "Dana", timeZone: "America/New_York", intervals: BusinessCalendar.parseWeekly("Mon-Fri 08:00-20:00"))
        let nights = try BusinessCalendar(name: "Ola", timeZone: "Europe/London", intervals: BusinessCalendar.parseWeekly("Mon-Fri 00:00-13:00"))
        let weekends = try BusinessCalendar(name: "Remy", timeZone: "America/New_York", intervals: BusinessCalendar.parseWeekly("Sat-Sun 00:00-24:00"))
        return [RotaMember(id: "dana", calendar: weekdays, available: true), RotaMember(id: "ola", calendar: nights, available: true),
                RotaMember(id: "remy", calendar: weekends, available: true)]
    }

    @Test("SUP-9: an escalation on Sunday 03:00 in New York reaches the weekend on-call, in DST weeks too",
          arguments: ["2026-03-01T08:00:00", "2026-03-08T07:00:00", "2026-11-01T08:00:00", "2026-10-25T07:00:00"])
    func sundayNight(instant: String) throws {
        let now = utc(instant)
        // Each instant is Sunday 03:00 on New York's wall clock (EST, just after spring forward,
        // just after fall back, and the Sunday before).
        #expect(DueExplanation.text(now, TimeZone(identifier: "America/New_York")!, "EEE HH:mm") == "Sun 03:00")
        let recipients = EscalationPolicy.recipients(tamManager: "manager", rota: try Self.rota(), at: now)
        #expect(recipients == ["manager", "remy"])
    }

    @Test("SUP-9: the on-call is whoever's calendar covers now; nobody covering alerts the whole rota")
    func onCall() throws {
        let rota = try Self.rota()
        // Monday 2026-03-02 10:00 New York = 15:00 UTC: Dana's hours; London is past 13:00.
        #expect(EscalationPolicy.onCall(rota, at: utc("2026-03-02T15:00:00")) == ["dana"])
        // Tuesday 03:00 UTC (Monday 22:00 in New York): London's early shift only.
        #expect(EscalationPolicy.onCall(rota, at: utc("2026-03-03T03:00:00")) == ["ola"])
        // Monday 12:30 UTC (07:30 New York): London still, Dana not yet.
        #expect(EscalationPolicy.onCall(rota, at: utc("2026-03-02T12:30:00")) == ["ola"])
        // Friday 2026-03-06 23:30 in New York is Saturday 04:30 in London: no calendar covers it.
        let gap = utc("2026-03-07T04:30:00")
        let covering = rota.filter { $0.calendar.isWorking(at: gap) }
        #expect(covering.isEmpty)
        #expect(EscalationPolicy.onCall(rota, at: gap) == ["dana", "ola", "remy"])
        // Someone away is skipped while others cover.
        let away = rota.map { RotaMember(id: $0.id, calendar: $0.calendar, available: $0.id != "dana") }
        #expect(EscalationPolicy.onCall(away, at: utc("2026-03-02T15:00:00")) == ["dana", "ola", "remy"])
        // The TAM manager is not alerted twice when they are also on call.
        #expect(EscalationPolicy.recipients(tamManager: "dana", rota: rota, at: utc("2026-03-02T15:00:00")) == ["dana"])
        #expect(EscalationPolicy.recipients(tamManager: nil, rota: [], at: utc("2026-03-02T15:00:00")).isEmpty)
    }
}
