import Foundation
import TrustDeskCore
import Vapor

/// CSRF protection for browser forms (SEC-5) by double submit: a random token in a
/// SameSite=Strict cookie must come back in the form's `csrf_token` field. A page on another
/// site can make the browser send the cookie but cannot read it to fill in the field.
struct CSRFMiddleware: AsyncMiddleware {
    static let cookieName = "td_csrf"
    static let fieldName = "csrf_token"
    static let maxFormBody = 64 * 1024
    /// Multipart forms carry files (ticket attachments); their routes set the same limit.
    static let maxMultipartBody = 256 * 1024

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let cookie = request.cookies[Self.cookieName]?.string
        let existing = cookie.map { Secrets.matchesFormat($0, kind: .link) } == true ? cookie : nil
        if request.method != .GET && request.method != .HEAD {
            let limit = request.headers.contentType == .formData ? Self.maxMultipartBody : Self.maxFormBody
            _ = try await request.body.collect(max: limit).get()
            let sent = try? request.content.get(String.self, at: Self.fieldName)
            guard let existing, let sent, constantTimeEquals(existing, sent) else {
                throw DomainError(.csrfFailed, "This form has expired or did not come from this site. Go back, reload the page and try again.")
            }
        }
        let token = existing ?? Secrets.generate(.link)
        request.csrfToken = token
        let response = try await next.respond(to: request)
        if existing == nil {
            response.cookies[Self.cookieName] = HTTPCookies.Value(
                string: token, path: "/", isSecure: request.application.trustDeskConfiguration.secureCookies,
                isHTTPOnly: true, sameSite: .strict
            )
        }
        return response
    }
}

extension Request {
    private struct CSRFTokenKey: StorageKey { typealias Value = String }

    var csrfToken: String {
        get { storage[CSRFTokenKey.self] ?? "" }
        set { storage[CSRFTokenKey.self] = newValue }
    }
}
