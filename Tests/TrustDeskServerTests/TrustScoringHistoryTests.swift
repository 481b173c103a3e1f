import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Progressive Trust: the daily score reads the standing history")
struct TrustScoringHistoryTests {
    static func record(_ app: Application, _ account: String, _ reason: StandingReason, from: Standing, to: Standing, daysAgo: Double, by decider: String) async throws {
        let record = EnforcementRecord()
        record.id = UUID()
        record.accountSID = account
        record.fromStanding = from.rawValue
        record.toStanding = to.rawValue
        record.reason = reason.rawValue
        record.evidence = "test"
        record.decidedBy = decider
        record.justification = ""
        record.decidedAt = app.now.addingTimeInterval(-daysAgo * 86_400)
        try await record.create(on: app.db)
    }

    @Test("PT-7: an abuse suspension and an exposed credential in the last year, and a manual vetting review, raise the daily score and say so")
    func enforcementRaisesScore() async throws {
        try await withTrustDesk { app in
            let ada = try await TestData.customer(app, "ada")
            try await app.trustScores(now: app.now).refresh(ada.account)
            let clean = try #require(try await TrustProfile.find(ada.account.sid, on: app.db))
            let before = try JSONDecoder().decode(ScoreExplanation.self, from: Data(clean.explanation.utf8))
            #expect(before.factors.first { $0.key == "enforcement_history" }?.points == 0)

            try await Self.record(app, ada.account.sid, .vettingReview, from: .active, to: .pendingVetting, daysAgo: 20, by: "rule:signup_vetting")
            try await Self.record(app, ada.account.sid, .vettingApproved, from: .pendingVetting, to: .active, daysAgo: 19, by: "USstaff")
            try await Self.record(app, ada.account.sid, .abusiveTraffic, from: .active, to: .suspended, daysAgo: 10, by: "rule:abuse_detection")
            try await Self.record(app, ada.account.sid, .reviewUpheld, from: .suspended, to: .suspended, daysAgo: 9, by: "USstaff")
            try await Self.record(app, ada.account.sid, .exposedCredentials, from: .suspended, to: .suspended, daysAgo: 8, by: "rule:secret_scanning")
            app.clock.advance(by: 86_400)
            try await app.trustScores(now: app.now).refreshDue()
            let profile = try #require(try await TrustProfile.find(ada.account.sid, on: app.db))
            let explanation = try JSONDecoder().decode(ScoreExplanation.self, from: Data(profile.explanation.utf8))
            let history = try #require(explanation.factors.first { $0.key == "enforcement_history" })
            #expect(history.points == 15)
            #expect(history.value == "1 adverse decision, 1 security incident in the last 12 months")
            #expect(explanation.factors.first { $0.key == "vetting_outcome" }?.value == "reviewed")
            #expect(profile.score > clean.score)
            #expect(explanation.totalPoints == before.totalPoints + 15 + 5)
        }
    }
}
