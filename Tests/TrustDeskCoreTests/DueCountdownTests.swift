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
