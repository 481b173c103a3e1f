import Foundation

/// Which standing changes exist, who may decide each, and what each sets off (STD-1..STD-10).
/// The table below is the single place that allows a change; everything else asks it.
public enum StandingPolicy {
    /// One allowed change: from any of `from` to `to` for `reason`, by one of `rules` or
    /// a staff member with one of `roles` (or the account's owner when `owner`).
    public struct Path: Sendable {
        public let from: Set<Standing>
        public let to: Standing
        public let reason: StandingReason
        public let rules: Set<String>
        public let roles: Set<StaffRole>
        public let owner: Bool
    }

    /// Staff who enforce: the fraud and trust-and-safety team.
    public static let enforcers: Set<StaffRole> = [.trustSafety, .trustSafetyLead, .admin]
    /// Staff who decide reviews: Consumer Trust and trust and safety. Support agents, TAMs
    /// and PSEs never change a standing (the sources: support can't reactivate).
    public static let reviewers: Set<StaffRole> = [.consumerTrust, .trustSafety, .trustSafetyLead, .admin]
    private static let notBanned = Set(Standing.allCases).subtracting([.banned])

    public static let paths: [Path] = [
        Path(from: [.pendingVetting], to: .active, reason: .vettingApproved, rules: [StandingRule.signupVetting], roles: reviewers, owner: false),
        Path(from: [.pendingVetting], to: .closed, reason: .vettingRejected, rules: [StandingRule.signupVetting], roles: reviewers, owner: false),
        // A new account is created active and vetted at once (STD-6): review or reject move it.
        Path(from: [.active], to: .pendingVetting, reason: .vettingReview, rules: [StandingRule.signupVetting], roles: [], owner: false),
        Path(from: [.active], to: .closed, reason: .vettingRejected, rules: [StandingRule.signupVetting], roles: [], owner: false),
        Path(from: [.active], to: .suspended, reason: .vettingReview, rules: [StandingRule.signupVetting], roles: reviewers, owner: false),
        Path(from: [.active, .pendingVetting, .dormant], to: .suspended, reason: .accountTakeover, rules: [], roles: enforcers, owner: false),
        Path(from: [.active, .pendingVetting, .dormant, .suspended], to: .suspended, reason: .exposedCredentials,
             rules: [StandingRule.secretScanning], roles: enforcers.union([.consumerTrust]), owner: false),
        Path(from: [.active], to: .suspended, reason: .abusiveTraffic, rules: [StandingRule.abuseDetection], roles: enforcers, owner: false),
        Path(from: [.active, .pendingVetting], to: .suspended, reason: .fraud, rules: [StandingRule.abuseDetection], roles: enforcers, owner: false),
        Path(from: [.active], to: .dormant, reason: .dormancy, rules: [StandingRule.dormancy], roles: [], owner: false),
        Path(from: [.active, .suspended, .dormant], to: .terminated, reason: .nonPayment, rules: [StandingRule.nonPayment], roles: [.admin], owner: false),
        Path(from: notBanned, to: .banned, reason: .ban, rules: [], roles: enforcers, owner: false),
        Path(from: notBanned, to: .banned, reason: .banCascade, rules: [StandingRule.banCascade], roles: [], owner: false),
        Path(from: [.banned], to: .active, reason: .banLifted, rules: [], roles: [.trustSafetyLead], owner: false),
        Path(from: [.suspended, .dormant, .terminated], to: .active, reason: .reinstated, rules: [], roles: reviewers, owner: false),
        Path(from: [.active, .suspended, .dormant, .pendingVetting], to: .closed, reason: .ownerRequest, rules: [], roles: [.admin], owner: true),
        Path(from: notBanned.subtracting([.closed]), to: .closed, reason: .underage, rules: [], roles: [.consumerTrust, .admin], owner: false),
    ]

    /// Checks `change`, confirmation included, and returns its effects; throws a `DomainError`
    /// that says why not.
    public static func check(_ change: StandingChange) throws(DomainError) -> [StandingEffect] {
        let effects = try preview(change)
        try StandingGuardRails.checkConfirmed(change)
        return effects
    }

    /// Checks everything but the confirmation and returns what the change would set off, so a
    /// person can be shown the consequences before they confirm (STD-9: the subaccounts a ban
    /// cascades to, the addresses it releases).
    public static func preview(_ change: StandingChange) throws(DomainError) -> [StandingEffect] {
        if change.reason == .reviewUpheld {
            try checkUpheld(change)
            try StandingGuardRails.checkWritten(change)
            return [.notify]
        }
        if change.from == .closed, change.to == .closed {
            throw DomainError(.standingChangeNotAllowed, "The account is already closed; an account closes once.")
        }
        let candidates = paths.filter { $0.to == change.to && $0.reason == change.reason }
        guard let path = candidates.first(where: { $0.from.contains(change.from) }) else {
            let allowed = paths.filter { $0.from.contains(change.from) }.map { "\($0.to.rawValue) (\($0.reason.rawValue))" }
            throw DomainError(.standingChangeNotAllowed,
                "A \(change.from.rawValue) account can't become \(change.to.rawValue) for \(change.reason.rawValue). "
                + (allowed.isEmpty ? "Nothing changes it." : "It can become: \(allowed.joined(separator: ", ")).")
            )
        }
        try checkDecider(change, path)
        try StandingGuardRails.checkWritten(change)
        if change.reason == .reinstated, change.currentReason == .exposedCredentials, !change.hasNewCredentials {
            throw DomainError(.standingChangeNotAllowed, "The account was suspended for exposed credentials: it needs a new auth token or API key, created after the exposure, before it is reinstated (STD-5).")
        }
        return effects(of: change)
    }

    private static func checkDecider(_ change: StandingChange, _ path: Path) throws(DomainError) {
        switch change.decider {
        case let .rule(name):
            guard path.rules.contains(name) else {
                throw DomainError(.permissionDenied, "The automated rule \(name) can't make an account \(change.to.rawValue) for \(change.reason.rawValue).")
            }
        case let .staff(_, role):
            guard path.roles.contains(role) else {
                if change.from == .banned {
                    throw DomainError(.permissionDenied, "\(role.displayName) can't lift a ban: only a trust-and-safety lead can, with a written justification.")
                }
                throw DomainError(.permissionDenied, "\(role.displayName) can't make an account \(change.to.rawValue) for \(change.reason.rawValue).")
            }
        case .owner:
            guard path.owner else {
                throw DomainError(.permissionDenied, "An account's owner can only close it; other changes are made by our staff.")
            }
        }
    }

    /// Upholding keeps the standing and records the review decision (STD-3).
    private static func checkUpheld(_ change: StandingChange) throws(DomainError) {
        guard change.from == change.to, [.suspended, .dormant, .terminated, .closed, .banned].contains(change.from) else {
            throw DomainError(.standingChangeNotAllowed, "Only a decision that restricted the account can be upheld; its standing stays as it is.")
        }
        guard case let .staff(_, role) = change.decider, reviewers.contains(role) else {
            throw DomainError(.permissionDenied, "Only Consumer Trust or trust-and-safety staff decide reviews.")
        }
    }

    /// What a change sets off besides its record.
    public static func effects(of change: StandingChange) -> [StandingEffect] {
        let automated = change.decider.isAutomated
        switch change.to {
        case .banned:
            return change.reason == .ban ? [.endSessions, .cascadeBan, .releaseDedicatedIPs, .notify] : [.endSessions, .releaseDedicatedIPs, .notify]
        case .suspended:
            let sessions: [StandingEffect] = change.reason == .accountTakeover ? [.endSessions] : []
            return sessions + [.notify] + (automated ? [.offerReview] : [])
        case .terminated:
            return [.endSessions, .notify] + (automated ? [.offerReview] : [])
        case .dormant:
            return [.notify] + (automated ? [.offerReview] : [])
        case .closed:
            return [.endSessions, .notify, .startRetention] + (automated ? [.offerReview] : [])
        case .active:
            return automated && change.reason == .vettingApproved ? [] : [.notify]
        case .pendingVetting:
            return [.notify]
        }
    }

    /// The changes a staff member with `role` may make from `standing`, for the staff page.
    public static func actions(from standing: Standing, role: StaffRole) -> [Path] {
        paths.filter { $0.from.contains(standing) && $0.roles.contains(role) }
    }
}
