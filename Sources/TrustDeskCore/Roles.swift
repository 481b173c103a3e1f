/// What a teammate may do in a customer account (ACC-4). Checks always ask for a permission,
/// never for a role, so the role table below is the single place that grants anything.
public enum Permission: String, CaseIterable, Sendable, Codable {
    case viewAccount = "view_account"
    case manageTeammates = "manage_teammates"
    case manageCredentials = "manage_credentials"
    case manageSubaccounts = "manage_subaccounts"
    case viewBilling = "view_billing"
    case openSupportTickets = "open_support_tickets"
}

/// A teammate's role in an account (ACC-4).
public enum TeammateRole: String, CaseIterable, Sendable, Codable, Comparable {
    case owner, admin, developer, billing, support

    public var permissions: Set<Permission> {
        switch self {
        case .owner, .admin: Set(Permission.allCases)
        case .developer: [.viewAccount, .manageCredentials, .openSupportTickets]
        case .billing: [.viewAccount, .viewBilling, .openSupportTickets]
        case .support: [.viewAccount, .openSupportTickets]
        }
    }

    public func can(_ permission: Permission) -> Bool { permissions.contains(permission) }

    /// Roles that may be given by invitation or role change; ownership moves only by transfer.
    public static let assignable: [TeammateRole] = [.admin, .developer, .billing, .support]

    public var displayName: String {
        switch self {
        case .owner: "Owner"
        case .admin: "Admin"
        case .developer: "Developer"
        case .billing: "Billing"
        case .support: "Support"
        }
    }

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (lhs: TeammateRole, rhs: TeammateRole) -> Bool { lhs.rank < rhs.rank }
}

/// What a member of the provider's staff may do.
public enum StaffPermission: String, CaseIterable, Sendable {
    case findAccounts = "find_accounts"
    case viewAccountUsers = "view_account_users"
    case manageStaff = "manage_staff"
    /// The privacy desk: requests, extensions, under-age cases (PRV-3, PRV-8).
    case handlePrivacy = "handle_privacy"
    /// Components, incidents, maintenances and reasons for outage on the status page (STS).
    case manageStatus = "manage_status"
}

/// The provider's staff roles. Every staff role must use two-factor sign-in (ACC-8).
public enum StaffRole: String, CaseIterable, Sendable, Codable {
    case agent
    case tam
    case pse
    case consumerTrust = "consumer_trust"
    case trustSafety = "trust_safety"
    case trustSafetyLead = "trust_safety_lead"
    case admin
    /// Support management: escalations (SUP-9) and the support desk's reports (SUP-16).
    case supportManager = "support_manager"

    public var permissions: Set<StaffPermission> {
        switch self {
        case .admin: Set(StaffPermission.allCases)
        case .consumerTrust: [.findAccounts, .viewAccountUsers, .handlePrivacy]
        case .pse: [.findAccounts, .viewAccountUsers, .manageStatus]
        // Support management posts incidents and reasons for outage with the engineers.
        case .supportManager: [.findAccounts, .viewAccountUsers, .manageStatus]
        default: [.findAccounts, .viewAccountUsers]
        }
    }

    public func can(_ permission: StaffPermission) -> Bool { permissions.contains(permission) }

    public var displayName: String {
        switch self {
        case .agent: "Support agent"
        case .tam: "Technical account manager"
        case .pse: "Personalized support engineer"
        case .consumerTrust: "Consumer Trust"
        case .trustSafety: "Trust and safety"
        case .trustSafetyLead: "Trust and safety lead"
        case .admin: "Administrator"
        case .supportManager: "Support manager"
        }
    }
}
