import Foundation
import Testing
import TrustDeskCore

@Suite("Status page: maintenance clock, subscriptions, reasons for outage")
struct StatusScheduleTests {
    let start = utc("2026-03-29T01:00:00")
    let end = utc("2026-03-29T03:00:00")
    let announced = utc("2026-03-25T12:00:00")

    func schedule(_ status: MaintenanceStatus, reminded: Date? = nil, announcedAt: Date? = nil) -> MaintenanceSchedule {
        MaintenanceSchedule(status: status, scheduledFor: start, scheduledUntil: end, announcedAt: announcedAt ?? announced, remindedAt: reminded)
    }

    @Test("STS-2: a maintenance is reminded 60 minutes ahead, starts at exactly its start, ends at exactly its end")
    func onTime() {
        let scheduled = schedule(.scheduled)
        #expect(scheduled.nextDue == start.addingTimeInterval(-3600))
        #expect(scheduled.due(at: start.addingTimeInterval(-3601)) == nil)
        #expect(scheduled.due(at: start.addingTimeInterval(-3600)) == .remind)
        let reminded = schedule(.scheduled, reminded: start.addingTimeInterval(-3600))
        #expect(reminded.nextDue == start)
        #expect(reminded.due(at: start.addingTimeInterval(-1)) == nil)
        #expect(reminded.due(at: start) == .start)
        let running = schedule(.inProgress, reminded: start.addingTimeInterval(-3600))
        #expect(running.nextDue == end)
        #expect(running.due(at: end.addingTimeInterval(-1)) == nil)
        #expect(running.due(at: end) == .complete)
        #expect(schedule(.verifying).due(at: end) == .complete)
        #expect(schedule(.completed).due(at: end.addingTimeInterval(86_400)) == nil)
        #expect(schedule(.completed).nextDue == nil)
    }

    @Test("STS-2: a node that was down catches up without pretending: no stale reminder, no start after the window")
    func lateRuns() {
        // Down through the reminder: the start is what is due, the reminder is skipped.
        #expect(schedule(.scheduled).due(at: start.addingTimeInterval(600)) == .start)
        // Down through the whole window: it is completed without ever starting.
        #expect(schedule(.scheduled).due(at: end.addingTimeInterval(60)) == .complete)
        // Announced inside the reminder window: the announcement was the reminder.
        let late = schedule(.scheduled, announcedAt: start.addingTimeInterval(-1800))
        #expect(late.due(at: start.addingTimeInterval(-1700)) == nil)
        #expect(late.nextDue == start)
    }

    @Test("STS-2: a maintenance window must end after it starts and last at most 7 days")
    func windows() throws {
        #expect(try MaintenanceSchedule.window(from: start, until: end) == (start, end))
        #expect(throws: DomainError.self) { try MaintenanceSchedule.window(from: end, until: start) }
        #expect(throws: DomainError.self) { try MaintenanceSchedule.window(from: start, until: start) }
        #expect(throws: DomainError.self) { try MaintenanceSchedule.window(from: start, until: start.addingTimeInterval(8 * 86_400)) }
    }

    @Test("STS-2: times are typed in the page's zone; on the spring-forward night 01:00-03:00 UTC is 02:00-04:00 BST and 01:30 London does not exist")
    func daylightSaving() throws {
        let london = try #require(TimeZone(identifier: "Europe/London"))
        #expect(try StatusTime.parseLocal("2026-03-29T00:30", zone: london, field: "scheduled_for") == utc("2026-03-29T00:30:00"))
        #expect(try StatusTime.parseLocal("2026-03-29T02:00", zone: london, field: "scheduled_for") == start)
        #expect(try StatusTime.parseLocal("2026-03-29 04:00", zone: london, field: "scheduled_until") == end)
        #expect(throws: DomainError.self) { try StatusTime.parseLocal("2026-03-29T01:30", zone: london, field: "scheduled_for") }
        // The autumn hour that happens twice is its first occurrence (still summer time).
        #expect(try StatusTime.parseLocal("2026-10-25T01:30", zone: london, field: "scheduled_for") == utc("2026-10-25T00:30:00"))
        for bad in ["", "tomorrow", "2026-02-30T10:00", "2026-03-29", "2026-03-29T25:00", "29/03/2026 10:00"] {
            #expect(throws: DomainError.self) { try StatusTime.parseLocal(bad, zone: london, field: "scheduled_for") }
        }
        #expect(StatusTime.wholeSeconds(Date(timeIntervalSince1970: 1_000.987)) == Date(timeIntervalSince1970: 1_000))
    }

    @Test("STS-3: a subscriber hears of updates to the components chosen, or of everything when none were chosen")
    func subscriptionFilter() {
        #expect(StatusSubscription.wants(subscribedTo: [], affected: ["sms"]))
        #expect(StatusSubscription.wants(subscribedTo: ["sms", "voice"], affected: ["voice"]))
        #expect(!StatusSubscription.wants(subscribedTo: ["email"], affected: ["voice", "sms"]))
        #expect(StatusSubscription.wants(subscribedTo: ["email"], affected: []))
        #expect(StatusSubscription.oneClickBody == "List-Unsubscribe=One-Click")
    }

    @Test("STS-3 SEC-2: confirmation links live 48 hours; subscribing is throttled per network (10 an hour) and per address")
    func subscriptionLinksAndThrottle() throws {
        let issued = utc("2026-03-02T12:00:00")
        let expiry = SingleUseLink.expiry(for: .statusSubscription, issuedAt: issued)
        #expect(expiry == issued.addingTimeInterval(48 * 3600))
        #expect(throws: Never.self) { try SingleUseLink.check(expiresAt: expiry, usedAt: nil, now: expiry.addingTimeInterval(-60)) }
        #expect(throws: DomainError.self) { try SingleUseLink.check(expiresAt: expiry, usedAt: nil, now: expiry.addingTimeInterval(60)) }
        let network = ThrottlePolicy.statusSubscribePerNetwork
        let attempts = (0..<10).map { issued.addingTimeInterval(Double($0) * 60) }
        #expect(network.decide(failures: Array(attempts.prefix(9)), now: issued.addingTimeInterval(600)) == .allowed)
        #expect(network.decide(failures: attempts, now: issued.addingTimeInterval(600)) != .allowed)
        #expect(network.decide(failures: attempts, now: issued.addingTimeInterval(3601)) == .allowed)
        #expect(ThrottlePolicy.statusSubscribePerAddress.limit < network.limit)
    }

    @Test("STS-4: the reason for outage comes after resolution and once; its ticket's product follows the components")
    func reasonForOutage() throws {
        for status in [IncidentStatus.investigating, .identified, .monitoring] {
            #expect(throws: DomainError(.rfoBeforeResolution, "The incident is \(status.rawValue): resolve it before publishing its reason for outage.")) {
                try ReasonForOutage.check(status)
            }
        }
        #expect(throws: Never.self) { try ReasonForOutage.check(.resolved) }
        do {
            try ReasonForOutage.check(.postmortem)
            Issue.record("a second reason for outage was allowed")
        } catch {
            #expect(error.code == .statusTransitionNotAllowed)
        }
        #expect(ErrorCode.rfoBeforeResolution.rawValue == 22002 && ErrorCode.rfoBeforeResolution.httpStatus == 409)
        #expect(ReasonForOutage.supportProduct(of: [.sms]) == .messaging)
        #expect(ReasonForOutage.supportProduct(of: [.sms, .mms, .whatsapp]) == .messaging)
        #expect(ReasonForOutage.supportProduct(of: [.voice]) == .voice)
        #expect(ReasonForOutage.supportProduct(of: [.voice, .email]) == .other)
        #expect(ReasonForOutage.supportProduct(of: []) == .other)
        #expect(ReasonForOutage.narrowsByUsage([.voice, .sms]))
        #expect(!ReasonForOutage.narrowsByUsage([.mms, .voice, .email, .consoleAPI]))
        #expect(ReasonForOutage.ticketSubject(incident: "SMS delays") == "Reason for outage: SMS delays")
    }

    @Test("STS-2: update bodies are required, at most 10,000 characters, line breaks kept; HTML is just text")
    func bodies() throws {
        #expect(try StatusText.body("  <b>Fixed</b>\nthanks  ") == "<b>Fixed</b>\nthanks")
        #expect(try StatusText.body(String(repeating: "a", count: 10_000)).count == 10_000)
        #expect(throws: DomainError.self) { try StatusText.body(String(repeating: "a", count: 10_001)) }
        #expect(throws: DomainError.self) { try StatusText.body("   ") }
        #expect(throws: DomainError.self) { try StatusText.body("null\u{0}byte") }
        #expect(try StatusText.position("3") == 3)
        #expect(throws: DomainError.self) { try StatusText.position("0") }
    }

    @Test("STS-5: history cursors round-trip and refuse anything else")
    func cursors() throws {
        let cursor = StatusHistoryCursor(startedAt: Date(timeIntervalSince1970: 1_772_452_800), id: "abc123def456")
        #expect(cursor.token == "1772452800000_abc123def456")
        #expect(try StatusHistoryCursor(token: cursor.token) == cursor)
        for bad in ["", "abc", "12_", "-5_abc", "12_ABC", "12_a'b", "x_abc"] {
            #expect(throws: DomainError.self) { try StatusHistoryCursor(token: bad) }
        }
    }
}
