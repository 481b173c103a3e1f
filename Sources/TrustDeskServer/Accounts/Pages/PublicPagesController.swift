import Fluent
import TrustDeskCore
import Vapor

/// Sign-up, sign-in and the trouble-signing-in paths (ACC-3, ACC-5, ACC-6, ACC-8, SEC-2).
struct PublicPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home)
        routes.get("signup", use: signUpPage)
        routes.post("signup", use: signUp)
        routes.get("signup", "confirm", use: confirmPage)
        routes.post("signup", "confirm", use: confirm)
        routes.get("signin", use: signInPage)
        routes.post("signin", use: signIn)
        routes.get("signin", "two-factor", use: twoFactorPage)
        routes.post("signin", "two-factor", use: twoFactor)
        routes.post("signout", use: signOut)
        routes.get("trouble", use: trouble)
        routes.get("password", "forgot", use: forgotPasswordPage)
        routes.post("password", "forgot", use: forgotPassword)
        routes.get("password", "reset", use: resetPage)
        routes.post("password", "reset", use: reset)
        routes.get("username", "forgot", use: forgotUsernamePage)
        routes.post("username", "forgot", use: forgotUsername)
        routes.get("invitations", "accept", use: invitationPage)
        routes.post("invitations", "accept", use: acceptInvitation)
    }

    private func config(_ request: Request) -> TrustDeskConfiguration { request.application.trustDeskConfiguration }

    func home(request: Request) async throws -> Response {
        guard let session = request.signedIn else { return request.redirect("/signin") }
        return request.redirect(session.user.isStaff ? "/staff" : "/console")
    }

    // MARK: Sign-up (ACC-3)

    func signUpPage(request: Request) async throws -> Response {
        try await request.page("accounts/signup", title: "Sign up", EmptyBody())
    }

    struct SentBody: Encodable {
        let email: String
    }

    func signUp(request: Request) async throws -> Response {
        let form = request.pageForm()
        var errors = FormErrors()
        let valid = errors.check { () throws(DomainError) in
            try Registrations.validate(.init(
                fullName: form.text("full_name"), email: form.text("email"), username: form.text("username"),
                password: form.text("password"), accountName: form.text("account_name"),
                country: form.text("country"), phone: form.text("phone"), network: request.signupNetwork
            ), passwords: request.passwordPolicy)
        }
        if let valid {
            try await errors.attempt {
                let throttle = Throttle(database: request.db, now: request.now)
                try await throttle.check("signup:ip:\(request.clientAddress)", .recoveryPerAddress)
                try await throttle.recordFailure("signup:ip:\(request.clientAddress)")
                let hash = try await request.password.async.hash(valid.password)
                try await request.registrations.register(valid, passwordHash: hash)
            }
        }
        guard let valid, errors.isEmpty else {
            return try await request.page("accounts/signup", title: "Sign up", EmptyBody(), form: form, errors: errors)
        }
        return try await request.page("accounts/signup-sent", title: "Check your email", SentBody(email: valid.email))
    }

    struct ConfirmBody: Encodable {
        let token: String
        let email: String
        let accountName: String
    }

    func confirmPage(request: Request) async throws -> Response {
        let token: String = request.query["token"] ?? ""
        let registration = try await request.registrations.pending(token: token)
        return try await request.page("accounts/confirm", title: "Confirm your email",
                                      ConfirmBody(token: token, email: registration.email, accountName: registration.accountName))
    }

    struct AccountCreatedBody: Encodable {
        let accountSid: String
        let accountName: String
        let username: String
        let authToken: OneTimeSecretView
    }

    func confirm(request: Request) async throws -> Response {
        let token = request.pageForm().text("token")
        let (account, user, authToken) = try await request.registrations.confirm(token: token)
        request.logger.info("account created", metadata: ["account_sid": "\(account.sid)", "user_sid": "\(user.sid)"])
        return try await request.page("accounts/account-created", title: "Your account is ready",
                                      AccountCreatedBody(accountSid: account.sid, accountName: account.friendlyName, username: user.username,
                                                         authToken: .authToken(authToken, id: "auth-token", label: "Primary auth token")))
    }

    // MARK: Sign-in (ACC-8, SEC-2)

    func signInPage(request: Request) async throws -> Response {
        if request.signedIn != nil { return try await home(request: request) }
        return try await request.page("accounts/signin", title: "Sign in", EmptyBody())
    }

    func signIn(request: Request) async throws -> Response {
        let form = request.pageForm()
        do {
            let user = try await SignIn(database: request.db, now: request.now, hasher: request.password.async, dormancy: request.application.trustDeskConfiguration.dormancyPolicy)
                .checkPassword(username: form.text("username"), password: form.text("password"), clientAddress: request.clientAddress)
            let response = request.redirect(user.twoFactorEnabled ? "/signin/two-factor" : (user.isStaff ? "/security" : "/console"))
            try await Sessions.start(for: user, stage: user.twoFactorEnabled ? .twoFactorPending : .signedIn, request: request, response: response)
            if !user.twoFactorEnabled {
                try await recordSignIn(user, request: request)
            }
            return response
        } catch let error as DomainError {
            return try await request.page("accounts/signin", title: "Sign in", EmptyBody(), form: form, errors: FormErrors(error))
        }
    }

    func twoFactorPage(request: Request) async throws -> Response {
        guard let session = request.browserSession, session.session.stage == .twoFactorPending else {
            return request.redirect("/signin")
        }
        return try await request.page("accounts/signin-two-factor", title: "Two-factor authentication", EmptyBody())
    }

    func twoFactor(request: Request) async throws -> Response {
        guard let session = request.browserSession, session.session.stage == .twoFactorPending else {
            return request.redirect("/signin")
        }
        let form = request.pageForm()
        do {
            try await SignIn(database: request.db, now: request.now, hasher: request.password.async)
                .checkSecondFactor(user: session.user, code: form.text("code"), box: request.application.secretBox)
        } catch let error as DomainError {
            return try await request.page("accounts/signin-two-factor", title: "Two-factor authentication", EmptyBody(),
                                          form: form, errors: FormErrors(error, field: "code"))
        }
        // A fresh session ID once fully signed in, for the same reason as at password time.
        let response = request.redirect(session.user.isStaff ? "/staff" : "/console")
        try await Sessions.start(for: session.user, stage: .signedIn, request: request, response: response)
        try await recordSignIn(session.user, request: request)
        return response
    }

    private func recordSignIn(_ user: User, request: Request) async throws {
        user.lastSignInAt = request.now
        try await user.save(on: request.db)
        request.logger.info("signed in", metadata: ["user_sid": "\(user.sid)"])
    }

    func signOut(request: Request) async throws -> Response {
        let response = request.redirect("/signin")
        try await Sessions.end(request: request, response: response)
        return response
    }

    // MARK: Trouble signing in (ACC-5, ACC-6)

    func trouble(request: Request) async throws -> Response {
        try await request.page("accounts/trouble", title: "Trouble signing in", EmptyBody())
    }

    struct EmailBody: Encodable {
        let email: String
    }

    func forgotPasswordPage(request: Request) async throws -> Response {
        try await request.page("accounts/password-forgot", title: "Reset your password", EmptyBody())
    }

    func forgotPassword(request: Request) async throws -> Response {
        try await recovery(request, form: "accounts/password-forgot", title: "Reset your password", sent: "accounts/password-requested") { email in
            try await Passwords(database: request.db, now: request.now, publicURL: config(request).publicURL).request(.passwordReset, email: email)
        }
    }

    /// A recovery form (ACC-5, ACC-6): one email field; the answer is the same for every address.
    private func recovery(_ request: Request, form template: String, title: String, sent: String,
                          _ send: (String) async throws -> Void) async throws -> Response {
        let form = request.pageForm()
        var errors = FormErrors()
        let email = errors.check { () throws(DomainError) in try Validate.email(form.text("email")) }
        if let email {
            try await errors.attempt {
                try await throttleRecovery(request, email: email)
                try await send(email)
            }
            if errors.isEmpty {
                return try await request.page(sent, title: "Check your email", EmailBody(email: email))
            }
        }
        return try await request.page(template, title: title, EmptyBody(), form: form, errors: errors)
    }

    struct ResetBody: Encodable {
        let token: String
        let warning: String
    }

    func resetPage(request: Request) async throws -> Response {
        let token: String = request.query["token"] ?? ""
        _ = try await Passwords(database: request.db, now: request.now, publicURL: config(request).publicURL).pendingReset(token: token)
        return try await request.page("accounts/password-reset", title: "Choose a new password", ResetBody(token: token, warning: AccountMail.integrationsWarning))
    }

    func reset(request: Request) async throws -> Response {
        let form = request.pageForm()
        let token = form.text("token")
        let passwords = Passwords(database: request.db, now: request.now, publicURL: config(request).publicURL)
        let pending = try await passwords.pendingReset(token: token)
        let context = try await passwords.context(of: pending)
        var errors = FormErrors()
        let password = errors.check { () throws(DomainError) in try request.passwordPolicy.check(form.text("password"), context: context) }
        if password != nil, form.text("password") != form.text("password_confirmation") {
            errors.add(DomainError(.invalidParameter, "password_confirmation: the two passwords are not the same."))
        }
        guard let password, errors.isEmpty else {
            return try await request.page("accounts/password-reset", title: "Choose a new password", ResetBody(token: token, warning: AccountMail.integrationsWarning),
                                          form: form, errors: errors)
        }
        let hash = try await request.password.async.hash(password)
        let user = try await passwords.reset(token: token, newPasswordHash: hash)
        request.logger.info("password reset", metadata: ["user_sid": "\(user.sid)"])
        let response = try await request.page("accounts/password-changed", title: "Password changed", ResetBody(token: "", warning: AccountMail.integrationsWarning))
        try await Sessions.end(request: request, response: response)
        return response
    }

    func forgotUsernamePage(request: Request) async throws -> Response {
        try await request.page("accounts/username-forgot", title: "Find your username", EmptyBody())
    }

    func forgotUsername(request: Request) async throws -> Response {
        try await recovery(request, form: "accounts/username-forgot", title: "Find your username", sent: "accounts/username-requested") { email in
            try await Passwords(database: request.db, now: request.now, publicURL: config(request).publicURL).request(.usernameReminder, email: email)
        }
    }

    /// Every recovery request counts, known address or not: they send mail, so they are
    /// limited like guesses (SEC-2).
    private func throttleRecovery(_ request: Request, email: String) async throws {
        let throttle = Throttle(database: request.db, now: request.now)
        let keys = [("recovery:email:\(email)", ThrottlePolicy.recoveryPerIdentity), ("recovery:ip:\(request.clientAddress)", .recoveryPerAddress)]
        for (key, policy) in keys { try await throttle.check(key, policy) }
        for (key, _) in keys { try await throttle.recordFailure(key) }
    }

    // MARK: Invitations (ACC-4)

    struct InvitationBody: Encodable {
        let token: String
        let accountName: String
        let role: String
        let email: String
        let signedInAs: String?
    }

    private func invitationBody(_ request: Request, token: String) async throws -> (Invitation, InvitationBody) {
        let invitation = try await Team(database: request.db, now: request.now, publicURL: config(request).publicURL).pendingInvitation(token: token)
        let account = try await Account.find(invitation.accountSID, on: request.db)
        let body = InvitationBody(
            token: token, accountName: account?.friendlyName ?? "", role: TeammateRole(rawValue: invitation.roleRaw)?.displayName ?? "",
            email: invitation.email, signedInAs: request.signedIn.flatMap { $0.user.isStaff ? nil : $0.user.username }
        )
        return (invitation, body)
    }

    func invitationPage(request: Request) async throws -> Response {
        let (_, body) = try await invitationBody(request, token: request.query["token"] ?? "")
        return try await request.page("accounts/invitation", title: "Join \(body.accountName)", body)
    }

    func acceptInvitation(request: Request) async throws -> Response {
        let form = request.pageForm()
        let (invitation, body) = try await invitationBody(request, token: form.text("token"))
        let team = Team(database: request.db, now: request.now, publicURL: config(request).publicURL)
        if let session = request.signedIn, !session.user.isStaff {
            try await team.accept(invitation, as: session.user)
            return request.redirect("/console/accounts/\(invitation.accountSID)")
        }
        var errors = FormErrors()
        let fullName = errors.check { () throws(DomainError) in try Validate.displayName(form.text("full_name"), field: "full_name", maximum: 100) }
        let username = errors.check { () throws(DomainError) in try Validate.username(form.text("username")) }
        let password = errors.check { () throws(DomainError) in
            try request.passwordPolicy.check(form.text("password"), context: PasswordContext(
                fullName: form.text("full_name"), email: invitation.email, username: form.text("username"), other: [body.accountName]))
        }
        if let username, try await User.query(on: request.db).filter(\.$username == username).first() != nil {
            errors.add(DomainError(.conflict, "username: \"\(username)\" is taken. Choose another username."))
        }
        guard let fullName, let username, let password, errors.isEmpty else {
            return try await request.page("accounts/invitation", title: "Join \(body.accountName)", body, form: form, errors: errors)
        }
        let hash = try await request.password.async.hash(password)
        let user = User(sid: SID.generate(.user), username: username, email: invitation.email, fullName: fullName, passwordHash: hash, now: request.now)
        try await request.db.transaction { db in
            try await user.create(on: db)
            try await Team(database: db, now: request.now, publicURL: config(request).publicURL).accept(invitation, as: user)
        }
        let response = request.redirect("/console/accounts/\(invitation.accountSID)")
        try await Sessions.start(for: user, stage: .signedIn, request: request, response: response)
        return response
    }
}
