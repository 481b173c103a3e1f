import Vapor

func routes(_ app: Application) throws {
    // Every group enforces its routes' access policies (`RoutePolicies`, SEC-3) after it has
    // authenticated the caller; `attach` at the end refuses to start with an undeclared route.
    let policy = RoutePolicyMiddleware()
    let open = app.grouped(policy)
    try open.register(collection: HealthController())
    open.get("openapi.yaml", use: OpenAPIDocument.serve)
    open.get("styles.css", use: Stylesheet.serve)
    open.get("scripts", "copy.js", use: Scripts.serveCopy)
    open.get("scripts", "countdown.js", use: Scripts.serveCountdown)

    // The JSON API: HTTP Basic on every route, no cookies, no CSRF.
    let api = app.grouped("v1").grouped(APICredentialAuthenticator(), policy)
    let service = app.grouped("v1").grouped(ServiceCredentialMiddleware(), policy)
    let staffAPI = app.grouped("v1", "Staff").grouped(StaffAPIAuthenticator(), policy)
    try api.register(collection: AccountsAPIController())
    try api.register(collection: MessagingLimitsAPIController())
    // The messaging pipeline: the service credential, not an account's.
    try service.register(collection: AdmissionsAPIController())
    try api.register(collection: TicketsAPIController())
    // Account standing (STD): history for API users, billing reports, secret-scanning reports (signed, SEC-4).
    try api.register(collection: StandingAPIController())
    try service.register(collection: BillingAPIController())
    try open.register(collection: SecretScanningController())
    try open.register(collection: PrivacyOneClickController())
    // The staff JSON API: a staff member's personal API key by HTTP Basic, never a customer's credential.
    try staffAPI.register(collection: StaffStandingAPIController())
    // Privacy (PRV): requests, reports and usage deletions of an account.
    try api.register(collection: PrivacyAPIController())
    try staffAPI.register(collection: StaffSupportAPIController())
    // Support desk channels: escalations, route changes, chat and reports (SUP-9, SUP-11, SUP-13,
    // SUP-16); the voice webhooks (signed, SEC-4) and inbound mail (secret path, SUP-2).
    try api.register(collection: EscalationsAPIController())
    try api.register(collection: RouteChangesAPIController())
    try api.register(collection: ChatAPIController())
    try api.register(collection: ReportsAPIController.Customer())
    try staffAPI.register(collection: ReportsAPIController.Staff())
    try open.register(collection: VoiceController())
    try open.register(collection: InboundMailController())

    // Browser pages: session, then the route's policy (who may open it), then CSRF, then the
    // viewer's time zone for the page's times.
    let pages = app.grouped(SessionLoader(), policy, CSRFMiddleware(), ViewerTimeZoneMiddleware())
    try pages.register(collection: PublicPagesController())
    try pages.register(collection: ErrorReferenceController())
    try pages.register(collection: SecurityPagesController())
    try pages.register(collection: ConsolePagesController())
    try pages.register(collection: StaffPagesController())
    try pages.register(collection: TrustConsolePagesController())
    try pages.register(collection: TrustStaffPagesController())
    try pages.register(collection: SupportConsolePagesController())
    try pages.register(collection: SupportStaffPagesController())
    try pages.register(collection: StandingConsolePagesController())
    try pages.register(collection: StandingStaffPagesController())
    try pages.register(collection: ConsumerTrustDeskController())
    try pages.register(collection: StaffAPIKeysPagesController())
    // Privacy (PRV): public request, download, under-age report and unsubscribe; console; staff desk.
    try pages.register(collection: PrivacyPublicPagesController())
    try pages.register(collection: PrivacyConsolePagesController())
    try pages.register(collection: PrivacyStaffPagesController())

    // Status page (STS): public pages and /api/v2 without session or cookie; the subscribe
    // form with CSRF only; the staff console like every staff page.
    _ = app.statusSnapshots
    try open.register(collection: StatusAPIController())
    try open.register(collection: StatusPublicPagesController())
    try open.grouped(CSRFMiddleware()).register(collection: StatusSubscribePagesController())
    try pages.register(collection: StatusStaffPagesController())
    try pages.register(collection: EscalationPagesController())
    try pages.register(collection: RouteChangePagesController())
    try pages.register(collection: ChatPagesController())
    try pages.register(collection: ReportPagesController())
    try pages.register(collection: SupportLinePagesController())
    // Each person's own preferences: the time zone pages show their times in (issue 11).
    try pages.register(collection: PreferencesPagesController())
    // The staff queues: filters, search, order, counts and alerts (issue 11).
    try pages.register(collection: QueuePagesController())

    try RoutePolicies.attach(to: app.routes)
}
