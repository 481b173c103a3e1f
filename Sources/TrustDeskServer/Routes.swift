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
    // The staff JSON API: a staff member's personal API key by HTTP Basic, never a customer's credential.
    try app.grouped("v1", "Staff").grouped(StaffAPIAuthenticator()).register(collection: StaffStandingAPIController())

    // Browser pages: session, CSRF.
    let pages = app.grouped(SessionLoader(), CSRFMiddleware())
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
}
