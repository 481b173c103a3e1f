import Fluent
import Foundation
import SQLKit
import TrustDeskCore
import Vapor

/// The public privacy pages: a request by verified email (PRV-3), the export download (PRV-2),
/// the under-age report (PRV-8) and one-click unsubscribe (PRV-7). None tells whether an
/// address or account exists.
struct PrivacyPublicPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let privacy = routes.grouped("privacy")
        privacy.get("request", use: requestForm)
        privacy.post("request", use: request)
        privacy.get("request", "verify", use: verifyPage)
        privacy.post("request", "verify", use: verify)
        privacy.get("exports", ":id", use: downloadPage)
        privacy.post("exports", ":id", use: download)
        privacy.get("report-underage", use: underageForm)
        privacy.post("report-underage", use: underage)
        privacy.get("unsubscribe", use: unsubscribePage)
        privacy.post("unsubscribe", use: unsubscribe)
    }

    struct RequestView: Encodable {
        let types: [OptionView]
        var sent = false
    }

    private func requestView(_ chosen: String?) -> RequestView {
        RequestView(types: [PrivacyRequestType.access, .export, .deletion, .restriction].map {
            OptionView(value: $0.rawValue, title: $0.title, selected: $0.rawValue == (chosen ?? PrivacyRequestType.access.rawValue))
        })
    }

    func requestForm(request: Request) async throws -> Response {
        try await request.page("privacy/request", title: "Privacy request", requestView(nil))
    }

    /// The same answer for every address (PRV-3, ACC-6): mail goes only to a known one.
    func request(request: Request) async throws -> Response {
        let form = request.pageForm()
        var errors = FormErrors()
        let email = errors.check("email") { () throws(DomainError) -> String in try Validate.email(form.text("email")) }
        let type = errors.check("type") { () throws(DomainError) -> PrivacyRequestType in try PrivacyRequestType.parse(form.text("type")) }
        guard errors.isEmpty, let email, let type else {
            return try await request.page("privacy/request", title: "Privacy request", requestView(form["type"]), form: form, errors: errors)
        }
        try await Throttle(database: request.db, now: request.now).check("privacy:ip:\(request.clientAddress)", .recoveryPerAddress)
        try await Throttle(database: request.db, now: request.now).recordFailure("privacy:ip:\(request.clientAddress)")
        let now = request.now
        let application = request.application
        try await request.db.transaction { db in
            try await application.privacyRequests(now: now, database: db).submitByEmail(type, email: email)
        }
        var view = requestView(type.rawValue)
        view.sent = true
        return try await request.page("privacy/request", title: "Check your email", view,
                                      notice: "If that address belongs to a TrustDesk login, we mailed it a link to confirm the request. The link works once, for an hour.")
    }

    struct VerifyView: Encodable {
        let id: String
        let token: String
    }

    func verifyPage(request: Request) async throws -> Response {
        let id = (try? request.query.get(String.self, at: "id")) ?? ""
        let token = (try? request.query.get(String.self, at: "token")) ?? ""
        return try await request.page("privacy/verify", title: "Confirm your privacy request", VerifyView(id: id, token: token))
    }

    func verify(request: Request) async throws -> Response {
        let form = request.pageForm()
        let view = VerifyView(id: form.text("id"), token: form.text("token"))
        let now = request.now
        let application = request.application
        do {
            guard let id = UUID(uuidString: form.text("id")) else {
                throw DomainError(.linkExpired, "This verification link is not valid. Make the request again for a new link.")
            }
            // Wrong tries are counted even though the request fails, so not in a transaction that rolls back.
            _ = try await application.privacyRequests(now: now, database: request.db).verify(id: id, token: form.text("token"))
        } catch let error as DomainError {
            return try await request.page("privacy/verify", title: "Confirm your privacy request", view, error: error)
        }
        return try await request.page("privacy/verified", title: "Request confirmed", EmptyBody(),
                                      notice: "Your request is confirmed. We mailed an acknowledgement with its due date.")
    }

    struct DownloadView: Encodable {
        let id: String
        let token: String
    }

    func downloadPage(request: Request) async throws -> Response {
        try await request.page("privacy/download", title: "Download your data",
                               DownloadView(id: request.parameters.get("id") ?? "", token: (try? request.query.get(String.self, at: "token")) ?? ""))
    }

    /// The single-use, 5-day export link (PRV-2): a POST spends it and streams the zip.
    func download(request: Request) async throws -> Response {
        let form = request.pageForm()
        let token = form.text("token")
        let view = DownloadView(id: request.parameters.get("id") ?? "", token: token)
        let now = request.now
        do {
            guard let id = UUID(uuidString: view.id), let found = try await PrivacyRequest.find(id, on: request.db),
                  let hash = found.exportTokenHash, let path = found.exportPath, let expires = found.exportExpiresAt,
                  Secrets.matchesFormat(token, kind: .link), Secrets.hash(token) == hash
            else { throw DomainError(.linkExpired, "This download link is not valid. Ask for a new export from your privacy page.") }
            try SingleUseLink.check(expiresAt: expires, usedAt: found.exportDownloadedAt, now: now)
            // Spent first, conditionally: two clicks can't both download.
            let spent = try await request.db.sql.raw("""
                UPDATE privacy_requests SET export_downloaded_at = \(bind: now) WHERE id = \(bind: id) AND export_downloaded_at IS NULL RETURNING id
                """).all()
            guard !spent.isEmpty else {
                throw DomainError(.linkUsed, "This download link was already used. Ask for a new export from your privacy page.")
            }
            let response = try await request.fileio.asyncStreamFile(at: path, mediaType: HTTPMediaType(type: "application", subType: "zip"))
            response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"trustdesk-export-\(view.id).zip\"")
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        } catch let error as DomainError {
            return try await request.page("privacy/download", title: "Download your data", view, error: error)
        }
    }

    func underageForm(request: Request) async throws -> Response {
        try await request.page("privacy/underage", title: "Report an under-age user", EmptyBody())
    }

    /// The same answer whether or not the named user exists (PRV-8).
    func underage(request: Request) async throws -> Response {
        let form = request.pageForm()
        var errors = FormErrors()
        _ = errors.check("reporter_email") { () throws(DomainError) -> String in try Validate.email(form.text("reporter_email"), field: "reporter_email") }
        _ = errors.check("details") { () throws(DomainError) -> String in try UnderAgeRule.details(form.text("details")) }
        if form.trimmed("reported") == nil {
            errors.add(DomainError(.invalidParameter, "reported: give the user's username, email address or account SID."))
        }
        guard errors.isEmpty else {
            return try await request.page("privacy/underage", title: "Report an under-age user", EmptyBody(), form: form, errors: errors)
        }
        let now = request.now
        let application = request.application
        try await request.db.transaction { db in
            _ = try await application.underAgeReports(now: now, database: db)
                .report(reported: form.text("reported"), reporterEmail: form.text("reporter_email"), details: form.text("details"))
        }
        return try await request.page("privacy/underage-sent", title: "Thank you", EmptyBody(),
                                      notice: "Thank you. Consumer Trust looks at every report; if it is confirmed, the person's data is removed within 24 hours.")
    }

    struct UnsubscribeView: Encodable {
        let user: String
        let token: String
    }

    func unsubscribePage(request: Request) async throws -> Response {
        try await request.page("privacy/unsubscribe", title: "Stop marketing mail", UnsubscribeView(
            user: (try? request.query.get(String.self, at: "user")) ?? "", token: (try? request.query.get(String.self, at: "token")) ?? ""))
    }

    /// RFC 8058 one-click: a POST with the link's user and token opts out at once. Mail clients
    /// post `List-Unsubscribe=One-Click` with the query string; the page posts the same fields.
    func unsubscribe(request: Request) async throws -> Response {
        let form = request.pageForm()
        let user = form["user"] ?? (try? request.query.get(String.self, at: "user")) ?? ""
        let token = form["token"] ?? (try? request.query.get(String.self, at: "token")) ?? ""
        let view = UnsubscribeView(user: user, token: token)
        guard try await PrivacyPreferences.optOut(user: user, token: token, request: request) else {
            return try await request.page("privacy/unsubscribe", title: "Stop marketing mail", view,
                                          error: DomainError(.linkExpired, "This unsubscribe link is not valid. Sign in and untick marketing on your privacy page."))
        }
        return try await request.page("privacy/unsubscribed", title: "Unsubscribed", EmptyBody(), notice: "You will get no more marketing mail from TrustDesk.")
    }
}
