import Foundation
import Testing
import TrustDeskCore

@Suite("SUP-3 SUP-8 response targets")
struct SLATargetTests {
    @Test("SUP-3: personalized targets are 1 hour around the clock, then 2 and 3 business hours")
    func personalizedTargets() throws {
        let plan = SupportPlan.personalized
        #expect(plan.target(for: .businessCritical) == ResponseTarget(minutes: 60, aroundTheClock: true))
        #expect(plan.target(for: .degradedService) == ResponseTarget(minutes: 120, aroundTheClock: false))
        #expect(plan.target(for: .generalIssue) == ResponseTarget(minutes: 180, aroundTheClock: false))
        #expect(plan.target(for: .degradedService)?.text == "2 business hours")
        #expect(SupportPlan.standard.target(for: .generalIssue) != nil)
        #expect(throws: DomainError(.unknownPriority, "priority: \"urgent\" is not a priority; use 1 (Business Critical), 2 (Degraded Service) or 3 (General Issue).")) { try TicketPriority(parsing: "urgent") }
        #expect(try TicketPriority(parsing: "p2") == .degradedService)
    }

    @Test("SUP-8: the clock pauses while pending and resumes with the time left")
    func pauseAndResume() throws {
        let office = try weekdays9to6("America/New_York")
        let target = ResponseTarget(minutes: 120, aroundTheClock: false)
        // Mon 2026-03-02 09:00 EST = 14:00 UTC.
        var sla = try SLATarget.start(.firstResponse, target: target, at: utc("2026-03-02T14:00:00"), on: office)
        #expect(sla.dueAt == utc("2026-03-02T16:00:00"))
        sla.pause(at: utc("2026-03-02T15:00:00"), on: office)
        #expect(sla.status == .paused && sla.dueAt == nil && sla.usedSeconds == 3600)
        // A paused target never breaches.
        let pausedBreach = sla.breachIfDue(at: utc("2026-03-05T00:00:00")); #expect(pausedBreach == false)
        try sla.resume(at: utc("2026-03-03T14:00:00"), on: office)
        #expect(sla.dueAt == utc("2026-03-03T15:00:00"))
        sla.respond(at: utc("2026-03-03T14:30:00"))
        #expect(sla.status == .achieved)
    }

    @Test("SUP-8: every target ends achieved or breached, and a breach is final")
    func breach() throws {
        let office = try weekdays9to6("America/New_York")
        var sla = try SLATarget.start(.nextResponse, target: ResponseTarget(minutes: 60, aroundTheClock: true), at: utc("2026-03-02T08:00:00"), on: .aroundTheClock())
        let early = sla.breachIfDue(at: utc("2026-03-02T08:59:00")); #expect(early == false)
        let onTime = sla.breachIfDue(at: utc("2026-03-02T09:00:00")); #expect(onTime)
        let again = sla.breachIfDue(at: utc("2026-03-02T09:01:00")); #expect(again == false)
        sla.respond(at: utc("2026-03-02T09:30:00"))
        #expect(sla.status == .breached && sla.endedAt == utc("2026-03-02T09:00:00"))
        // A late reply before the job ran is a breach too.
        var late = try SLATarget.start(.firstResponse, target: ResponseTarget(minutes: 120, aroundTheClock: false), at: utc("2026-03-02T14:00:00"), on: office)
        late.respond(at: utc("2026-03-02T17:00:00"))
        #expect(late.status == .breached)
    }

    @Test("SUP-8: the due time explains itself")
    func explanation() throws {
        let office = try weekdays9to6("America/New_York")
        let sentence = try DueExplanation.sentence(target: ResponseTarget(minutes: 120, aroundTheClock: false), from: utc("2026-02-27T22:30:00"), calendar: office, owner: "A. Rivera")
        #expect(sentence == "due Mon 10:30 EST: 2 business hours on A. Rivera's calendar (America/New_York), 30 min on Fri before 18:00, 90 min from Mon 09:00")
        let critical = try DueExplanation.sentence(target: ResponseTarget(minutes: 60, aroundTheClock: true), from: utc("2026-03-02T08:00:00"), calendar: .aroundTheClock(timeZone: "America/New_York"), owner: "PSE")
        #expect(critical == "due Mon 04:00 EST: 1 hour around the clock from Mon 03:00")
    }
}

@Suite("SUP-6 ticket statuses")
struct TicketStatusTests {
    @Test("SUP-6: a customer reply to a pending ticket makes it open")
    func pendingReply() throws {
        #expect(try TicketStatus.pending.afterCustomerReply() == .open)
        #expect(try TicketStatus.onHold.afterCustomerReply() == .onHold)
        #expect(try TicketStatus.solved.afterCustomerReply() == .open)
    }

    @Test("SUP-6: a closed ticket is never reopened; nothing goes back to new")
    func closedStaysClosed() throws {
        #expect(throws: TicketStatus.closedError) { try TicketStatus.closed.afterCustomerReply() }
        #expect(throws: TicketStatus.closedError) { try TicketStatus.closed.staffChange(to: .open) }
        #expect(throws: DomainError.self) { try TicketStatus.open.staffChange(to: .new) }
        #expect(throws: DomainError.self) { try TicketStatus.open.staffChange(to: .closed) }
        #expect(try TicketStatus.new.staffChange(to: .pending) == .pending)
    }

    @Test("SUP-6: a solved ticket closes 4 days after it was solved")
    func autoClose() {
        #expect(TicketStatus.closesAt(solvedAt: utc("2026-03-02T12:00:00")) == utc("2026-03-06T12:00:00"))
        #expect(TicketStatus.pending.pausesSLA && TicketStatus.onHold.pausesSLA && !TicketStatus.open.pausesSLA)
    }
}

@Suite("SUP-5 SUP-15 routing")
struct RoutingTests {
    static func person(_ id: String, _ zone: String, available: Bool = true, open: Int = 0) throws -> RoutingCandidate {
        RoutingCandidate(id: id, name: id, calendar: try weekdays9to6(zone), available: available, openTickets: open)
    }

    static func pool() throws -> [RoutingCandidate] {
        [RoutingCandidate(id: "pse.busy", name: "pse.busy", calendar: .aroundTheClock(), available: true, openTickets: 5),
         RoutingCandidate(id: "pse.free", name: "pse.free", calendar: .aroundTheClock(), available: true, openTickets: 1),
         RoutingCandidate(id: "pse.away", name: "pse.away", calendar: .aroundTheClock(), available: false, openTickets: 0)]
    }

    @Test("SUP-5: the primary TAM gets tickets within their hours")
    func primary() throws {
        // Mon 2026-03-02 10:00 EST.
        let decision = Routing.route(plan: .personalized, topic: nil, at: utc("2026-03-02T15:00:00"),
                                     primaryTAM: try Self.person("taylor", "America/New_York"), secondaryTAM: try Self.person("lee", "Europe/London"), pool: try Self.pool())
        #expect(decision.assigneeID == "taylor")
        #expect(decision.reason.contains("primary TAM"))
    }

    @Test("SUP-5: the secondary TAM when the primary is away or off hours")
    func secondary() throws {
        // Mon 2026-03-02 09:30 GMT: London is working, New York is not.
        let offHours = Routing.route(plan: .personalized, topic: nil, at: utc("2026-03-02T09:30:00"),
                                     primaryTAM: try Self.person("taylor", "America/New_York"), secondaryTAM: try Self.person("lee", "Europe/London"), pool: try Self.pool())
        #expect(offHours.assigneeID == "lee")
        let away = Routing.route(plan: .personalized, topic: nil, at: utc("2026-03-02T15:00:00"),
                                 primaryTAM: try Self.person("taylor", "America/New_York", available: false), secondaryTAM: try Self.person("lee", "Europe/London"), pool: try Self.pool())
        #expect(away.assigneeID == "lee")
        #expect(away.reason.contains("taylor away"))
    }

    @Test("SUP-5: otherwise the on-shift PSE with the fewest open tickets")
    func pse() throws {
        // Mon 2026-03-02 03:00 EST: nobody's office hours.
        let decision = Routing.route(plan: .personalized, topic: nil, at: utc("2026-03-02T08:00:00"),
                                     primaryTAM: try Self.person("taylor", "America/New_York"), secondaryTAM: try Self.person("lee", "America/Chicago"), pool: try Self.pool())
        #expect(decision.assigneeID == "pse.free")
        #expect(decision.group == SupportGroup.pse && decision.hasSLA)
        let nobody = Routing.route(plan: .personalized, topic: nil, at: utc("2026-03-02T08:00:00"), primaryTAM: nil, secondaryTAM: nil, pool: [])
        #expect(nobody.assigneeID == nil && nobody.group == SupportGroup.pse)
    }

    @Test("SUP-5: other plans go to their group's queue")
    func otherPlan() throws {
        let decision = Routing.route(plan: .standard, topic: nil, at: utc("2026-03-02T15:00:00"), primaryTAM: nil, secondaryTAM: nil, pool: try Self.pool())
        #expect(decision.assigneeID == nil && decision.group == SupportGroup.general)
    }

    @Test("SUP-15: Consumer Trust topics go to the Consumer Trust team with no SLA and a 24-48 hour expectation")
    func consumerTrust() throws {
        for topic in ConsumerTrustTopic.allCases {
            let decision = Routing.route(plan: .personalized, topic: topic, at: utc("2026-03-02T15:00:00"),
                                         primaryTAM: try Self.person("taylor", "America/New_York"), secondaryTAM: nil, pool: try Self.pool())
            #expect(decision.group == SupportGroup.consumerTrust && decision.assigneeID == nil && !decision.hasSLA)
            #expect(decision.expectation?.contains("24-48 hours") == true)
        }
    }
}

@Suite("SUP-12 intake")
struct IntakeTests {
    static let now = utc("2026-03-02T12:00:00")
    static let call1 = "CA" + String(repeating: "a", count: 32)
    static let call2 = "CA" + String(repeating: "b", count: 32)
    static let message = "SM" + String(repeating: "c", count: 32)

    @Test("SUP-12: a complete voice ticket has no warnings")
    func completeVoice() throws {
        let result = try Intake.check(IntakeForm(product: .voice, sidsText: "\(Self.call1), \(Self.call2)", oldestExampleAt: Self.now - 3600, countries: "US"), now: Self.now)
        #expect(result.warnings.isEmpty)
        #expect(result.sids.map(\.rawValue) == [Self.call1, Self.call2])
        #expect(result.details["country"] == "US")
    }

    @Test("SUP-12: missing items are warnings with the reason")
    func warnings() throws {
        let voice = try Intake.check(IntakeForm(product: .voice, sidsText: Self.call1), now: Self.now)
        #expect(voice.warnings.count == 3)
        #expect(voice.warnings.contains { $0.contains("isolated event") })
        let messaging = try Intake.check(IntakeForm(product: .messaging, sidsText: "\(Self.message) MM\(String(repeating: "d", count: 32))", oldestExampleAt: Self.now - 80 * 3600), now: Self.now)
        #expect(messaging.warnings.contains { $0.contains("72 hours") })
        #expect(messaging.warnings.contains { $0.contains("inbound or outbound") })
        let email = try Intake.check(IntakeForm(product: .email), now: Self.now)
        #expect(email.warnings.count == 2)
        let video = try Intake.check(IntakeForm(product: .video, sidsText: "RM" + String(repeating: "1", count: 32), sdk: "JavaScript", sdkVersion: "2.28"), now: Self.now)
        #expect(video.warnings.isEmpty)
    }

    @Test("SUP-12: voice calls 24-48 hours old are best effort; older are refused as too old")
    func voiceAge() throws {
        let bestEffort = try Intake.check(IntakeForm(product: .voice, sidsText: "\(Self.call1) \(Self.call2)", oldestExampleAt: Self.now - 30 * 3600, countries: "US"), now: Self.now)
        #expect(bestEffort.warnings == ["Calls 24-48 hours old are investigated on a best-effort basis: many carriers keep records for 24 hours only."])
        #expect(throws: DomainError.self) {
            try Intake.check(IntakeForm(product: .voice, sidsText: Self.call1, oldestExampleAt: Self.now - 49 * 3600, countries: "US"), now: Self.now)
        }
        do {
            _ = try Intake.check(IntakeForm(product: .voice, sidsText: Self.call1, oldestExampleAt: Self.now - 49 * 3600), now: Self.now)
        } catch {
            #expect(error.code == .ticketTooOld)
        }
    }

    @Test("SUP-12: a malformed SID or a SID of the wrong product is an error")
    func malformed() {
        #expect(throws: DomainError.self) { try Intake.check(IntakeForm(product: .voice, sidsText: "CA123"), now: Self.now) }
        do {
            _ = try Intake.check(IntakeForm(product: .voice, sidsText: Self.message), now: Self.now)
            Issue.record("a message SID on a voice ticket was accepted")
        } catch {
            #expect(error.code == .malformedSID)
            #expect(error.message.contains("expected a SID starting with CA"))
        }
        #expect(throws: DomainError.self) { try SupportProduct.parse("fax") }
    }

    @Test("SUP-12: one country per voice ticket")
    func oneCountry() {
        do {
            _ = try Intake.check(IntakeForm(product: .voice, sidsText: Self.call1, countries: "US, GB"), now: Self.now)
            Issue.record("two countries were accepted")
        } catch {
            #expect(error.code == .oneCountryPerTicket)
            #expect(error.message.contains("GB, US"))
        }
    }
}

@Suite("SUP-7 pending follow-up")
struct PendingFollowUpTests {
    @Test("SUP-7: the reminder comes at the end of the 5th business day after going pending, the solve after the 10th, skipping weekends and holidays")
    func businessDays() throws {
        let office = try weekdays9to6("America/New_York", holidays: [LocalDate(year: 2026, month: 3, day: 9)])
        // Pending on Mon 2026-03-02 12:00 EST: business days Tue 3, Wed 4, Thu 5, Fri 6, (Mon 9 holiday), Tue 10.
        let since = utc("2026-03-02T17:00:00")
        // Tue 2026-03-10 18:00 EDT = 22:00 UTC.
        #expect(try PendingFollowUp.reminderAt(pendingSince: since, on: office) == utc("2026-03-10T22:00:00"))
        // Wed 11, Thu 12, Fri 13, Mon 16, Tue 17 -> Tue 2026-03-17 18:00 EDT.
        #expect(try PendingFollowUp.solveAt(pendingSince: since, on: office) == utc("2026-03-17T22:00:00"))
        // Around the clock every day counts: the end of the 5th next day.
        #expect(try PendingFollowUp.reminderAt(pendingSince: since, on: .aroundTheClock()) == utc("2026-03-08T00:00:00"))
    }
}
