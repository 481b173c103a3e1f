/// What a customer can do in the console for one account, by the account's standing and the
/// teammate's role (STD-2, STD-3, STD-5, STD-7..STD-10, ACC-4). The table below is the one
/// place that decides it: every console page asks it before it shows a form, and every form
/// handler asks it again before it writes, so a form is shown only when it can succeed.
public enum ConsoleAction: String, CaseIterable, Sendable {
    /// The account's pages: overview, teammates, credentials and messaging limits.
    case view
    /// The credentials page: auth token hints and API keys.
    case viewCredentials = "view_credentials"
    /// The standing page: why the account is restricted and its enforcement history.
    case viewStanding = "view_standing"
    /// Asking for a human review of an automated decision (STD-3).
    case requestReview = "request_review"
    /// Opening and answering support tickets about the account (STD-2: still allowed while
    /// restricted, so the customer can talk to support about it).
    case supportTickets = "support_tickets"
    case createSubaccount = "create_subaccount"
    /// Creating and revoking auth tokens and API keys.
    case manageCredentials = "manage_credentials"
    case manageTeammates = "manage_teammates"
    /// Asking Trust & Safety for more messages or a score review (PT-10).
    case requestMessagingChange = "request_messaging_change"
    /// The owner closing the account (STD-10).
    case closeAccount = "close_account"

    /// What the action is, to finish "you can't ...".
    public var phrase: String {
        switch self {
        case .view: "use its console"
        case .viewCredentials: "see its credentials"
        case .viewStanding: "see its standing"
        case .requestReview: "ask for a review"
        case .supportTickets: "open or answer support tickets about it"
        case .createSubaccount: "create subaccounts"
        case .manageCredentials: "create or revoke its credentials"
        case .manageTeammates: "invite or change teammates"
        case .requestMessagingChange: "ask for more messages or a score review"
        case .closeAccount: "close it"
        }
    }

    /// Who on the team may do it: the owner alone closes the account; everything else is a
    /// permission of the role table (ACC-4).
    public var permission: Permission? {
        switch self {
        case .view, .viewStanding, .requestReview: .viewAccount
        case .supportTickets, .requestMessagingChange: .openSupportTickets
        case .createSubaccount: .manageSubaccounts
        case .viewCredentials, .manageCredentials: .manageCredentials
        case .manageTeammates: .manageTeammates
        case .closeAccount: nil
        }
    }
}

public enum ConsolePolicy {
    private static let all = Set(Standing.allCases)
    /// Read-only consoles (STD-2): the account can be seen and talked about, not changed.
    private static let readOnly: Set<Standing> = [.pendingVetting, .suspended, .dormant, .closed]

    /// Standing x console action: the standings in which each action is allowed.
    /// - Terminated (STD-8) and banned (STD-9) accounts have no console.
    /// - Every automated decision offers a review (STD-3), so every restricted standing but a
    ///   ban (permanent) may ask for one, terminated included.
    /// - A terminated account may still open tickets: paying the bill is its way back.
    /// - A suspended account may replace its credentials: reinstatement after exposed
    ///   credentials or a takeover needs new ones (STD-4, STD-5).
    /// - Closing follows the standing machine's own owner-request path (STD-10).
    public static let allowed: [ConsoleAction: Set<Standing>] = [
        .view: readOnly.union([.active]),
        .viewCredentials: readOnly.union([.active]),
        .viewStanding: all.subtracting([.banned]),
        .requestReview: all.subtracting([.active, .banned]),
        .supportTickets: all.subtracting([.banned]),
        .createSubaccount: [.active],
        .manageCredentials: [.active, .suspended],
        .manageTeammates: [.active],
        .requestMessagingChange: [.active],
        .closeAccount: Set(StandingPolicy.paths.filter { $0.owner && $0.to == .closed && $0.reason == .ownerRequest }.flatMap(\.from)),
    ]

    public static func allows(_ action: ConsoleAction, in standing: Standing) -> Bool {
        allowed[action]?.contains(standing) ?? false
    }

    /// Whether `role` may do `action` on an account in `standing`: nil when it may, else the
    /// refusal. A standing refusal carries the standing's own code (20301..20306, 403); a
    /// role refusal is 20006. The message says why in words, for the page that hides the form.
    public static func refusal(_ action: ConsoleAction, standing: Standing, role: TeammateRole) -> DomainError? {
        if !allows(action, in: standing) {
            // An active account refuses only what needs a restriction (a review): a conflict.
            return DomainError(standing.refusalCode ?? .conflict,
                               "This account \(standing.consoleState), so you can't \(action.phrase). \(standing.consoleWayOut)")
        }
        let permitted = action.permission.map(role.can) ?? (role == .owner)
        guard permitted else {
            let who = action.permission == nil ? "Only the account's owner can." : "Ask the account's owner or an admin."
            return DomainError(.permissionDenied, "Your role (\(role.displayName)) can't \(action.phrase). \(who)")
        }
        return nil
    }
}

extension Standing {
    /// "This account ..." for the console.
    var consoleState: String {
        switch self {
        case .pendingVetting: "is waiting for its sign-up vetting review"
        case .active: "is active"
        case .suspended: "is suspended"
        case .dormant: "is dormant"
        case .terminated: "was terminated for an unpaid bill"
        case .banned: "is banned"
        case .closed: "is closed"
        }
    }

    /// What the customer can do about the restriction.
    var consoleWayOut: String {
        switch self {
        case .pendingVetting: "Consumer Trust reviews the sign-up, usually within 24-48 hours."
        case .active: ""
        case .suspended: "The standing page says why and how to ask for a review."
        case .dormant: "Ask for a review on the standing page to reactivate it."
        case .terminated: "Open a support ticket about paying the bill."
        case .banned: "A ban is permanent; reply to the ban email if you want to discuss it."
        case .closed: "A closed account stays closed."
        }
    }
}
