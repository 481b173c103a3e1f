/// The parts of the staff console, and which staff roles may open each (SEC-3: staff access
/// follows roles). The route policy table (`AccessPolicy.staff`, `.staffAPIKey`) refuses the
/// roles not listed here, and every link to a part asks the same question first, so no staff
/// member is shown a link that answers 403.
public enum StaffPage: String, CaseIterable, Sendable, Hashable {
    /// Finding accounts and seeing their users.
    case accounts
    /// An account's standing: history and the changes the role may make.
    case accountStanding = "account_standing"
    /// Progressive Trust: accounts near their cap, requests, per-account scores (PT-10).
    case progressiveTrust = "progressive_trust"
    /// Sign-up vetting and standing reviews: the Consumer Trust desk (STD).
    case consumerTrustDesk = "consumer_trust_desk"
    /// Ticket queues, tickets and their channels (chat, escalations, route changes).
    case supportQueues = "support_queues"
    /// The support desk's reports (SUP-16).
    case supportReports = "support_reports"
    /// How the desk is set up: calendars, the support line's numbers, phone PINs.
    case supportSetup = "support_setup"
    /// Privacy requests and under-age reports (PRV-3, PRV-8).
    case privacyDesk = "privacy_desk"
    /// The personal data inventory and legal holds (who may place a hold is the hold's rule).
    case privacyRecords = "privacy_records"
    /// Announcements mailed to every customer (PRV-6 consent applies).
    case announcements
    /// Components, incidents, maintenances and reasons for outage (STS).
    case statusConsole = "status_console"
    /// A staff member's own personal API keys.
    case apiKeys = "api_keys"

    public func mayOpen(_ role: StaffRole) -> Bool {
        switch self {
        case .accounts: role.can(.findAccounts)
        case .progressiveTrust: TrustRequestPolicy.deciders.contains(role)
        case .consumerTrustDesk: StandingPolicy.reviewers.contains(role)
        case .supportReports: SupportReportAccess.staffRoles.contains(role)
        case .supportSetup, .announcements: role.can(.manageStaff)
        case .privacyDesk: role.can(.handlePrivacy)
        case .statusConsole: role.can(.manageStatus)
        // Every staff role works tickets (agents, TAMs and PSEs their customers', Consumer Trust and
        // trust and safety their own topics, support managers all), reads standing beside them,
        // may look up what the inventory holds and keeps its own API keys.
        case .accountStanding, .supportQueues, .privacyRecords, .apiKeys: true
        }
    }

    /// The roles that may open this page, in `StaffRole` order (for the documentation and the
    /// staff console's explanations).
    public var roles: [StaffRole] { StaffRole.allCases.filter(mayOpen) }
}
