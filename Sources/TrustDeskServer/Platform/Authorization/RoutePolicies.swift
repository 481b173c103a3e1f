import TrustDeskCore
import Vapor

/// Every route's access policy, in one table (SEC-3). `RoutePolicyMiddleware` enforces it,
/// `RoutePolicies.attach` refuses to start a server with a route that is not in it, and
/// docs/security.md lists it for operators (a test keeps the two the same).
///
/// API resources are declared once for the five methods the server answers: the methods a
/// resource does not take answer 405 (20405), but only to a caller its policy admits.
enum RoutePolicies {
    static let table: [RouteKey: AccessPolicy] = {
        var table: [RouteKey: AccessPolicy] = [:]
        for entry in entries {
            for method in entry.methods {
                let key = RouteKey(method: method, path: entry.path)
                precondition(table[key] == nil, "\(key) is declared twice")
                table[key] = entry.policy
            }
        }
        return table
    }()

    static let entries: [Entry] =
        platform + accountPages + consolePages + staffPages + supportPages + privacyPages + statusPages + api

    // MARK: - Public

    private static let platform: [Entry] = [
        .get("/healthz", .anyone), .get("/readyz", .anyone), .get("/metrics", .anyone),
        .get("/openapi.yaml", .anyone), .get("/styles.css", .anyone), .get("/scripts/copy.js", .anyone),
        .get("/scripts/countdown.js", .anyone),
        .get("/docs/errors", .anyone),
    ]

    /// Sign-up, sign-in and the trouble-signing-in paths (ACC-3, ACC-5, ACC-6): before anyone is
    /// signed in, so open to all; their tokens, throttles (SEC-2) and CSRF protect them.
    private static let accountPages: [Entry] = [
        .get("/", .anyone),
        .page("/signup", .anyone), .page("/signup/confirm", .anyone),
        .page("/signin", .anyone), .page("/signin/two-factor", .anyone), .post("/signout", .anyone),
        .get("/trouble", .anyone), .page("/password/forgot", .anyone), .page("/password/reset", .anyone),
        .page("/username/forgot", .anyone), .page("/invitations/accept", .anyone),
        // Staff enrol two-factor here before any staff page opens (ACC-8).
        .get("/security", .signedIn), .post("/security/password", .signedIn),
        .post("/security/two-factor/start", .signedIn), .post("/security/two-factor/confirm", .signedIn),
        .post("/security/two-factor/disable", .signedIn),
        // Each person's own preferences, customer or staff (issue 11: the time zone).
        .get("/preferences", .signedIn), .post("/preferences/time-zone", .signedIn),
    ]

    // MARK: - Customer console

    private static let account = "/console/accounts/:accountSid"

    private static let consolePages: [Entry] = [
        .get("/console", .customer(nil)), .post("/console/accounts", .customer(nil)),
        .get(account, .customer(.view)),
        .post("\(account)/subaccounts", .customer(.createSubaccount)),
        .get("\(account)/credentials", .customer(.viewCredentials)),
        .post("\(account)/keys", .customer(.manageCredentials)),
        .post("\(account)/keys/:keySid/revoke", .customer(.manageCredentials)),
        .post("\(account)/tokens/secondary", .customer(.manageCredentials)),
        .post("\(account)/tokens/promote", .customer(.manageCredentials)),
        .post("\(account)/tokens/secondary/delete", .customer(.manageCredentials)),
        .get("\(account)/teammates", .customer(.view)),
        .post("\(account)/teammates/invite", .customer(.manageTeammates)),
        .post("\(account)/teammates/:userSid/role", .customer(.manageTeammates)),
        .post("\(account)/teammates/:userSid/remove", .customer(.manageTeammates)),
        .post("\(account)/teammates/:userSid/transfer", .customer(.manageTeammates)),
        .get("\(account)/messaging", .customer(.view)),
        .post("\(account)/messaging/requests", .customer(.requestMessagingChange)),
        .get("\(account)/standing", .customer(.viewStanding)),
        .post("\(account)/standing/review", .customer(.requestReview)),
        .post("\(account)/standing/close", .customer(.closeAccount)),
        // The support desk is the organisation's: its pages find the viewer's tickets through
        // the accounts where they may open tickets, so another tenant's ticket is not found.
        .get("/console/support", .customer(nil)), .get("/console/support/new", .customer(nil)),
        .post("/console/support/tickets", .customer(nil)),
        .get("/console/support/tickets/:number", .customer(nil)),
        .post("/console/support/tickets/:number/reply", .customer(nil)),
        .get("/console/support/tickets/:number/attachments/:id", .customer(nil)),
        .post("/console/support/tickets/:number/solve", .customer(nil)),
        .post("/console/support/tickets/:number/escalate", .customer(nil)),
        .post("/console/support/tickets/:number/route-changes", .customer(nil)),
        .get("/console/support/account", .customer(nil)),
        .page("/console/support/chat", .customer(nil)), .post("/console/support/chat/consumer-trust", .customer(nil)),
        .get("/console/support/reports", .customer(nil)), .get("/console/support/reports/:file", .customer(nil)),
        // Privacy is the person's own: their profile, consent and requests.
        .get("/console/privacy", .customer(nil)), .post("/console/privacy/correct", .customer(nil)),
        .post("/console/privacy/marketing", .customer(nil)), .post("/console/privacy/requests", .customer(nil)),
        .page("/console/privacy/email/confirm", .customer(nil)),
    ]

    // MARK: - Staff console

    private static let staffPages: [Entry] = [
        .get("/staff", .staff(.accounts)), .get("/staff/accounts", .staff(.accounts)),
        .get("/staff/accounts/:accountSid", .staff(.accounts)),
        .page("/staff/accounts/:accountSid/standing", .staff(.accountStanding)),
        .post("/staff/accounts/:accountSid/standing/takeover", .staff(.accountStanding)),
        .post("/staff/accounts/:accountSid/standing/exposed", .staff(.accountStanding)),
        .post("/staff/accounts/:accountSid/standing/ips", .staff(.accountStanding)),
        .post("/staff/accounts/:accountSid/standing/ips/:ipId/release", .staff(.accountStanding)),
        .get("/staff/standing/reviews", .staff(.consumerTrustDesk)),
        .post("/staff/standing/reviews/:reviewId", .staff(.consumerTrustDesk)),
        .get("/staff/consumer-trust", .staff(.consumerTrustDesk)),
        .post("/staff/support/tickets/:number/standing-review", .staff(.consumerTrustDesk)),
        .get("/staff/trust", .staff(.progressiveTrust)),
        .get("/staff/trust/accounts/:accountSid", .staff(.progressiveTrust)),
        .post("/staff/trust/accounts/:accountSid/override", .staff(.progressiveTrust)),
        .post("/staff/trust/requests/:requestID/decide", .staff(.progressiveTrust)),
        .post("/staff/trust/tickets/:number/decide", .staff(.progressiveTrust)),
        .page("/staff/api-keys", .staff(.apiKeys)), .post("/staff/api-keys/:keySid/revoke", .staff(.apiKeys)),
    ]

    private static let ticket = "/staff/support/tickets/:number"

    private static let supportPages: [Entry] = [
        .get("/staff/support", .staff(.supportQueues)), .post("/staff/support/availability", .staff(.supportQueues)),
        .post("/staff/support/alerts/:alertID/dismiss", .staff(.supportQueues)),
        .get("/staff/support/calendars", .staff(.supportQueues)),
        .post("/staff/support/calendars/:id", .staff(.supportSetup)),
        .get(ticket, .staff(.supportQueues)), .post("\(ticket)/comment", .staff(.supportQueues)),
        .get("\(ticket)/attachments/:id", .staff(.supportQueues)),
        .post("\(ticket)/assign", .staff(.supportQueues)), .post("\(ticket)/status", .staff(.supportQueues)),
        .post("\(ticket)/priority", .staff(.supportQueues)), .post("\(ticket)/tags", .staff(.supportQueues)),
        .post("\(ticket)/escalation/acknowledge", .staff(.supportQueues)),
        .post("\(ticket)/escalation/resolve", .staff(.supportQueues)),
        .post("\(ticket)/route-changes/apply", .staff(.supportQueues)),
        .post("\(ticket)/route-changes/decline", .staff(.supportQueues)),
        .get("/staff/support/chat", .staff(.supportQueues)), .page("/staff/support/chat/:channel", .staff(.supportQueues)),
        .post("/staff/support/chat/:channel/consumer-trust", .staff(.supportQueues)),
        .get("/staff/support/reports", .staff(.supportReports)), .get("/staff/support/reports/:file", .staff(.supportReports)),
        .get("/staff/support/line", .staff(.supportQueues)), .get("/staff/support/calls", .staff(.supportQueues)),
        // Everyone on the desk sets the phone the support line rings; the numbers and the
        // customers' phone PINs are the desk's setup.
        .post("/staff/support/line/phone", .staff(.supportQueues)),
        .post("/staff/support/line/numbers", .staff(.supportSetup)),
        .post("/staff/support/line/numbers/:id/remove", .staff(.supportSetup)),
        .post("/staff/support/line/pin", .staff(.supportSetup)),
    ]

    private static let privacyPages: [Entry] = [
        // Public privacy forms and links: a request verified by mail, an export behind its
        // download code, an under-age report, unsubscribing by the signed link (PRV).
        .page("/privacy/request", .anyone), .page("/privacy/request/verify", .anyone),
        .page("/privacy/exports/:id", .anyone), .page("/privacy/report-underage", .anyone),
        .page("/privacy/unsubscribe", .anyone), .post("/privacy/unsubscribe/one-click", .anyone),
        .get("/staff/privacy", .staff(.privacyDesk)), .get("/staff/privacy/requests/:id", .staff(.privacyDesk)),
        .post("/staff/privacy/requests/:id/extend", .staff(.privacyDesk)),
        .post("/staff/privacy/requests/:id/complete", .staff(.privacyDesk)),
        .post("/staff/privacy/requests/:id/deny", .staff(.privacyDesk)),
        .post("/staff/privacy/underage/:id/confirm", .staff(.privacyDesk)),
        .post("/staff/privacy/underage/:id/dismiss", .staff(.privacyDesk)),
        .get("/staff/privacy/inventory", .staff(.privacyRecords)),
        .page("/staff/privacy/holds", .staff(.privacyRecords)),
        .post("/staff/privacy/holds/:id/release", .staff(.privacyRecords)),
        .page("/staff/privacy/announcements", .staff(.announcements)),
    ]

    private static let statusPages: [Entry] = [
        .get("/status", .anyone), .get("/status/incidents/:id", .anyone), .get("/status/history", .anyone),
        .get("/status/history.atom", .anyone), .get("/status/history.rss", .anyone),
        .page("/status/unsubscribe/:token", .anyone), .page("/status/subscribe", .anyone),
        .page("/status/subscribe/confirm", .anyone),
        .get("/staff/status", .staff(.statusConsole)),
        .get("/staff/status/components/new", .staff(.statusConsole)),
        .post("/staff/status/components", .staff(.statusConsole)),
        .page("/staff/status/components/:id", .staff(.statusConsole)),
        .get("/staff/status/incidents/new", .staff(.statusConsole)),
        .post("/staff/status/incidents", .staff(.statusConsole)),
        .get("/staff/status/incidents/:id", .staff(.statusConsole)),
        .post("/staff/status/incidents/:id/updates", .staff(.statusConsole)),
        .post("/staff/status/incidents/:id/rfo", .staff(.statusConsole)),
        // The public status API (`/api/v2`) answers GET; other methods get 405, and browsers
        // may ask before a cross-origin read.
    ] + [
        "summary.json", "status.json", "components.json", "incidents.json", "incidents/unresolved.json",
        "scheduled-maintenances.json", "scheduled-maintenances/upcoming.json", "scheduled-maintenances/active.json",
    ].map { .resource("/api/v2/\($0)", .anyone) } + [Entry(methods: [.OPTIONS], path: "/api/v2/**", policy: .anyone)]

    // MARK: - JSON API

    private static let v1Account = "/v1/Accounts/:accountSid"

    private static let api: [Entry] = [
        // An account's credential (ACC-7): its own account and subaccounts only (SEC-3).
        .resource(v1Account, .accountCredential), .resource("\(v1Account)/Subaccounts", .accountCredential),
        .resource("\(v1Account)/Keys", .accountCredential), .resource("\(v1Account)/Keys/:keySid", .accountCredential),
        .resource("\(v1Account)/MessagingLimits", .accountCredential),
        .resource("\(v1Account)/MessagingLimits/Requests", .accountCredential),
        .resource("\(v1Account)/Standing", .accountCredential),
        .resource("\(v1Account)/RouteChanges", .accountCredential),
        .resource("\(v1Account)/PrivacyRequests", .accountCredential),
        .resource("\(v1Account)/PrivacyRequests/:id", .accountCredential),
        .get("\(v1Account)/PrivacyRequests/:id/Report", .accountCredential),
        .resource("\(v1Account)/UsageDeletions", .accountCredential),
        .resource("\(v1Account)/UsageDeletions/:id", .accountCredential),
        .resource("/v1/Tickets", .accountCredential), .resource("/v1/Tickets/:number", .accountCredential),
        .resource("/v1/Tickets/:number/Comments", .accountCredential),
        .resource("/v1/Tickets/:number/Attachments/:id", .accountCredential),
        .resource("/v1/Tickets/:number/Escalations", .accountCredential),
        .resource("/v1/Chat/Messages", .accountCredential), .resource("/v1/Reports/:name", .accountCredential),
        // The messaging pipeline and billing: the service credential, never an account's.
        .resource("/v1/Admissions", .serviceToken), .resource("/v1/Admissions/Batch", .serviceToken),
        .resource("/v1/MessageOutcomes", .serviceToken),
        .resource("/v1/Invoices", .serviceToken), .resource("/v1/Payments", .serviceToken),
        // Staff API keys: the holder's current role decides, as on the staff pages.
        .resource("/v1/Staff/Accounts/:accountSid/Standing", .staffAPIKey(.accountStanding)),
        .resource("/v1/Staff/SupportCalendars", .staffAPIKey(.supportQueues)),
        Entry(methods: [.GET, .PUT, .PATCH, .DELETE], path: "/v1/Staff/SupportCalendars/:calendarId", policy: .staffAPIKey(.supportQueues)),
        .post("/v1/Staff/SupportCalendars/:calendarId", .staffAPIKey(.supportSetup)),
        .resource("/v1/Staff/Reports/:name", .staffAPIKey(.supportReports)),
        // Webhooks prove themselves (SEC-4): the handler checks the signature or secret token.
        .resource("/v1/SecretScanning/GitHub", .signedWebhook(.secretScanning)),
        .post("/voice/incoming", .signedWebhook(.voice)), .post("/voice/pin", .signedWebhook(.voice)),
        .post("/voice/dial-result", .signedWebhook(.voice)), .post("/voice/status", .signedWebhook(.voice)),
        .post("/inbound/mail/:token", .signedWebhook(.inboundMail)),
    ]
}

extension RoutePolicies {
    /// A route as the router knows it: method and path pattern (`/v1/Tickets/:number`).
    struct RouteKey: Hashable, Comparable, CustomStringConvertible {
        let method: HTTPMethod
        let path: String

        init(method: HTTPMethod, path: String) {
            self.method = method
            self.path = path
        }

        init(_ route: Route) {
            self.init(method: route.method, path: "/" + route.path.map(\.description).joined(separator: "/"))
        }

        var description: String { "\(method.rawValue) \(path)" }

        // NIO's `HTTPMethod` is only `Equatable`.
        func hash(into hasher: inout Hasher) {
            hasher.combine(method.rawValue)
            hasher.combine(path)
        }

        static func < (lhs: RouteKey, rhs: RouteKey) -> Bool {
            (lhs.path, lhs.method.rawValue) < (rhs.path, rhs.method.rawValue)
        }
    }

    /// One line of the table: a path, the methods it covers and their policy.
    struct Entry {
        let methods: [HTTPMethod]
        let path: String
        let policy: AccessPolicy

        static func get(_ path: String, _ policy: AccessPolicy) -> Entry { Entry(methods: [.GET], path: path, policy: policy) }
        static func post(_ path: String, _ policy: AccessPolicy) -> Entry { Entry(methods: [.POST], path: path, policy: policy) }
        /// A page and its form: GET and POST on one path.
        static func page(_ path: String, _ policy: AccessPolicy) -> Entry { Entry(methods: [.GET, .POST], path: path, policy: policy) }

        /// An API resource: the methods it takes and the 405 answers of the others.
        static func resource(_ path: String, _ policy: AccessPolicy) -> Entry {
            Entry(methods: [.GET, .POST, .PUT, .PATCH, .DELETE], path: path, policy: policy)
        }
    }
}
