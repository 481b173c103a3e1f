import Fluent
import Foundation
import TrustDeskCore

/// Demo data for privacy: two accounts closed 61 days ago, one under a legal hold, so the first
/// retention run de-identifies the one and leaves the other untouched; the retention schedule of
/// the standing demo's closed account; and one teammate who opted in to marketing.
enum DemoPrivacy {
    static let closedDaysAgo = 61
    static let holdCase = "LIT-2026-014"
    /// Name, username and full name of each demo account closed `closedDaysAgo` days ago.
    static let closedAccounts = [("Faded Ferns", "fern.faded", "Fern Faded"), ("Held Harbor", "hal.held", "Hal Held")]

    /// Called once from `DemoWorld.loadIfEmpty`, inside its transaction.
    static func load(on db: any Database, now: Date, accountHooks: AccountCreationHooks, passwordHash: String, supportSettings: SupportSettings) async throws {
        let closedAt = now.addingTimeInterval(-Double(closedDaysAgo) * 86_400)
        let retention = PrivacyRetention(database: db, now: now, policy: RetentionPolicy())
        for (name, username, fullName) in closedAccounts {
            let user = User(sid: SID.generate(.user), username: username, email: "\(username)@example.com", fullName: fullName,
                            passwordHash: passwordHash, now: closedAt)
            try await user.create(on: db)
            let (account, _) = try await Accounts(database: db, now: closedAt, creationHooks: accountHooks).createAccount(named: name, owner: user)
            _ = try await Tickets(database: db, now: closedAt.addingTimeInterval(-86_400), settings: supportSettings).open(
                NewTicket(subject: "Please close our account", description: "We are winding down \(name); please close the account.",
                          priority: "3", intake: IntakeForm(product: .other)),
                about: account, by: TicketActor(user: user))
            // Closed directly, like the standing demo, so no mail goes to fictional owners on start.
            account.standing = Standing.closed.rawValue
            try await account.save(on: db)
            let change = StandingChange(from: .active, to: .closed, reason: .ownerRequest, decider: .owner(sid: user.sid),
                                        evidence: "The owner asked to close the account.")
            try await EnforcementRecord(account: account.sid, change: change, at: closedAt).create(on: db)
            try await retention.schedule(accountSID: account.sid, closedAt: closedAt)
            if name == "Held Harbor", let lead = try await User.query(on: db).filter(\.$username == "staff.sam").first() {
                _ = try await LegalHolds(database: db, now: closedAt.addingTimeInterval(86_400)).place(
                    on: account, caseReference: holdCase, reason: "Litigation about the account's traffic: keep everything until the case ends.", by: lead)
            }
        }
        if let curios = try await Account.query(on: db).filter(\.$friendlyName == "Closed Curios").first() {
            try await retention.schedule(accountSID: curios.sid, closedAt: now.addingTimeInterval(-86_400))
        }
        if let blake = try await User.query(on: db).filter(\.$username == "blake").first() {
            try await PrivacyPreferences(database: db, now: now).setMarketing(true, for: blake.sid)
        }
    }

    static let bannerLine = "  Privacy: fern.faded (closed 61 days ago: de-identified by the first retention run), hal.held (closed, legal hold \(holdCase)); blake opted in to marketing"
}
