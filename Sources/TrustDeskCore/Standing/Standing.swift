import Foundation

/// An account's standing (STD-1). Only `active` may use the API and send.
public enum Standing: String, CaseIterable, Sendable, Codable {
    case pendingVetting = "pending_vetting"
    case active
    case suspended
    case dormant
    case terminated
    case banned
    case closed

    public init(stored: String) {
        self = Standing(rawValue: stored) ?? .suspended
    }

    /// The stable code an API request or send of an account in this standing is refused
    /// with (STD-2); nil when the account is in good standing.
    public var refusalCode: ErrorCode? {
        switch self {
        case .active: nil
        case .suspended: .accountSuspended
        case .dormant: .accountDormant
        case .terminated: .accountTerminated
        case .banned: .accountBanned
        case .closed: .accountClosed
        case .pendingVetting: .accountPendingVetting
        }
    }

    /// The refusal for an API request or a send; nil when allowed.
    public func refusal(accountSID: String) -> DomainError? {
        guard let code = refusalCode else { return nil }
        return DomainError(code, "Account \(accountSID) is \(displayName.lowercased()), so its API requests and sends are refused. \(code.guidance)")
    }

    public var displayName: String {
        switch self {
        case .pendingVetting: "Pending vetting"
        case .active: "Active"
        case .suspended: "Suspended"
        case .dormant: "Dormant"
        case .terminated: "Terminated"
        case .banned: "Banned"
        case .closed: "Closed"
        }
    }
}

/// Why a standing changed. Stored with every enforcement record (STD-1).
public enum StandingReason: String, CaseIterable, Sendable, Codable {
    // Suspensions (STD-2).
    case accountTakeover = "account_takeover"
    case exposedCredentials = "exposed_credentials"
    case abusiveTraffic = "abusive_traffic"
    case vettingReview = "vetting_review"
    case fraud
    // Everything else.
    case vettingApproved = "vetting_approved"
    case vettingRejected = "vetting_rejected"
    case dormancy
    case nonPayment = "non_payment"
    case ban
    case banCascade = "ban_cascade"
    case banLifted = "ban_lifted"
    case ownerRequest = "owner_request"
    case reinstated
    case reviewUpheld = "review_upheld"
    /// Its owner was found under age (PRV-8).
    case underage

    public static let suspensionReasons: [StandingReason] = [.accountTakeover, .exposedCredentials, .abusiveTraffic, .vettingReview, .fraud]

    /// A sentence for mail and banners.
    public var explanation: String {
        switch self {
        case .accountTakeover: "someone other than you appears to have taken over the account; our fraud team opened a case"
        case .exposedCredentials: "one of its credentials was found exposed in public and has been revoked"
        case .abusiveTraffic: "its traffic was found abusive"
        case .vettingReview: "its sign-up needs a manual vetting review"
        case .fraud: "of suspected fraud"
        case .vettingApproved: "its sign-up passed vetting"
        case .vettingRejected: "its sign-up did not pass vetting"
        case .dormancy: "it had no usage for a long time"
        case .nonPayment: "it still owes the previous month's bill"
        case .ban: "it broke the terms of service; a ban is permanent"
        case .banCascade: "its main account was banned"
        case .banLifted: "a trust-and-safety lead lifted the ban"
        case .ownerRequest: "its owner asked to close it"
        case .reinstated: "a review reinstated it"
        case .reviewUpheld: "a review upheld the decision"
        case .underage: "its owner is under the minimum age to hold an account"
        }
    }
}

/// Who decided a change: a named automated rule or a staff member (STD-1).
public enum StandingDecider: Equatable, Sendable {
    case rule(String)
    case staff(sid: String, role: StaffRole)
    /// The account's owner (closing their own account, STD-10).
    case owner(sid: String)

    public var isAutomated: Bool {
        if case .rule = self { return true }
        return false
    }

    /// How the record names the decider: `rule:<name>` or the user SID.
    public var recordedName: String {
        switch self {
        case let .rule(name): "rule:\(name)"
        case let .staff(sid, _), let .owner(sid): sid
        }
    }

    /// The decider's role as recorded beside the name: the staff role, `owner`, or nil for a rule.
    public var recordedRole: String? {
        switch self {
        case .rule: nil
        case let .staff(_, role): role.rawValue
        case .owner: "owner"
        }
    }
}

/// The named automated rules that may change a standing.
public enum StandingRule {
    public static let signupVetting = "signup_vetting"
    public static let secretScanning = "secret_scanning"
    public static let dormancy = "dormancy"
    public static let nonPayment = "non_payment"
    public static let banCascade = "ban_cascade"
    public static let abuseDetection = "abuse_detection"
}

/// What must happen with a change, besides writing its record.
public enum StandingEffect: String, Sendable, CaseIterable {
    /// Every session of the account's users ends.
    case endSessions = "end_sessions"
    /// Every subaccount is banned with its own record (STD-9).
    case cascadeBan = "cascade_ban"
    /// Dedicated IP addresses go back to the pool (STD-9).
    case releaseDedicatedIPs = "release_dedicated_ips"
    /// The holder is told by email and banner.
    case notify
    /// The notice offers a human-review request (STD-3).
    case offerReview = "offer_review"
    /// The privacy retention schedule starts (STD-10, PRV-4).
    case startRetention = "start_retention"
}

/// A change someone asks for, with everything they put in writing for it.
public struct StandingChange: Sendable, Equatable {
    public var from: Standing
    public var to: Standing
    public var reason: StandingReason
    public var decider: StandingDecider
    /// Why, in the decider's words; the account holder is told it (STD-3).
    public var justification: String
    /// What the decision rests on.
    public var evidence: String
    /// The fraud team's case reference (STD-4).
    public var caseReference: String?
    /// What the decider typed to confirm; compared with `accountName`.
    public var confirmation: String?
    /// The name that confirms a final change (`StandingGuardRails.confirmationName`).
    public var accountName: String
    /// The reason of the record that put the account in `from` (to check reinstatements).
    public var currentReason: StandingReason?
    /// Whether a credential newer than the exposure exists (STD-5).
    public var hasNewCredentials: Bool

    public init(from: Standing, to: Standing, reason: StandingReason, decider: StandingDecider,
                justification: String = "", evidence: String = "", caseReference: String? = nil,
                confirmation: String? = nil, accountName: String = "",
                currentReason: StandingReason? = nil, hasNewCredentials: Bool = false) {
        self.from = from
        self.to = to
        self.reason = reason
        self.decider = decider
        self.justification = justification
        self.evidence = evidence
        self.caseReference = caseReference
        self.confirmation = confirmation
        self.accountName = accountName
        self.currentReason = currentReason
        self.hasNewCredentials = hasNewCredentials
    }
}
