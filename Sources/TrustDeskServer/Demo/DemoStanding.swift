import Fluent
import Foundation
import TrustDeskCore

/// Demo data for account standing: an account in each standing, each with its enforcement
/// record, dedicated IPs on Acme and its subaccount, and an open review request.
enum DemoStanding {
    struct Sample {
        let name: String
        let owner: (username: String, fullName: String)
        let to: Standing
        let reason: StandingReason
        let decider: StandingDecider
        let evidence: String
    }

    static let samples: [Sample] = [
        Sample(name: "Pending Pixels", owner: ("pat.pending", "Pat Pending"), to: .pendingVetting, reason: .vettingReview,
               decider: .rule(StandingRule.signupVetting), evidence: "Score 45: signup_velocity +25 (4 sign-ups from the same network in the last hour); phone_unverifiable +20 (the phone number could not be verified)"),
        Sample(name: "Lapsed Lanterns", owner: ("lou.lapsed", "Lou Lapsed"), to: .suspended, reason: .exposedCredentials,
               decider: .rule(StandingRule.secretScanning), evidence: "Exposed credential: an API key, found at https://github.com/example/demo-leak/blob/main/.env (source: content)."),
        Sample(name: "Quiet Quarry", owner: ("quincy.quiet", "Quincy Quiet"), to: .dormant, reason: .dormancy,
               decider: .rule(StandingRule.dormancy), evidence: "No usage for 180 days."),
        Sample(name: "Overdue Orchards", owner: ("olive.overdue", "Olive Overdue"), to: .terminated, reason: .nonPayment,
               decider: .rule(StandingRule.nonPayment), evidence: "Invoice DEMO-INV-1 of the previous bill run is unpaid."),
        Sample(name: "Banned Bargains", owner: ("bo.banned", "Bo Banned"), to: .banned, reason: .ban,
               decider: .rule(StandingRule.abuseDetection), evidence: "Phishing campaign confirmed by trust and safety."),
        Sample(name: "Closed Curios", owner: ("cleo.closed", "Cleo Closed"), to: .closed, reason: .ownerRequest,
               decider: .rule("owner_request"), evidence: "The owner asked to close the account."),
    ]

    /// Called once from `DemoWorld.loadIfEmpty`, inside its transaction.
    static func load(on db: any Database, now: Date, accounts: Accounts, passwordHash: String, acmeSID: String, acmeSubaccountSID: String, settings: SupportSettings) async throws {
        try await DedicatedIP(account: acmeSID, address: "192.0.2.21", now: now).create(on: db)
        try await DedicatedIP(account: acmeSID, address: "192.0.2.22", now: now).create(on: db)
        try await DedicatedIP(account: acmeSubaccountSID, address: "192.0.2.23", now: now).create(on: db)
        let banned = samples.first { $0.to == .banned }?.name
        for sample in samples {
            let user = User(sid: SID.generate(.user), username: sample.owner.username, email: "\(sample.owner.username)@example.com",
                            fullName: sample.owner.fullName, passwordHash: passwordHash, now: now)
            try await user.create(on: db)
            let (account, _) = try await accounts.createAccount(named: sample.name, owner: user)
            if sample.name == banned {
                // A ban released its address; the row stays as history.
                let released = DedicatedIP(account: account.sid, address: "192.0.2.30", now: now.addingTimeInterval(-30 * 86_400))
                released.releasedAt = now.addingTimeInterval(-86_400)
                released.releaseReason = "ban"
                try await released.create(on: db)
            }
            // Written directly rather than through StandingService, so the demo doesn't mail
            // fictional owners on every start.
            let from = Standing.active
            account.standing = sample.to.rawValue
            try await account.save(on: db)
            var decider = sample.decider
            if sample.reason == .ownerRequest { decider = .owner(sid: user.sid) }
            if sample.reason == .ban, let riley = try await User.query(on: db).filter(\.$username == "staff.riley").first() {
                decider = .staff(sid: riley.sid, role: .trustSafety)
            }
            // A person's decision carries its justification (StandingGuardRails), as it would on the staff page.
            let justification = decider.isAutomated || sample.reason == .ownerRequest ? ""
                : "Confirmed phishing: the account sent lookalike bank login links to thousands of numbers after two warnings."
            let change = StandingChange(from: from, to: sample.to, reason: sample.reason, decider: decider,
                                        justification: justification, evidence: sample.evidence)
            let record = EnforcementRecord(account: account.sid, change: change, at: now.addingTimeInterval(-86_400))
            try await record.create(on: db)
            let tickets = Tickets(database: db, now: now, settings: settings)
            if sample.to == .dormant, let recordID = record.id {
                // The review's Consumer Trust case, decided from its ticket (SUP-15, STD-3).
                let review = ReviewRequest(account: account.sid, record: recordID, requestedBy: user.sid,
                                           message: "We use this account for our yearly campaign; please reactivate it.", now: now)
                review.ticketNumber = try await tickets.open(
                    NewTicket(subject: "Review request: \(sample.name) is dormant", description: "Review of the dormancy decision.\n\n\(review.message)",
                              priority: "3", topic: ConsumerTrustTopic.dormantReactivation.rawValue, intake: IntakeForm(product: .other)),
                    about: account, by: TicketActor(user: user)).ticket.number
                try await review.create(on: db)
            }
            if sample.to == .pendingVetting {
                // STD-6: the assessment behind the vetting case, shown beside its ticket.
                let findings = [VettingFinding(rule: "signup_velocity", weight: 25, explanation: "4 sign-ups from the same network in the last hour"),
                                VettingFinding(rule: "phone_unverifiable", weight: 20, explanation: "the phone number could not be verified")]
                let result = VettingResult(score: 45, outcome: .review, findings: findings)
                let facts = SignupFacts(email: user.email, signupsFromNetworkLastHour: 4, country: "US", phoneVerifiable: false)
                try await VettingAssessment(account: account.sid, result: result, facts: facts, phone: nil, network: "203.0.113.0/24", now: now).create(on: db)
                _ = try await tickets.open(
                    NewTicket(subject: "Sign-up vetting review: \(sample.name)", description: SignupVetting.caseDescription(result, policy: VettingPolicy()),
                              priority: "3", topic: ConsumerTrustTopic.vettingReview.rawValue, intake: IntakeForm(product: .other)),
                    about: account, by: TicketActor(user: user))
            }
        }
    }

    static let bannerLine = "  Standing: pat.pending (pending_vetting), lou.lapsed (suspended), quincy.quiet (dormant, review open), olive.overdue (terminated), bo.banned (banned), cleo.closed (closed)"
}
