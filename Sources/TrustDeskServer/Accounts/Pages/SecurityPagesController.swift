import Fluent
import TrustDeskCore
import Vapor

/// Two-factor enrolment and removal (ACC-8) and changing one's password, for every signed-in
/// person.
struct SecurityPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let security = routes.grouped("security")
        security.get(use: show)
        security.post("password", use: changePassword)
        security.post("two-factor", "start", use: start)
        security.post("two-factor", "confirm", use: confirm)
        security.post("two-factor", "disable", use: disable)
    }

    struct SecurityBody: Encodable {
        let twoFactorEnabled: Bool
        let mandatory: Bool
        let mustEnrol: Bool
        let recoveryCodesLeft: Int
        var enrolment: EnrolmentView?
        var recoveryCodes: OneTimeSecretView?
    }

    /// What an authenticator app needs, three ways: the QR code to scan, the secret key to
    /// type, and the `otpauth://` link to open on the phone itself.
    struct EnrolmentView: Encodable {
        let secret: OneTimeSecretView
        let provisioningURI: String
        /// Inline SVG from `QRCode.svg`, which escapes every text it writes; nil if the URI
        /// does not fit a QR code, and the page then offers the key and the link only.
        let qrCode: String?
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

    private func enrolment(_ request: Request, _ totp: TrustDeskCore.TOTP, user: User) -> EnrolmentView {
        let uri = totp.provisioningURI(issuer: "TrustDesk", account: user.username)
        var qrCode: String?
        do {
            qrCode = try QRCode(text: uri).svg(label: "QR code to scan with your authenticator app. It holds the secret key shown below.")
        } catch {
            // A username is at most 64 characters, so the URI always fits; should that change,
            // the key and the link still work.
            request.logger.warning("enrolment URI does not fit a QR code", metadata: ["user_sid": "\(user.sid)", "error": "\(error)"])
        }
        return EnrolmentView(secret: .totpSecret(Base32.encode(totp.secret)), provisioningURI: uri, qrCode: qrCode)
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
        page.enrolment = enrolment(request, totp, user: user)
        return try await request.page("accounts/security", title: "Set up two-factor authentication", page)
    }

    func confirm(request: Request) async throws -> Response {
        let user = try session(request).user
        let twoFactor = TwoFactor(database: request.db, now: request.now, box: request.application.secretBox)
        let form = request.pageForm()
        do {
            let codes = try await twoFactor.confirm(for: user, code: form.text("code"))
            var page = try await body(request, user: user)
            page.recoveryCodes = .recoveryCodes(codes)
            return try await request.page("accounts/security", title: "Two-factor authentication is on", page,
                                          notice: "Two-factor authentication is on. Save your recovery codes now: they are shown only once.")
        } catch let error as DomainError {
            var page = try await body(request, user: user)
            if let pending = try twoFactor.pending(for: user) {
                page.enrolment = enrolment(request, pending, user: user)
            }
            return try await request.page("accounts/security", title: "Set up two-factor authentication", page, form: form, errors: FormErrors(error, field: "code"))
        }
    }

    func disable(request: Request) async throws -> Response {
        let user = try session(request).user
        let form = request.pageForm()
        do {
            // Turning protection off takes the same proof as signing in with it.
            try await SignIn(database: request.db, now: request.now, hasher: request.passwordHasher)
                .checkSecondFactor(user: user, code: form.text("code"), box: request.application.secretBox)
            try await TwoFactor(database: request.db, now: request.now, box: request.application.secretBox).disable(for: user)
            return try await request.page("accounts/security", title: "Security", try await body(request, user: user),
                                          notice: "Two-factor authentication is off.")
        } catch let error as DomainError {
            return try await request.page("accounts/security", title: "Security", try await body(request, user: user),
                                          form: form, errors: FormErrors(error, field: "code"), scope: "disable")
        }
    }

    /// A signed-in person changes their password: the current one proves it is them (guesses are
    /// throttled like sign-in, SEC-2), the new one must not be easy to guess, and every other
    /// session of theirs ends. Every problem is shown at once, beside its field.
    func changePassword(request: Request) async throws -> Response {
        let browser = try session(request)
        let user = browser.user
        let form = request.pageForm()
        var errors = FormErrors()
        let throttle = Throttle(database: request.db, now: request.now)
        let guesses = "password-change:user:\(user.sid)"
        let current = form.text("current_password")
        _ = try await errors.attempt("current_password") {
            try await throttle.check(guesses, .signInPerIdentity)
            guard !current.isEmpty, try await request.passwordHasher.verify(current, created: user.passwordHash) else {
                try await throttle.recordFailure(guesses)
                throw DomainError(.authenticationFailed, "current_password: this is not your current password.")
            }
        }
        let context = PasswordContext(fullName: user.fullName, email: user.email, username: user.username)
        let new = errors.check("new_password") { () throws(DomainError) -> String in
            let checked = try request.passwordPolicy.check(form.text("new_password"), field: "new_password", context: context)
            guard checked != current else { throw DomainError(.invalidParameter, "new_password: choose a password other than your current one.") }
            return checked
        }
        _ = errors.check("password_confirmation") { () throws(DomainError) in
            guard form.text("password_confirmation") == form.text("new_password") else {
                throw DomainError(.invalidParameter, "password_confirmation: the two new passwords are not the same.")
            }
        }
        guard errors.isEmpty, let new else {
            return try await request.page("accounts/security", title: "Security", try await body(request, user: user), form: form, errors: errors)
        }
        let hash = try await request.passwordHasher.hash(new)
        try await Passwords(database: request.db, now: request.now, publicURL: request.application.trustDeskConfiguration.publicURL)
            .change(user, newPasswordHash: hash, keeping: browser.session)
        request.logger.info("password changed", metadata: ["user_sid": "\(user.sid)"])
        return try await request.page("accounts/security", title: "Security", try await body(request, user: user),
                                      notice: "Your password was changed and every other session of yours was signed out. \(AccountMail.integrationsWarning)")
    }
}
