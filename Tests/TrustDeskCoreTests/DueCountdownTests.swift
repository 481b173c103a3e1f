import Foundation
import Testing
@testable import TrustDeskCore

@Suite("Due countdowns: how long until a response target is due, as staff read it")
struct DueCountdownTests {
    @Test("SUP-8: due times read as a countdown, rounded down; once passed they read as breached")
    func countdown() {
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let soon = DueCountdown(due: now.addingTimeInterval(80 * 60 + 59), now: now)
        #expect(soon.text == "in 1 h 20 min" && !soon.breached)
        #expect(DueCountdown(due: now.addingTimeInterval(45 * 60), now: now).text == "in 45 min")
        #expect(DueCountdown(due: now.addingTimeInterval(2 * 3600), now: now).text == "in 2 h")
        #expect(DueCountdown(due: now.addingTimeInterval(3 * 86400 + 4 * 3600 + 600), now: now).text == "in 3 d 4 h")
        #expect(DueCountdown(due: now.addingTimeInterval(2 * 86400), now: now).text == "in 2 d")
        #expect(DueCountdown(due: now.addingTimeInterval(30), now: now).text == "in under 1 min")
        let late = DueCountdown(due: now.addingTimeInterval(-12 * 60 + 20), now: now)
        #expect(late.breached && late.text == "breached 12 min ago")
        #expect(DueCountdown(due: now, now: now).breached)
    }
}

@Suite("Ticket due times: what the queues show and sort by")
struct TicketDueTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let target = ResponseTarget(minutes: 120, aroundTheClock: false)

    func running(dueIn seconds: TimeInterval) -> SLATarget {
        SLATarget(metric: .firstResponse, target: target, status: .active, usedSeconds: 0, runningSince: now, dueAt: now.addingTimeInterval(seconds), endedAt: nil)
    }

    var paused: SLATarget {
        SLATarget(metric: .nextResponse, target: target, status: .paused, usedSeconds: 600, runningSince: nil, dueAt: nil, endedAt: nil)
    }

    @Test("SUP-8: a ticket is due when its earliest running target is; paused targets are not counted")
    func earliestRunning() {
        let due = TicketDue.next(after: .measured, open: [running(dueIn: 3600), running(dueIn: 600), paused], previous: nil, now: now)
        #expect(due == now.addingTimeInterval(600))
        #expect(TicketDue.next(after: .measured, open: [paused], previous: nil, now: now) == nil)
        #expect(TicketDue.next(after: .measured, open: [], previous: now.addingTimeInterval(900), now: now) == nil,
                "a due time still ahead is not a breach: with nothing running, nothing is due")
    }

    @Test("SUP-8: a breach stays due until staff answer it, ahead of any target started since")
    func breachStaysOwed() {
        let breachedAt = now.addingTimeInterval(-1800)
        #expect(TicketDue.next(after: .measured, open: [], previous: breachedAt, now: now) == breachedAt)
        #expect(TicketDue.next(after: .measured, open: [running(dueIn: 600)], previous: breachedAt, now: now) == breachedAt)
        #expect(TicketDue.next(after: .answered, open: [], previous: breachedAt, now: now) == nil, "a public reply, a solve or a pause answers it")
        #expect(TicketDue.next(after: .answered, open: [running(dueIn: 600)], previous: breachedAt, now: now) == now.addingTimeInterval(600))
    }
}
