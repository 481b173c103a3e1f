import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// A decision someone made about an account's standing.
struct StandingDecision: Sendable {
    var to: Standing
    var reason: StandingReason
    var decider: StandingDecider
    var justification: String = ""
    var evidence: String = ""
    var caseReference: String? = nil
}

/// Applies standing changes (STD-1): checks them against the core policy, writes the
/// enforcement record and runs the effects. Callers pass a transaction as `database`, so the
/// standing, its record, its mail and its effects exist together or not at all.
struct StandingService {
    let database: any Database
    let now: Date
    let publicURL: String
    let hotline: String
    /// How the tickets standing opens (reviews) mail their requesters.
    let supportSettings: SupportSettings

    init(database: any Database, now: Date, configuration: TrustDeskConfiguration) {
        self.database = database
        self.now = now
        self.publicURL = configuration.publicURL
        self.hotline = configuration.fraudHotline
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

    @discardableResult
    func apply(_ decision: StandingDecision, to account: Account) async throws -> EnforcementRecord {
        let from = Standing(stored: account.standing)
        let latest = try await latestRecord(of: account.sid)
        let change = StandingChange(
            from: from, to: decision.to, reason: decision.reason, decider: decision.decider,
            justification: decision.justification, currentReason: latest?.standingReason,
            hasNewCredentials: try await hasCredentials(of: account, newerThan: latest?.decidedAt ?? .distantPast)
        )
        let effects = try StandingPolicy.check(change)
        // Conditional on the standing the check saw: of two decisions racing on one account,
        // the second is refused instead of being recorded from a standing that no longer holds.
        let moved = try await database.sql.raw("""
            UPDATE accounts SET standing = \(bind: decision.to.rawValue), updated_at = \(bind: now)
            WHERE sid = \(bind: account.sid) AND standing = \(bind: from.rawValue) RETURNING sid
            """).all()
        guard !moved.isEmpty else {
            throw DomainError(.conflict, "The account's standing changed while this decision was made. Reload the page and decide again.")
        }
        account.standing = decision.to.rawValue
        account.updatedAt = now
        let record = EnforcementRecord(account: account.sid, change: change, evidence: decision.evidence, caseReference: decision.caseReference, at: now)
        try await record.create(on: database)
        if case let .staff(sid, _) = decision.decider {
            try await StaffAuditEvent(staff: sid, action: "standing_\(decision.reason.rawValue)", account: account.sid,
                                      detail: "\(from.rawValue) -> \(decision.to.rawValue)", at: now).create(on: database)
        }
        for effect in effects {
            switch effect {
            case .endSessions: try await endSessions(of: account, reason: decision.reason)
            case .cascadeBan: try await cascadeBan(from: account)
            case .releaseDedicatedIPs: try await releaseIPs(of: account.sid)
            case .notify: try await notify(account, record, offerReview: effects.contains(.offerReview), caseReference: decision.caseReference)
            case .offerReview: break
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

    /// STD-9: each subaccount gets its own record.
    private func cascadeBan(from parent: Account) async throws {
        let subaccounts = try await Account.query(on: database).filter(\.$ownerAccountSID == parent.sid).all()
        for subaccount in subaccounts where subaccount.standing != Standing.banned.rawValue {
            try await apply(StandingDecision(to: .banned, reason: .banCascade, decider: .rule(StandingRule.banCascade),
                                             evidence: "Main account \(parent.sid) was banned."), to: subaccount)
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
        let team = account.ownerAccountSID ?? account.sid
        let memberships = try await Membership.query(on: database).filter(\.$accountSID == team)
            .filter(\.$roleRaw == TeammateRole.owner.rawValue).all()
        guard !memberships.isEmpty else { return [] }
        return try await User.query(on: database).filter(\.$id ~~ memberships.map(\.userSID)).all()
    }

    func mailContext(_ account: Account) -> StandingMail.Context {
        StandingMail.Context(accountSID: account.sid, accountName: account.friendlyName, publicURL: publicURL, hotline: hotline)
    }
}
