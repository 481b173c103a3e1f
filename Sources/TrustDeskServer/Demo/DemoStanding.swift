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
               decider: .rule(StandingRule.signupVetting), evidence: "Score 45: free_mail_domain +10; signup_velocity +25; phone_unverifiable +20"),
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
    static func load(on db: any Database, now: Date, passwordHash: String, acmeSID: String, acmeSubaccountSID: String) async throws {
        try await DedicatedIP(account: acmeSID, address: "192.0.2.21", now: now).create(on: db)
        try await DedicatedIP(account: acmeSID, address: "192.0.2.22", now: now).create(on: db)
        try await DedicatedIP(account: acmeSubaccountSID, address: "192.0.2.23", now: now).create(on: db)
        let banned = samples.first { $0.to == .banned }?.name
        for sample in samples {
            let user = User(sid: SID.generate(.user), username: sample.owner.username, email: "\(sample.owner.username)@example.com",
                            fullName: sample.owner.fullName, passwordHash: passwordHash, now: now)
            try await user.create(on: db)
            let (account, _) = try await Accounts(database: db, now: now).createAccount(named: sample.name, owner: user)
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
            let change = StandingChange(from: from, to: sample.to, reason: sample.reason, decider: decider)
            let record = EnforcementRecord(account: account.sid, change: change, evidence: sample.evidence, caseReference: nil, at: now.addingTimeInterval(-86_400))
            try await record.create(on: db)
            if sample.to == .dormant, let recordID = record.id {
                try await ReviewRequest(account: account.sid, record: recordID, requestedBy: user.sid,
                                        message: "We use this account for our yearly campaign; please reactivate it.", now: now).create(on: db)
            }
        }
    }

    static let bannerLine = "  Standing: pat.pending (pending_vetting), lou.lapsed (suspended), quincy.quiet (dormant, review open), olive.overdue (terminated), bo.banned (banned), cleo.closed (closed)"
}
