import Vapor

func routes(_ app: Application) throws {
    try app.register(collection: HealthController())
    app.get("openapi.yaml", use: OpenAPIDocument.serve)
    app.get("styles.css", use: Stylesheet.serve)

    // The JSON API: HTTP Basic on every route, no cookies, no CSRF.
    let api = app.grouped("v1").grouped(APICredentialAuthenticator())
    try api.register(collection: AccountsAPIController())

    // Browser pages: session, CSRF.
    let pages = app.grouped(SessionLoader(), CSRFMiddleware())
    try pages.register(collection: PublicPagesController())
    try pages.register(collection: ErrorReferenceController())
    try pages.register(collection: SecurityPagesController())
    try pages.grouped(CustomerGuard()).register(collection: ConsolePagesController())
    try pages.grouped(StaffGuard()).register(collection: StaffPagesController())
}
