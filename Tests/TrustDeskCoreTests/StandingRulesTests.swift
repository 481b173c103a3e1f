import Foundation
import Testing
@testable import TrustDeskCore

@Suite("STD: standing state machine")
struct StandingRulesTests {
    let lead = StandingDecider.staff(sid: "US00000000000000000000000000000001", role: .trustSafetyLead)
    let agent = StandingDecider.staff(sid: "US00000000000000000000000000000002", role: .agent)
    let safety = StandingDecider.staff(sid: "US00000000000000000000000000000003", role: .trustSafety)
    let consumerTrust = StandingDecider.staff(sid: "US00000000000000000000000000000004", role: .consumerTrust)

    @Test("STD-1: the seven standings, stored by name")
    func standings() {
        #expect(Standing.allCases.map(\.rawValue) == ["pending_vetting", "active", "suspended", "dormant", "terminated", "banned", "closed"])
        #expect(StandingDecider.rule("dormancy").recordedName == "rule:dormancy")
        #expect(safety.recordedName == "US00000000000000000000000000000003")
    }

    @Test("STD-2: every standing but active refuses API requests with its own 403 code")
    func refusalCodes() {
        #expect(Standing.active.refusal(accountSID: "AC1") == nil)
        let codes = Standing.allCases.compactMap(\.refusalCode)
        #expect(codes.count == 6)
        #expect(Set(codes).count == 6)
        for code in codes { #expect(code.httpStatus == 403) }
        #expect(Standing.suspended.refusal(accountSID: "ACx")?.message.contains("suspended") == true)
        #expect(ConsolePolicy.allows(.view, in: .suspended) && !ConsolePolicy.allows(.createSubaccount, in: .suspended))
        #expect(!ConsolePolicy.allows(.view, in: .banned))
        #expect(!ConsolePolicy.allows(.view, in: .terminated))
    }

    @Test("STD-2: suspension reasons")
    func suspensionReasons() throws {
        #expect(StandingReason.suspensionReasons.map(\.rawValue) == ["account_takeover", "exposed_credentials", "abusive_traffic", "vetting_review", "fraud"])
        for reason in StandingReason.suspensionReasons {
            let path = StandingPolicy.paths.first { $0.to == .suspended && $0.reason == reason }
            #expect(path != nil, "no path suspends for \(reason)")
        }
    }

    @Test("STD-3: automated decisions notify and offer a review; staff ones notify")
    func reviewOffer() throws {
        let auto = try StandingPolicy.check(StandingChange(from: .active, to: .suspended, reason: .exposedCredentials, decider: .rule(StandingRule.secretScanning)))
        #expect(auto.contains(.notify) && auto.contains(.offerReview))
        let dormant = try StandingPolicy.check(StandingChange(from: .active, to: .dormant, reason: .dormancy, decider: .rule(StandingRule.dormancy)))
        #expect(dormant.contains(.offerReview))
        let terminated = try StandingPolicy.check(StandingChange(from: .active, to: .terminated, reason: .nonPayment, decider: .rule(StandingRule.nonPayment)))
        #expect(terminated == [.endSessions, .notify, .offerReview])
        let rejected = try StandingPolicy.check(StandingChange(from: .pendingVetting, to: .closed, reason: .vettingRejected, decider: .rule(StandingRule.signupVetting)))
        #expect(rejected.contains(.offerReview))
        let staff = try StandingPolicy.check(StandingChange(from: .active, to: .suspended, reason: .fraud, decider: safety, justification: "Card testing from this account."))
        #expect(staff == [.notify])
    }

    @Test("STD-3: upholding a review keeps the standing and is decided by reviewers only")
    func upheld() throws {
        #expect(try StandingPolicy.check(StandingChange(from: .dormant, to: .dormant, reason: .reviewUpheld, decider: consumerTrust, justification: "No usage in 200 days.")) == [.notify])
        #expect(throws: DomainError.self) { try StandingPolicy.check(StandingChange(from: .dormant, to: .dormant, reason: .reviewUpheld, decider: agent)) }
        #expect(throws: DomainError.self) { try StandingPolicy.check(StandingChange(from: .active, to: .active, reason: .reviewUpheld, decider: consumerTrust)) }
    }

    @Test("STD-4: a takeover suspension is for the fraud team and ends sessions")
    func takeover() throws {
        let effects = try StandingPolicy.check(StandingChange(from: .active, to: .suspended, reason: .accountTakeover, decider: safety,
                                                              justification: "The owner reported a login from abroad.", caseReference: "FR-1"))
        #expect(effects.contains(.endSessions))
        #expect(throws: DomainError.self) {
            try StandingPolicy.check(StandingChange(from: .active, to: .suspended, reason: .accountTakeover, decider: agent))
        }
    }

    @Test("STD-5: reinstating after exposed credentials needs new credentials")
    func exposedReinstatement() throws {
        var change = StandingChange(from: .suspended, to: .active, reason: .reinstated, decider: consumerTrust,
                                    justification: "The owner rotated every key.", currentReason: .exposedCredentials)
        do {
            _ = try StandingPolicy.check(change)
            Issue.record("reinstated without new credentials")
        } catch {
            #expect(error.code == .standingChangeNotAllowed)
        }
        change.hasNewCredentials = true
        #expect(try StandingPolicy.check(change) == [.notify])
    }

    @Test("STD-7: only the dormancy rule makes an account dormant")
    func dormancyDecider() {
        #expect(throws: DomainError.self) { try StandingPolicy.check(StandingChange(from: .active, to: .dormant, reason: .dormancy, decider: safety)) }
    }

    @Test("STD-9: a ban ends sessions, cascades and releases IPs; a cascaded ban does not cascade again")
    func banEffects() throws {
        let effects = try StandingPolicy.check(StandingChange(from: .active, to: .banned, reason: .ban, decider: safety,
                                                              justification: "Phishing after two warnings.", evidence: "Carrier report CR-77 and ticket #12.",
                                                              confirmation: "Acme", accountName: "Acme"))
        #expect(Set(effects) == [.endSessions, .cascadeBan, .releaseDedicatedIPs, .notify])
        let cascaded = try StandingPolicy.check(StandingChange(from: .suspended, to: .banned, reason: .banCascade, decider: .rule(StandingRule.banCascade)))
        #expect(!cascaded.contains(.cascadeBan))
        #expect(cascaded.contains(.releaseDedicatedIPs))
    }

    @Test("STD-9: support agents can't lift a ban; a trust-and-safety lead can, with a justification")
    func liftBan() throws {
        for decider in [agent, safety, consumerTrust] {
            do {
                _ = try StandingPolicy.check(StandingChange(from: .banned, to: .active, reason: .banLifted, decider: decider, justification: String(repeating: "x", count: 40)))
                Issue.record("\(decider) lifted a ban")
            } catch {
                #expect(error.code == .permissionDenied)
            }
        }
        #expect(throws: DomainError.self) {
            try StandingPolicy.check(StandingChange(from: .banned, to: .active, reason: .banLifted, decider: lead, justification: "ok"))
        }
        #expect(try StandingPolicy.check(StandingChange(from: .banned, to: .active, reason: .banLifted, decider: lead,
                                                        justification: "Customer proved the traffic was a compromised partner.")) == [.notify])
        #expect(throws: DomainError.self) {
            try StandingPolicy.check(StandingChange(from: .banned, to: .active, reason: .reinstated, decider: consumerTrust))
        }
    }

    @Test("STD-10: closing is the end; an account closes once")
    func closeOnce() throws {
        #expect(try StandingPolicy.check(StandingChange(from: .active, to: .closed, reason: .ownerRequest, decider: .owner(sid: "US1"))).contains(.endSessions))
        do {
            _ = try StandingPolicy.check(StandingChange(from: .closed, to: .closed, reason: .ownerRequest, decider: .owner(sid: "US1")))
            Issue.record("closed twice")
        } catch {
            #expect(error.code == .standingChangeNotAllowed)
        }
        #expect(throws: DomainError.self) { try StandingPolicy.check(StandingChange(from: .closed, to: .active, reason: .reinstated, decider: lead)) }
    }

    @Test("STD-1: support agents, TAMs and PSEs have no standing actions")
    func actionsByRole() {
        for role in [StaffRole.agent, .tam, .pse] {
            for standing in Standing.allCases { #expect(StandingPolicy.actions(from: standing, role: role).isEmpty) }
        }
        #expect(StandingPolicy.actions(from: .banned, role: .trustSafetyLead).map(\.reason) == [.banLifted])
        #expect(StandingPolicy.actions(from: .active, role: .trustSafety).contains { $0.reason == .ban })
    }
}

@Suite("STD-6: sign-up vetting")
struct VettingRulesTests {
    let policy = VettingPolicy(riskCountries: ["ZZ"])

    @Test("STD-6: a company address from a quiet network is approved")
    func approve() {
        let result = policy.evaluate(SignupFacts(email: "ana@acme-rockets.example.com"))
        #expect(result.outcome == .approve)
        #expect(result.score == 0)
    }

    @Test("STD-6: a disposable address is rejected, with the rule explained")
    func disposable() {
        let result = policy.evaluate(SignupFacts(email: "x@Mailinator.com"))
        #expect(result.outcome == .reject)
        #expect(result.findings.map(\.rule) == ["disposable_email_domain"])
        #expect(result.explanation.contains("mailinator.com"))
    }

    @Test("STD-6: velocity, country and phone add up to a review")
    func review() {
        let result = policy.evaluate(SignupFacts(email: "a@gmail.com", signupsFromNetworkLastHour: 1, country: "zz", phoneVerifiable: false))
        #expect(result.findings.map(\.rule) == ["free_mail_domain", "country_risk", "phone_unverifiable"])
        #expect(result.score == 50)
        #expect(result.outcome == .review)
        let burst = policy.evaluate(SignupFacts(email: "a@example.com", signupsFromNetworkLastHour: 12))
        #expect(burst.outcome == .reject)
        let some = policy.evaluate(SignupFacts(email: "a@example.com", signupsFromNetworkLastHour: 3))
        #expect(some.outcome == .approve && some.score == 25)
    }
}

@Suite("STD-8: non-payment")
struct NonPaymentRulesTests {
    let policy = NonPaymentPolicy()

    func date(_ year: Int, _ month: Int, _ day: Int, hour: Int = 12) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour)) ?? .distantPast
    }

    @Test("STD-8: warnings at 3, 10 and 17 days past due, each once")
    func warnings() {
        let due = date(2026, 3, 1)
        #expect(policy.warningDue(dueDate: due, now: date(2026, 3, 3), sent: []) == nil)
        #expect(policy.warningDue(dueDate: due, now: date(2026, 3, 4), sent: []) == 3)
        #expect(policy.warningDue(dueDate: due, now: date(2026, 3, 5), sent: [3]) == nil)
        #expect(policy.warningDue(dueDate: due, now: date(2026, 3, 11), sent: [3]) == 10)
        #expect(policy.warningDue(dueDate: due, now: date(2026, 3, 18), sent: [3, 10]) == 17)
        #expect(policy.warningDue(dueDate: due, now: date(2026, 3, 30), sent: [3, 10, 17]) == nil)
    }

    @Test("STD-8: termination only in the month's final 7 days, every day of a 31-day month")
    func march() {
        for day in 1...31 {
            #expect(policy.isFinalWeek(date(2026, 3, day)) == (day >= 25), "March \(day)")
            #expect(policy.terminates(billRun: "2026-02", on: date(2026, 3, day)) == (day >= 25), "March \(day)")
        }
    }

    @Test("STD-8: February in a leap year: final week is the 23rd to the 29th", arguments: [(2028, 29), (2026, 28)])
    func february(year: Int, days: Int) {
        for day in 1...days {
            #expect(policy.isFinalWeek(date(year, 2, day, hour: 0)) == (day > days - 7), "\(year)-02-\(day)")
            #expect(policy.isFinalWeek(date(year, 2, day, hour: 23)) == (day > days - 7), "\(year)-02-\(day) late")
        }
        #expect(policy.previousBillRun(before: date(year, 2, 25)) == "\(year)-01")
    }

    @Test("STD-8: only the previous month's run (or older) is terminated; this month's is not")
    func billRuns() throws {
        #expect(policy.previousBillRun(before: date(2026, 1, 28)) == "2025-12")
        #expect(policy.terminates(billRun: "2025-12", on: date(2026, 1, 28)))
        #expect(policy.terminates(billRun: "2025-11", on: date(2026, 1, 28)))
        #expect(!policy.terminates(billRun: "2026-01", on: date(2026, 1, 28)))
        #expect(!policy.isFinalWeek(date(2026, 4, 23)) && policy.isFinalWeek(date(2026, 4, 24)))
        #expect(throws: DomainError.self) { try BillRun.parse("2026-13") }
        #expect(try BillRun.parse("2026-02") == "2026-02")
    }
}

@Suite("STD-7: dormancy")
struct DormancyRulesTests {
    let policy = DormancyPolicy()
    let start = Date(timeIntervalSince1970: 1_772_452_800)
    func days(_ n: Double) -> Date { start.addingTimeInterval(n * 86_400) }

    @Test("STD-7: warned 14 days before 180 days without usage, then dormant")
    func timeline() {
        #expect(policy.step(lastUsage: start, warnedAt: nil, now: days(165)) == .nothing)
        #expect(policy.step(lastUsage: start, warnedAt: nil, now: days(166)) == .warn(deactivateOn: days(180)))
        #expect(policy.step(lastUsage: start, warnedAt: days(166), now: days(179)) == .nothing)
        #expect(policy.step(lastUsage: start, warnedAt: days(166), now: days(180)) == .deactivate)
    }

    @Test("STD-7: a late warning still gives 14 days; usage after a warning cancels it")
    func lateWarning() {
        #expect(policy.step(lastUsage: start, warnedAt: nil, now: days(200)) == .warn(deactivateOn: days(214)))
        #expect(policy.step(lastUsage: start, warnedAt: days(200), now: days(213)) == .nothing)
        #expect(policy.step(lastUsage: start, warnedAt: days(200), now: days(214)) == .deactivate)
        #expect(policy.step(lastUsage: days(170), warnedAt: days(166), now: days(180)) == .nothing)
    }

    @Test("STD-7: the job looks again when the warning or the end of the notice is due")
    func nextCheck() {
        #expect(policy.nextCheck(lastUsage: start, warnedAt: nil, now: days(10)) == days(166))
        #expect(policy.nextCheck(lastUsage: start, warnedAt: days(200), now: days(201)) == days(214))
        #expect(policy.nextCheck(lastUsage: days(170), warnedAt: days(166), now: days(171)) == days(336), "a warning before the latest usage no longer counts")
    }

    @Test("STD-7: the threshold is configurable")
    func configurable() {
        let short = DormancyPolicy(thresholdDays: 30, warningLeadDays: 7)
        #expect(short.step(lastUsage: start, warnedAt: nil, now: days(23)) == .warn(deactivateOn: days(30)))
    }
}
