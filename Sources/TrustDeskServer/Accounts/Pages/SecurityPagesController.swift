import Fluent
import TrustDeskCore
import Vapor

/// Two-factor enrolment and removal for every signed-in person (ACC-8).
struct SecurityPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let security = routes.grouped("security")
        security.get(use: show)
        security.post("two-factor", "start", use: start)
        security.post("two-factor", "confirm", use: confirm)
        security.post("two-factor", "disable", use: disable)
    }

    struct SecurityBody: Encodable {
        let twoFactorEnabled: Bool
        let mandatory: Bool
        let mustEnrol: Bool
        let recoveryCodesLeft: Int
        var secret: String?
        var provisioningURI: String?
        var recoveryCodes: [String]?
    }

    private func session(_ request: Request) throws -> BrowserSession {
        guard let session = request.signedIn else { throw Abort.redirect(to: "/signin") }
        return session
    }

    private func body(_ request: Request, user: User) async throws -> SecurityBody {
        let left = try await TwoFactor(database: request.db, now: request.now, box: request.application.secretBox).remainingRecoveryCodes(for: user)
        return SecurityBody(twoFactorEnabled: user.twoFactorEnabled, mandatory: user.isStaff,
                            mustEnrol: user.isStaff && !user.twoFactorEnabled, recoveryCodesLeft: left)
    }

    func show(request: Request) async throws -> Response {
        let user = try session(request).user
        let notice = user.isStaff && !user.twoFactorEnabled ? "Staff must use two-factor authentication. Set it up to continue to the staff console." : nil
        return try await request.page("accounts/security", title: "Security", try await body(request, user: user), notice: notice)
    }

    func start(request: Request) async throws -> Response {
        let user = try session(request).user
        guard !user.twoFactorEnabled else {
            return try await request.page("accounts/security", title: "Security", try await body(request, user: user),
                                          error: DomainError(.conflict, "Two-factor authentication is already on."))
        }
        let totp = try await TwoFactor(database: request.db, now: request.now, box: request.application.secretBox).start(for: user)
        var page = try await body(request, user: user)
        page.secret = Base32.encode(totp.secret)
        page.provisioningURI = totp.provisioningURI(issuer: "TrustDesk", account: user.username)
        return try await request.page("accounts/security", title: "Set up two-factor authentication", page)
    }

    func confirm(request: Request) async throws -> Response {
        let user = try session(request).user
        let twoFactor = TwoFactor(database: request.db, now: request.now, box: request.application.secretBox)
        let form = request.pageForm()
        do {
            let codes = try await twoFactor.confirm(for: user, code: form.text("code"))
            var page = try await body(request, user: user)
            page.recoveryCodes = codes
            return try await request.page("accounts/security", title: "Two-factor authentication is on", page,
                                          notice: "Two-factor authentication is on. Save your recovery codes now: they are shown only once.")
        } catch let error as DomainError {
            var page = try await body(request, user: user)
            if let pending = try twoFactor.pending(for: user) {
                page.secret = Base32.encode(pending.secret)
                page.provisioningURI = pending.provisioningURI(issuer: "TrustDesk", account: user.username)
            }
            return try await request.page("accounts/security", title: "Set up two-factor authentication", page, form: form, errors: FormErrors(error, field: "code"))
        }
    }

    func disable(request: Request) async throws -> Response {
        let user = try session(request).user
        let form = request.pageForm()
        do {
            // Turning protection off takes the same proof as signing in with it.
            try await SignIn(database: request.db, now: request.now, hasher: request.password.async)
                .checkSecondFactor(user: user, code: form.text("code"), box: request.application.secretBox)
            try await TwoFactor(database: request.db, now: request.now, box: request.application.secretBox).disable(for: user)
            return try await request.page("accounts/security", title: "Security", try await body(request, user: user),
                                          notice: "Two-factor authentication is off.")
        } catch let error as DomainError {
            return try await request.page("accounts/security", title: "Security", try await body(request, user: user),
                                          form: form, errors: FormErrors(error, field: "code"), scope: "disable")
        }
    }
}
