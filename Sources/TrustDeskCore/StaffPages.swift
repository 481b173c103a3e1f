/// The parts of the staff console, and which staff roles may open each (SEC-3: staff access
/// follows roles). Pages refuse the roles not listed here, and every link to them asks the
/// same question first, so no staff member is shown a link that answers 403.
public enum StaffPage: String, CaseIterable, Sendable {
    /// Finding accounts and seeing their users.
    case accounts
    /// An account's standing: history and the changes the role may make.
    case accountStanding = "account_standing"
    /// Progressive Trust: accounts near their cap, requests, per-account scores (PT-10).
    case progressiveTrust = "progressive_trust"
    case consumerTrustDesk = "consumer_trust_desk"
    case supportQueues = "support_queues"
    case apiKeys = "api_keys"
    /// Customers' requests to review a standing decision (STD-7); every role may read them,
    /// only `StandingPolicy.reviewers` decide.
    case reviewRequests = "review_requests"
    /// Business-hours calendars (SUP-4); every role may read them, admins edit.
    case calendars
    /// The support desk's reports (SUP-16).
    case supportReports = "support_reports"
    /// The status console: components, incidents, maintenances (STS).
    case status
    /// The privacy desk: requests, holds, inventory (PRV).
    case privacy

    public func mayOpen(_ role: StaffRole) -> Bool {
        switch self {
        case .accounts: role.can(.findAccounts)
        case .progressiveTrust: TrustRequestPolicy.deciders.contains(role)
        case .supportReports: SupportReportAccess.staffRoles.contains(role)
        case .status: role.can(.manageStatus)
        case .privacy: role.can(.handlePrivacy)
        case .accountStanding, .consumerTrustDesk, .supportQueues, .apiKeys, .reviewRequests, .calendars: true
        }
    }
}
