import Fluent
import Foundation
import SQLKit
import TrustDeskCore
import Vapor

/// A decision someone made about an account's standing, with what they wrote for it.
struct StandingDecision: Sendable {
    var to: Standing
    var reason: StandingReason
    var decider: StandingDecider
    var justification: String = ""
    var evidence: String = ""
    var caseReference: String? = nil
    /// What the decider typed to confirm a final change: the account's name (STD-9).
    var confirmation: String? = nil
    /// The standing the decider saw. When the account is in another one now, someone else
    /// decided meanwhile, and this decision is refused rather than applied to a standing its
    /// author never looked at.
    var expectedFrom: Standing? = nil
}

/// What a change would do, shown to the decider before they confirm it (STD-9): the subaccounts
/// a ban cascades to, the dedicated addresses it releases, who is told.
struct StandingImpact {
    let account: Account
    let change: StandingChange
    let effects: [StandingEffect]
    /// Subaccounts banned with it (those not banned already).
    let cascadesTo: [Account]
    /// Addresses released: the account's own and those of the subaccounts above.
    let releasedIPs: [DedicatedIP]
    /// The owners mailed the decision.
    let notified: [User]
}

/// Applies standing changes (STD-1): checks them against the core policy, writes the
/// enforcement record and runs the effects. Callers pass a transaction as `database`, so the
/// standing, its record, its mail and its effects exist together or not at all.
struct StandingService {
    let database: any Database
    let now: Date
    let publicURL: String
    let hotline: String
    let retentionPolicy: RetentionPolicy
    /// How the tickets standing opens (reviews) mail their requesters.
    let supportSettings: SupportSettings

    init(database: any Database, now: Date, configuration: TrustDeskConfiguration) {
        self.database = database
        self.now = now
        self.publicURL = configuration.publicURL
        self.hotline = configuration.fraudHotline
        self.retentionPolicy = configuration.retentionPolicy
        self.supportSettings = configuration.supportSettings
    }

    /// The newest record of an account, which put it in its current standing.
    func latestRecord(of accountSID: String) async throws -> EnforcementRecord? {
        try await EnforcementRecord.query(on: database).filter(\.$accountSID == accountSID)
            .sort(\.$decidedAt, .descending).first()
    }

    func history(of accountSID: String, limit: Int = 200) async throws -> [EnforcementRecord] {
        try await EnforcementRecord.query(on: database).filter(\.$accountSID == accountSID)
            .sort(\.$decidedAt, .descending).limit(limit).all()
    }

    /// The account, taken for the rest of the caller's transaction before anything is read: a
    /// no-op update is a row lock on PostgreSQL and the write lock on SQLite. Decisions on one
    /// account then run one after another, each reading the standing the previous one left, so
    /// the later one is refused cleanly (20011, 20307) instead of failing on a lock it could
    /// have waited for. Call it first in the transaction.
    func lockedAccount(_ sid: String) async throws -> Account {
        let claimed = try await database.sql.raw("""
            UPDATE accounts SET updated_at = updated_at WHERE sid = \(bind: sid) RETURNING sid
            """).all()
        guard !claimed.isEmpty, let account = try await Account.find(sid, on: database) else { throw DomainError.notFound("account") }
        return account
    }

    /// The change `decision` asks for, as the policy sees it. Throws 20011 when the account
    /// left the standing its decider saw.
    private func change(for decision: StandingDecision, to account: Account) async throws -> StandingChange {
        let from = Standing(stored: account.standing)
        if let expected = decision.expectedFrom, expected != from {
            throw DomainError(.conflict, "The account's standing changed from \(expected.displayName.lowercased()) to \(from.displayName.lowercased()) while this decision was made, so nothing was changed. Read the history and decide again.")
        }
        let latest = try await latestRecord(of: account.sid)
        return StandingChange(
            from: from, to: decision.to, reason: decision.reason, decider: decision.decider,
            justification: decision.justification, evidence: decision.evidence, caseReference: decision.caseReference,
            confirmation: decision.confirmation,
            accountName: StandingGuardRails.confirmationName(friendlyName: account.friendlyName, sid: account.sid),
            currentReason: latest?.standingReason,
            hasNewCredentials: try await hasCredentials(of: account, newerThan: latest?.decidedAt ?? .distantPast)
        )
    }

    /// Checks `decision` (all but its confirmation) and says what it would do, changing nothing.
    func preview(_ decision: StandingDecision, of account: Account) async throws -> StandingImpact {
        let change = try await change(for: decision, to: account)
        let effects = try StandingPolicy.preview(change)
        let cascadesTo = effects.contains(.cascadeBan) ? try await subaccountsToBan(of: account) : []
        let touched = [account.sid] + cascadesTo.map(\.sid)
        let releasedIPs = effects.contains(.releaseDedicatedIPs)
            ? try await DedicatedIP.query(on: database).filter(\.$accountSID ~~ touched).filter(\.$releasedAt == nil).sort(\.$address).all()
            : []
        return StandingImpact(
            account: account, change: change, effects: effects, cascadesTo: cascadesTo, releasedIPs: releasedIPs,
            notified: effects.contains(.notify) && change.reason != .banCascade ? try await owners(of: account) : []
        )
    }

    @discardableResult
    func apply(_ decision: StandingDecision, to account: Account) async throws -> EnforcementRecord {
        let change = try await change(for: decision, to: account)
        let effects = try StandingPolicy.check(change)
        // Conditional on the standing the check saw: of two decisions racing on one account,
        // the second is refused instead of being recorded from a standing that no longer holds.
        let moved = try await database.sql.raw("""
            UPDATE accounts SET standing = \(bind: decision.to.rawValue), updated_at = \(bind: now)
            WHERE sid = \(bind: account.sid) AND standing = \(bind: change.from.rawValue) RETURNING sid
            """).all()
        guard !moved.isEmpty else {
            throw DomainError(.conflict, "The account's standing changed while this decision was made, so nothing was changed. Read the history and decide again.")
        }
        account.standing = decision.to.rawValue
        account.updatedAt = now
        let record = EnforcementRecord(account: account.sid, change: change, at: now)
        try await record.create(on: database)
        if case let .staff(sid, _) = decision.decider {
            try await StaffAuditEvent(staff: sid, action: "standing_\(decision.reason.rawValue)", account: account.sid,
                                      detail: "\(change.from.rawValue) -> \(decision.to.rawValue)", at: now).create(on: database)
        }
        for effect in effects {
            switch effect {
            case .endSessions: try await endSessions(of: account, reason: decision.reason)
            case .cascadeBan: try await cascadeBan(from: account, justification: record.justification)
            case .releaseDedicatedIPs: try await releaseIPs(of: account.sid)
            case .notify: try await notify(account, record, offerReview: effects.contains(.offerReview), caseReference: record.caseReference)
            case .offerReview: break
            case .startRetention:
                try await PrivacyRetention(database: database, now: now, policy: retentionPolicy).schedule(accountSID: account.sid, closedAt: now)
            }
        }
        return record
    }

    /// Whether a live credential was created after `date` (STD-5).
    func hasCredentials(of account: Account, newerThan date: Date) async throws -> Bool {
        if account.primaryTokenCreatedAt > date { return true }
        if let secondary = account.secondaryTokenCreatedAt, secondary > date, account.secondaryTokenHash != nil { return true }
        let keys = try await APIKey.query(on: database).filter(\.$accountSID == account.sid)
            .filter(\.$revokedAt == nil).filter(\.$createdAt > date).count()
        return keys > 0
    }

    /// Users reach subaccounts through the main account's team, so only a main account's own
    /// change (or a takeover, which is about the people) ends their sessions.
    private func endSessions(of account: Account, reason: StandingReason) async throws {
        guard !account.isSubaccount || reason == .accountTakeover else { return }
        let team = account.ownerAccountSID ?? account.sid
        let members = try await Membership.query(on: database).filter(\.$accountSID == team).all()
        for member in members {
            try await Sessions.endAll(forUser: member.userSID, on: database)
        }
    }

    /// The subaccounts a ban of `parent` bans with it: those not banned already.
    private func subaccountsToBan(of parent: Account) async throws -> [Account] {
        try await Account.query(on: database).filter(\.$ownerAccountSID == parent.sid)
            .filter(\.$standing != Standing.banned.rawValue).sort(\.$friendlyName).all()
    }

    /// STD-9: each subaccount gets its own record, carrying the main account's justification so
    /// its history says why too.
    private func cascadeBan(from parent: Account, justification: String) async throws {
        for subaccount in try await subaccountsToBan(of: parent) {
            try await apply(StandingDecision(to: .banned, reason: .banCascade, decider: .rule(StandingRule.banCascade),
                                             justification: justification,
                                             evidence: "Main account \(parent.friendlyName) (\(parent.sid)) was banned."), to: subaccount)
        }
    }

    private func releaseIPs(of accountSID: String) async throws {
        try await DedicatedIP.query(on: database).filter(\.$accountSID == accountSID).filter(\.$releasedAt == nil)
            .set(\.$releasedAt, to: now).set(\.$releaseReason, to: "ban").update()
    }

    /// The main account's owner is told; a cascaded ban is covered by the main account's notice.
    private func notify(_ account: Account, _ record: EnforcementRecord, offerReview: Bool, caseReference: String?) async throws {
        guard record.reason != StandingReason.banCascade.rawValue else { return }
        let context = StandingMail.Context(accountSID: account.sid, accountName: account.friendlyName, publicURL: publicURL, hotline: hotline)
        let (subject, body) = StandingMail.notice(record, offerReview: offerReview, caseReference: caseReference, context)
        for owner in try await owners(of: account) {
            try await Outbox(database: database, now: now).enqueue(to: owner.email, subject: subject, body: body, kind: "standing_\(record.reason)")
        }
    }

    func owners(of account: Account) async throws -> [User] {
        try await Team.owners(of: account, on: database)
    }

    func mailContext(_ account: Account) -> StandingMail.Context {
        StandingMail.Context(accountSID: account.sid, accountName: account.friendlyName, publicURL: publicURL, hotline: hotline)
    }
}

extension Request {
    /// The standing service on the request's database; inside a transaction use `standing(on:)`.
    var standing: StandingService { standing(on: db) }

    func standing(on database: any Database) -> StandingService {
        StandingService(database: database, now: now, configuration: application.trustDeskConfiguration)
    }
}
