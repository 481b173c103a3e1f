import Foundation
import Testing
import TrustDeskCore

@Suite("Progressive Trust requests: routing, deciders, decisions")
struct TrustRequestRulesTests {
    let now = utc("2026-03-02T15:00:00")

    @Test("SUP-5: a Progressive Trust request skips the TAMs and the PSE pool and waits, unassigned, for trust and safety")
    func trustTopicRouting() throws {
        for topic in TrustSafetyTopic.allCases {
            let decision = Routing.route(plan: .personalized, topic: nil, trustTopic: topic, at: now,
                                         primaryTAM: try RoutingTests.person("taylor", "America/New_York"), secondaryTAM: nil, pool: try RoutingTests.pool())
            #expect(decision.group == SupportGroup.trustSafety && decision.group == "trust_safety")
            #expect(decision.assigneeID == nil)
            #expect(decision.reason.contains("trust-and-safety group") && decision.reason.contains(topic.title))
        }
        #expect(SupportGroup.all.contains(SupportGroup.trustSafety))
    }

    @Test("PT-10: trust requests keep the plan's response targets; Consumer Trust cases stay without SLA")
    func trustTopicKeepsSLA() throws {
        let standard = Routing.route(plan: .standard, topic: nil, trustTopic: .moreMessages, at: now, primaryTAM: nil, secondaryTAM: nil, pool: [])
        #expect(standard.hasSLA && standard.reason.contains("Standard plan"))
        #expect(standard.expectation == TrustSafetyTopic.expectation)
        let consumer = Routing.route(plan: .standard, topic: .vettingReview, at: now, primaryTAM: nil, secondaryTAM: nil, pool: [])
        #expect(!consumer.hasSLA && consumer.group == SupportGroup.consumerTrust)
    }

    @Test("PT-10: only trust and safety, their leads and admins decide; agents, TAMs, PSEs and Consumer Trust do not")
    func deciders() {
        #expect(StaffRole.allCases.filter(TrustRequestPolicy.canDecide) == [.trustSafety, .trustSafetyLead, .admin])
        #expect(!TrustRequestPolicy.canDecide(nil))
    }

    @Test("PT-10: a request names its kind, a limit of 1 to 100,000,000 and at most 90 days not over before today")
    func requestChecks() throws {
        #expect(try TrustSafetyTopic.parse("score_review") == .scoreReview)
        #expect(throws: DomainError.self) { try TrustSafetyTopic.parse("unlimited_please") }
        #expect(throws: DomainError.self) { try TrustRequestPolicy.amount(0, field: "amount") }
        #expect(throws: DomainError.self) { try TrustRequestPolicy.amount(nil, field: "amount") }
        #expect(try TrustRequestPolicy.amount(5_000, field: "amount") == 5_000)
        let range = try TrustRequestPolicy.range(startsOn: "2026-03-02", endsOn: "2026-03-31", now: now)
        #expect(UTCDay.key(range.start) == "2026-03-02" && UTCDay.key(range.end) == "2026-03-31")
        #expect(throws: DomainError.self) { try TrustRequestPolicy.range(startsOn: "2026-03-05", endsOn: "2026-03-04", now: now) }
        #expect(throws: DomainError.self) { try TrustRequestPolicy.range(startsOn: "2026-02-01", endsOn: "2026-03-01", now: now) }
        #expect(throws: DomainError.self) { try TrustRequestPolicy.range(startsOn: "2026-03-02", endsOn: "2026-06-01", now: now) }
        #expect(throws: DomainError.self) { try TrustRequestPolicy.range(startsOn: "03/02/2026", endsOn: "2026-03-04", now: now) }
        #expect(throws: DomainError.self) { try TrustRequestPolicy.text("   ", field: "note", purpose: "say why") }
        #expect(throws: DomainError.self) { try TrustRequestPolicy.score(6) }
        #expect(try TrustRequestPolicy.score(2).rawValue == 2)
    }

    @Test("PT-10: a second decision is a conflict")
    func decidedOnce() {
        #expect(TrustRequestPolicy.alreadyDecided(.approved).code == .conflict)
        #expect(TrustRequestPolicy.alreadyDecided(.declined).message.contains("declined"))
    }

    @Test("PT-10: the customer is told the granted limit and dates or the new score, with the note")
    func decisionReplies() throws {
        let from = try #require(UTCDay.parse("2026-03-02"))
        let through = try #require(UTCDay.parse("2026-03-09"))
        let approved = TrustRequestPolicy.decisionReply(.moreMessages, approved: true, grantedLimit: 25_000, from: from, through: through,
                                                        grantedScore: nil, note: "Launch verified")
        #expect(approved.contains("25,000") && approved.contains("2026-03-02 through 2026-03-09") && approved.contains("Launch verified"))
        let score = TrustRequestPolicy.decisionReply(.scoreReview, approved: true, grantedLimit: nil, from: nil, through: nil, grantedScore: 2, note: "Clean opt-in")
        #expect(score.contains("set it to 2"))
        let declined = TrustRequestPolicy.decisionReply(.moreMessages, approved: false, grantedLimit: nil, from: nil, through: nil, grantedScore: nil, note: "Too many complaints")
        #expect(declined.contains("declined") && declined.contains("Too many complaints"))
    }
}
