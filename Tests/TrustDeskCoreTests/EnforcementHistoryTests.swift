import Foundation
import Testing
import TrustDeskCore

@Suite("PT-7 enforcement history and vetting outcome")
struct EnforcementHistoryTests {
    let now = utc("2026-03-02T12:00:00")

    func entry(_ reason: StandingReason, daysAgo: Double, automated: Bool = false) -> EnforcementEntry {
        EnforcementEntry(reason: reason, automated: automated, decidedAt: now.addingTimeInterval(-daysAgo * 86_400))
    }

    func established(_ summary: EnforcementHistory.Summary) -> SendingRecord {
        SendingRecord(delivered: 100_000, sent: 100_000, accountCreatedAt: now.addingTimeInterval(-400 * 86_400), vetting: summary.vetting,
                      enforcementActions: summary.adverseDecisions, securityIncidents: summary.securityIncidents)
    }

    @Test("PT-7: adverse conduct decisions of the last 12 months count 10 points each, security incidents 5, at most 30")
    func weights() {
        let summary = EnforcementHistory.summarize([
            entry(.abusiveTraffic, daysAgo: 200), entry(.reviewUpheld, daysAgo: 190), entry(.reinstated, daysAgo: 100),
            entry(.exposedCredentials, daysAgo: 50, automated: true), entry(.reinstated, daysAgo: 45),
            entry(.fraud, daysAgo: 400), entry(.reinstated, daysAgo: 399.5),
        ], standing: .active, now: now)
        // The abuse suspension was reinstated after an upheld review: reversed, not counted.
        #expect(summary.adverseDecisions == 0)
        #expect(summary.securityIncidents == 1)
        let explanation = ReputationScoring.score(established(summary), now: now)
        let factor = explanation.factors.first { $0.key == "enforcement_history" }
        #expect(factor?.points == 5)
        #expect(factor?.value == "0 adverse decisions, 1 security incident in the last 12 months")
        #expect(explanation.score == 2)

        let heavy = EnforcementHistory.summarize([
            entry(.abusiveTraffic, daysAgo: 300), entry(.ban, daysAgo: 200), entry(.banLifted, daysAgo: 150),
            entry(.fraud, daysAgo: 100), entry(.nonPayment, daysAgo: 90), entry(.reinstated, daysAgo: 80),
            entry(.abusiveTraffic, daysAgo: 10), entry(.dormancy, daysAgo: 5),
        ], standing: .dormant, now: now)
        // abuse (300) counts: the ban came next; the ban was lifted; fraud counts (non-payment
        // came next and the reinstatement reversed that); abuse (10) counts.
        #expect(heavy.adverseDecisions == 3)
        let points = ReputationScoring.score(established(heavy), now: now).factors.first { $0.key == "enforcement_history" }?.points
        #expect(points == 30)
    }

    @Test("PT-7: decisions older than 365 days, dormancy, non-payment and closure don't count")
    func notCounted() {
        let summary = EnforcementHistory.summarize([
            entry(.fraud, daysAgo: 366), entry(.dormancy, daysAgo: 30, automated: true), entry(.nonPayment, daysAgo: 20, automated: true),
            entry(.ownerRequest, daysAgo: 1),
        ], standing: .closed, now: now)
        #expect(summary.adverseDecisions == 0 && summary.securityIncidents == 0)
        #expect(ReputationScoring.score(established(summary), now: now).score == 1)
    }

    @Test("PT-7: the vetting outcome comes from the same records: pending, reviewed by a person, or approved at sign-up")
    func vetting() {
        #expect(EnforcementHistory.summarize([entry(.vettingReview, daysAgo: 1, automated: true)], standing: .pendingVetting, now: now).vetting == .pending)
        #expect(EnforcementHistory.summarize([entry(.vettingReview, daysAgo: 9, automated: true), entry(.vettingApproved, daysAgo: 8)],
                                             standing: .active, now: now).vetting == .reviewed)
        #expect(EnforcementHistory.summarize([], standing: .active, now: now).vetting == .approved)
        let reviewed = EnforcementHistory.summarize([entry(.vettingReview, daysAgo: 300, automated: true), entry(.vettingApproved, daysAgo: 299)],
                                                    standing: .active, now: now)
        #expect(ReputationScoring.score(established(reviewed), now: now).factors.first { $0.key == "vetting_outcome" }?.points == 5)
    }
}
