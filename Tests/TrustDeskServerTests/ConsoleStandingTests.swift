import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// STD-2 through the pages: for an account in each standing, every console action's form is
/// shown exactly when the rule (`ConsolePolicy`, whose table the core tests cell by cell)
/// allows it, with the reason in words otherwise, and a crafted POST is refused with the
/// standing's own code and writes nothing.
@Suite("STD-2: the console of an account in each standing")
struct ConsoleStandingTests {
    /// A real decision that puts an active account in each standing, as the rules would.
    static func decision(to standing: Standing) -> StandingDecision? {
        let lead = StandingDecider.staff(sid: "US00000000000000000000000000000009", role: .trustSafetyLead)
        switch standing {
        case .active: return nil
        case .pendingVetting: return StandingDecision(to: .pendingVetting, reason: .vettingReview, decider: .rule(StandingRule.signupVetting))
        case .suspended: return StandingDecision(to: .suspended, reason: .abusiveTraffic, decider: .rule(StandingRule.abuseDetection), evidence: "spike")
        case .dormant: return StandingDecision(to: .dormant, reason: .dormancy, decider: .rule(StandingRule.dormancy))
        case .terminated: return StandingDecision(to: .terminated, reason: .nonPayment, decider: .rule(StandingRule.nonPayment))
        case .banned: return StandingDecision(to: .banned, reason: .ban, decider: lead,
                                              justification: "A phishing campaign was confirmed by the abuse desk.", evidence: "abuse report 4711",
                                              confirmation: "Restricted Inc")
        case .closed: return StandingDecision(to: .closed, reason: .vettingRejected, decider: .rule(StandingRule.signupVetting))
        }
    }

    /// One console action as a person meets it: the page that offers its form, the form, and
    /// the POST that form sends, with how to count what it wrote.
    struct Probe {
        let action: ConsoleAction
        let page: String
        let formID: String
        let post: String
        let fields: [String: String]
        let written: @Sendable (Application) async throws -> Int
    }

    static func probes(_ sid: String) -> [Probe] {
        [
            Probe(action: .createSubaccount, page: "/console/accounts/\(sid)", formID: "subaccount-form",
                  post: "/console/accounts/\(sid)/subaccounts", fields: ["friendly_name": "Probe"]) { app in
                try await Account.query(on: app.db).filter(\.$ownerAccountSID == sid).count()
            },
            Probe(action: .manageCredentials, page: "/console/accounts/\(sid)/credentials", formID: "key-form",
                  post: "/console/accounts/\(sid)/keys", fields: ["friendly_name": "Probe key"]) { app in
                try await APIKey.query(on: app.db).filter(\.$accountSID == sid).count()
            },
            Probe(action: .manageTeammates, page: "/console/accounts/\(sid)/teammates", formID: "invite-form",
                  post: "/console/accounts/\(sid)/teammates/invite", fields: ["email": "probe@example.com", "role": "developer"]) { app in
                try await Invitation.query(on: app.db).filter(\.$accountSID == sid).count()
            },
            Probe(action: .requestMessagingChange, page: "/console/accounts/\(sid)/messaging", formID: "trust-request-form",
                  post: "/console/accounts/\(sid)/messaging/requests", fields: ["kind": "score_review", "reason": "Our opt-out rate fell."]) { app in
                try await TrustRequest.query(on: app.db).filter(\.$accountSID == sid).count()
            },
            Probe(action: .requestReview, page: "/console/accounts/\(sid)/standing", formID: "review-form",
                  post: "/console/accounts/\(sid)/standing/review", fields: ["message": "Please look at this again."]) { app in
                try await ReviewRequest.query(on: app.db).filter(\.$accountSID == sid).count()
            },
            Probe(action: .supportTickets, page: "/console/support/new?product=other", formID: "ticket-form",
                  post: "/console/support/tickets",
                  fields: ["product": "other", "account_sid": sid, "priority": "3", "subject": "Probe", "description": "A probe ticket."]) { app in
                try await Ticket.query(on: app.db).filter(\.$accountSID == sid).filter(\.$topic == nil).count()
            },
            // Last: when it is allowed it closes the account.
            Probe(action: .closeAccount, page: "/console/accounts/\(sid)/standing", formID: "close-form",
                  post: "/console/accounts/\(sid)/standing/close", fields: ["confirm": "Restricted Inc"]) { app in
                try await Account.find(sid, on: app.db)?.standing == Standing.closed.rawValue ? 1 : 0
            },
        ]
    }

    @Test("STD-2: forms are shown only when they can succeed, and crafted posts are refused with the standing's code",
          arguments: Standing.allCases)
    func consoleActions(standing: Standing) async throws {
        try await withTrustDesk { app in
            let owner = try await TestData.customer(app, "owner", account: "Restricted Inc")
            // A second account in good standing, so even a terminated or banned account's
            // owner can sign in and try.
            _ = try await app.accounts(now: app.now).createAccount(named: "Good Standing Inc", owner: owner.user)
            if let decision = Self.decision(to: standing) {
                try await StandingTestKit.apply(app, decision, to: owner.account)
            }
            let sid = owner.account.sid
            let browser = try await StandingTestKit.customerBrowser(app, "owner")
            // An active account refuses only a review (there is nothing to review): a conflict.
            let code = (standing.refusalCode ?? .conflict).rawValue

            for (action, path) in [(ConsoleAction.view, "/console/accounts/\(sid)"), (.viewCredentials, "/console/accounts/\(sid)/credentials"),
                                   (.viewStanding, "/console/accounts/\(sid)/standing")] {
                let page = try await browser.get(path)
                if ConsolePolicy.allows(action, in: standing) {
                    #expect(page.status == .ok, "\(action.rawValue) in \(standing.rawValue)")
                } else {
                    #expect(page.errorCode == code, "\(action.rawValue) in \(standing.rawValue)")
                }
            }

            for probe in Self.probes(sid) {
                let allowed = ConsolePolicy.allows(probe.action, in: standing)
                let label = "\(probe.action.rawValue) in \(standing.rawValue)"
                let page = try await browser.get(probe.page)
                if page.status == .ok {
                    let offered = probe.action == .supportTickets ? page.text.contains("value=\"\(sid)\"") : page.text.contains("id=\"\(probe.formID)\"")
                    #expect(offered == allowed, "form shown: \(label)")
                    if !allowed, probe.action != .supportTickets, probe.action != .closeAccount {
                        #expect(page.text.contains("so you can&#39;t") || page.text.contains("so you can't"), "reason shown: \(label)")
                    }
                }
                let before = try await probe.written(app)
                let sent = try await browser.post(probe.post, probe.fields)
                let after = try await probe.written(app)
                if allowed {
                    #expect(sent.status == .ok || sent.status == .seeOther, "\(label): \(sent.status)")
                    #expect(after == before + 1, "written: \(label)")
                } else {
                    #expect(sent.errorCode == code, "refused with the standing's code: \(label)")
                    #expect(after == before, "nothing written: \(label)")
                }
            }
        }
    }

    @Test("STD-2: several clients posting to a restricted console at once are all refused, and nothing is written")
    func concurrentCraftedPosts() async throws {
        try await withTrustDesk { app in
            let owner = try await TestData.customer(app, "flo", account: "Flo Ltd")
            try await StandingTestKit.apply(app, StandingDecision(to: .suspended, reason: .fraud, decider: .rule(StandingRule.abuseDetection)), to: owner.account)
            let sid = owner.account.sid
            let codes = try await withThrowingTaskGroup(of: [Int?].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        // Each client signs in on its own, as separate browsers would.
                        let browser = try await StandingTestKit.customerBrowser(app, "flo")
                        try await browser.get("/console/accounts/\(sid)")
                        var codes: [Int?] = []
                        for index in 0..<3 {
                            codes.append(try await browser.post("/console/accounts/\(sid)/messaging/requests",
                                                                ["kind": "more_messages", "amount": "5000", "starts_on": "2026-03-03", "ends_on": "2026-03-09", "reason": "Launch \(index)"]).errorCode)
                            codes.append(try await browser.post("/console/accounts/\(sid)/subaccounts", ["friendly_name": "Sub \(index)"]).errorCode)
                        }
                        return codes
                    }
                }
                var all: [Int?] = []
                for try await codes in group { all += codes }
                return all
            }
            #expect(codes.count == 24)
            #expect(codes.allSatisfy { $0 == ErrorCode.accountSuspended.rawValue })
            #expect(try await TrustRequest.query(on: app.db).filter(\.$accountSID == sid).count() == 0)
            #expect(try await Account.query(on: app.db).filter(\.$ownerAccountSID == sid).count() == 0)
        }
    }
}
