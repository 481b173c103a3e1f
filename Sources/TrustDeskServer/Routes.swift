import Vapor

func routes(_ app: Application) throws {
    try app.register(collection: HealthController())
    app.get("openapi.yaml", use: OpenAPIDocument.serve)
    app.get("styles.css", use: Stylesheet.serve)
    app.get("scripts", "copy.js", use: Scripts.serveCopy)

    // The JSON API: HTTP Basic on every route, no cookies, no CSRF.
    let api = app.grouped("v1").grouped(APICredentialAuthenticator())
    try api.register(collection: AccountsAPIController())
    try api.register(collection: MessagingLimitsAPIController())
    // The messaging pipeline: the service credential, not an account's.
    try app.grouped("v1").grouped(ServiceCredentialMiddleware()).register(collection: AdmissionsAPIController())
    try api.register(collection: TicketsAPIController())
    // Account standing (STD): history for API users, billing reports, secret-scanning reports (signed, SEC-4).
    try api.register(collection: StandingAPIController())
    try app.grouped("v1").grouped(ServiceCredentialMiddleware()).register(collection: BillingAPIController())
    try app.register(collection: SecretScanningController())
    try app.register(collection: PrivacyOneClickController())
    // The staff JSON API: a staff member's personal API key by HTTP Basic, never a customer's credential.
    try app.grouped("v1", "Staff").grouped(StaffAPIAuthenticator()).register(collection: StaffStandingAPIController())
    // Privacy (PRV): requests, reports and usage deletions of an account.
    try api.register(collection: PrivacyAPIController())
    try app.grouped("v1", "Staff").grouped(StaffAPIAuthenticator()).register(collection: StaffSupportAPIController())
    // Support desk channels: escalations, route changes, chat and reports (SUP-9, SUP-11, SUP-13,
    // SUP-16); the voice webhooks (signed, SEC-4) and inbound mail (secret path, SUP-2).
    try api.register(collection: EscalationsAPIController())
    try api.register(collection: RouteChangesAPIController())
    try api.register(collection: ChatAPIController())
    try api.register(collection: ReportsAPIController.Customer())
    try app.grouped("v1", "Staff").grouped(StaffAPIAuthenticator()).register(collection: ReportsAPIController.Staff())
    try app.register(collection: VoiceController())
    try app.register(collection: InboundMailController())

    // Browser pages: session, CSRF.
    let pages = app.grouped(SessionLoader(), CSRFMiddleware(), ViewerTimeZoneMiddleware())
    try pages.register(collection: PublicPagesController())
    try pages.register(collection: ErrorReferenceController())
    try pages.register(collection: SecurityPagesController())
    try pages.grouped(CustomerGuard()).register(collection: ConsolePagesController())
    try pages.grouped(StaffGuard()).register(collection: StaffPagesController())
    try pages.grouped(CustomerGuard()).register(collection: TrustConsolePagesController())
    try pages.grouped(StaffGuard()).register(collection: TrustStaffPagesController())
    try pages.grouped(CustomerGuard()).register(collection: SupportConsolePagesController())
    try pages.grouped(StaffGuard()).register(collection: SupportStaffPagesController())
    try pages.grouped(CustomerGuard()).register(collection: StandingConsolePagesController())
    try pages.grouped(StaffGuard()).register(collection: StandingStaffPagesController())
    try pages.grouped(StaffGuard()).register(collection: ConsumerTrustDeskController())
    try pages.grouped(StaffGuard()).register(collection: StaffAPIKeysPagesController())
    // Privacy (PRV): public request, download, under-age report and unsubscribe; console; staff desk.
    try pages.register(collection: PrivacyPublicPagesController())
    try pages.grouped(CustomerGuard()).register(collection: PrivacyConsolePagesController())
    try pages.grouped(StaffGuard()).register(collection: PrivacyStaffPagesController())

    // Status page (STS): public pages and /api/v2 without session or cookie; the subscribe
    // form with CSRF only; the staff console like every staff page.
    _ = app.statusSnapshots
    try app.register(collection: StatusAPIController())
    try app.register(collection: StatusPublicPagesController())
    try app.grouped(CSRFMiddleware()).register(collection: StatusSubscribePagesController())
    try pages.grouped(StaffGuard()).register(collection: StatusStaffPagesController())
    try pages.register(collection: EscalationPagesController())
    try pages.register(collection: RouteChangePagesController())
    try pages.register(collection: ChatPagesController())
    try pages.register(collection: ReportPagesController())
    try pages.grouped(StaffGuard()).register(collection: SupportLinePagesController())
    // Each person's own preferences: the time zone pages show their times in (issue 11).
    try pages.register(collection: PreferencesPagesController())
}
