/// Who may reach a route (SEC-3). Every route of the server declares one of these in one table
/// (`RoutePolicies` in the server), and one middleware enforces it: the table is the
/// enforcement, not a description of it.
public enum AccessPolicy: Hashable, Sendable {
    /// Anyone, signed in or not: public pages, the forms used before signing in, health, the
    /// status page, and links whose secret token in the path or form is their credential.
    case anyone
    /// Any signed-in person, customer or staff, even staff who have not enrolled two-factor yet:
    /// the security page is where they do it (ACC-8).
    case signedIn
    /// A signed-in customer. With an action, on the account in the path: another tenant's
    /// account is "not found", and the viewer's role must allow the action (ACC-4, STD-2).
    case customer(ConsoleAction?)
    /// A signed-in staff member with two-factor (ACC-8) whose role may open the page.
    case staff(StaffPage)
    /// An account's API credential: account SID + auth token, or API key (ACC-7). The handler
    /// reaches only the credential's own account and its subaccounts.
    case accountCredential
    /// A staff member's personal API key, with a role that may open the page.
    case staffAPIKey(StaffPage)
    /// The internal service credential (`TRUSTDESK_SERVICE_TOKEN`): the messaging pipeline and
    /// billing.
    case serviceToken
    /// A webhook that proves itself in the request: its handler verifies the signature or secret
    /// (SEC-4), so no session or credential is asked for.
    case signedWebhook(Webhook)

    /// Who is asking, as far as the route's kind of credential can tell.
    public func decide(for principal: Principal) -> AccessDecision {
        switch (self, principal) {
        case (.anyone, _), (.signedWebhook, _): .allow
        case (.signedIn, .customer), (.signedIn, .staff): .allow
        case (.signedIn, _): .signIn
        case (.customer, .customer): .allow
        // Staff have their own console; customer pages send them there.
        case (.customer, .staff): .staffConsole
        case (.customer, _): .signIn
        case (.staff(let page), .staff(let role, let twoFactor)):
            !twoFactor ? .enrolTwoFactor : page.mayOpen(role) ? .allow : .forbidden
        // A customer is not told that staff pages exist.
        case (.staff, .customer): .notFound
        case (.staff, _): .signIn
        case (.accountCredential, .accountCredential): .allow
        case (.accountCredential, _): .signIn
        case (.staffAPIKey(let page), .staffAPIKey(let role)): page.mayOpen(role) ? .allow : .forbidden
        case (.staffAPIKey, _): .signIn
        case (.serviceToken, .serviceToken): .allow
        case (.serviceToken, _): .signIn
        }
    }

    /// Whether the policy lets some principal in without any credential.
    public var isPublic: Bool {
        switch self {
        case .anyone, .signedWebhook: true
        default: false
        }
    }
}

/// The webhooks that authenticate themselves (SEC-4, SUP-2).
public enum Webhook: String, Hashable, Sendable, CaseIterable {
    /// The voice provider's calls: `X-Twilio-Signature` over the URL and form.
    case voice
    /// Inbound Parse: the secret token in the path.
    case inboundMail = "inbound_mail"
    /// GitHub secret scanning: an ECDSA signature over the body.
    case secretScanning = "secret_scanning"
}

/// Who is behind a request, as the route's kind of credential tells it: a page reads the session,
/// an API route its Basic credential or the service token.
public enum Principal: Hashable, Sendable {
    case anonymous
    case customer
    case staff(StaffRole, twoFactor: Bool)
    case accountCredential
    case staffAPIKey(StaffRole)
    case serviceToken
}

/// What the policy makes of a principal.
public enum AccessDecision: Hashable, Sendable {
    case allow
    /// No credential this route takes: sign in (pages) or 401 (API).
    case signIn
    /// Staff must enrol two-factor before any staff page (ACC-8).
    case enrolTwoFactor
    /// A staff member on a customer page: their own console.
    case staffConsole
    /// Signed in, but the role may not (403).
    case forbidden
    /// Not for this kind of user at all, and not told it exists (404).
    case notFound
}
