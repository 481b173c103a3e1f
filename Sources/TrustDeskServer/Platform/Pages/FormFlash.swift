import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// A refused form carried across a redirect, so a feature that handles a form posted from
/// another feature's page (the Progressive Trust decision on a support ticket) sends the person
/// back to that page instead of rendering it, and what they typed is still there with the
/// errors beside it. It rides on the browser session row: only the page it was meant for takes
/// it, once, within a few minutes. Passwords and one-time codes are never kept
/// (`PageForm.neverRedisplayed`); chosen files come back as their names only, as on any
/// refused form.
struct FormFlash: Codable, Sendable, Equatable {
    /// The page (path without query or fragment) that shows the form again.
    let path: String
    let fields: [String: String]
    let errors: [FormErrors.Item]
    let scope: String?
    let expiresAt: Date

    /// Long enough to survive a slow redirect; short enough that an abandoned form does not
    /// reappear on a later visit.
    static let lifetime: TimeInterval = 300

    static func path(of location: String) -> String {
        String(location.prefix { $0 != "?" && $0 != "#" })
    }
}

extension Request {
    /// Redirects to `location` (303) and keeps `form` and its `errors` in `browser`'s session
    /// for that page's next GET.
    func redirect(_ location: String, keeping form: PageForm, errors: FormErrors, scope: String?,
                  in browser: BrowserSession) async throws -> Response {
        let flash = FormFlash(path: FormFlash.path(of: location), fields: form.redisplay(), errors: errors.items, scope: scope,
                              expiresAt: now.addingTimeInterval(FormFlash.lifetime))
        browser.session.flash = String(decoding: try JSONEncoder.sortedKeys.encode(flash), as: UTF8.self)
        try await browser.session.save(on: db)
        let response = redirect(location)
        response.status = .seeOther
        return response
    }

    /// The form kept for this page by `redirect(_:keeping:errors:scope:)`, taken once: the
    /// session forgets it as it is read. A flash for another page stays for that page.
    func takeFormFlash() async throws -> (form: PageForm, errors: FormErrors, scope: String?)? {
        guard let session = browserSession?.session, let stored = session.flash else { return nil }
        let flash = try StoredJSON.decode(FormFlash.self, stored, table: UserSession.schema, column: "flash", row: "session of \(session.userSID)")
        let forThisPage = flash.path == url.path
        guard forThisPage || flash.expiresAt <= now else { return nil }
        session.flash = nil
        try await session.save(on: db)
        guard forThisPage, flash.expiresAt > now else { return nil }
        return (PageForm(fields: flash.fields), FormErrors(items: flash.errors), flash.scope)
    }
}
