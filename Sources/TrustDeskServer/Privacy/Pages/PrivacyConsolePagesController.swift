import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// `/console/privacy` (PRV-2, PRV-3, PRV-7, PRV-9): what is held about the signed-in person and
/// the accounts they own, by category; corrections; marketing opt-in; verified requests
/// (password and, when enrolled, a two-factor code); their requests and the ledger.
struct PrivacyConsolePagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let privacy = routes.grouped("console", "privacy")
        privacy.get(use: show)
        privacy.post("correct", use: correct)
        privacy.post("marketing", use: marketing)
        privacy.post("requests", use: submit)
        privacy.get("email", "confirm", use: emailConfirmPage)
        privacy.post("email", "confirm", use: emailConfirm)
    }

    struct ConsoleView: Encodable {
        let holdings: [HoldingView]
        let fullName: String
        let email: String
        let accounts: [OptionView]
        let ownedAccounts: [OptionView]
        let isOwner: Bool
        let marketingOptIn: Bool
        let restricted: Bool
        let twoFactor: Bool
        let types: [OptionView]
        let scopes: [OptionView]
        let requests: [PrivacyRequestView]
        let ledger: [LedgerEntryView]
        let pendingEmail: String?
    }

    struct Viewer {
        let user: User
        /// Accounts the person may correct the name of (owner or admin).
        let managed: [Account]
        /// Accounts the person owns: an account-wide request is theirs to make.
        let owned: [Account]
    }

    private func viewer(_ request: Request) async throws -> Viewer {
        guard let user = request.signedIn?.user else { throw Abort.redirect(to: "/signin") }
        let team = Team(database: request.db, now: request.now, publicURL: request.application.trustDeskConfiguration.publicURL)
        let accounts = try await team.accounts(of: user.sid)
        return Viewer(user: user, managed: accounts.filter { $0.1.can(.manageTeammates) }.map(\.0), owned: accounts.filter { $0.1 == .owner }.map(\.0))
    }

    private func subject(_ viewer: Viewer) -> DataSubject {
        DataSubject(accountSIDs: viewer.owned.map(\.sid), userSIDs: [viewer.user.sid], emails: [viewer.user.email])
    }

    private func render(_ request: Request, _ viewer: Viewer, notice: String? = nil, form: PageForm? = nil, errors: FormErrors? = nil) async throws -> Response {
        let holdings = try await PrivacyOverview(database: request.db).holdings(of: subject(viewer))
        let preference = try await request.privacyPreferences.preference(of: viewer.user.sid)
        var requests = try await request.privacyRequests.list(user: viewer.user.sid)
        for account in viewer.owned { requests += try await request.privacyRequests.list(account: account.sid) }
        var seen = Set<UUID>()
        requests = requests.filter { seen.insert($0.id ?? UUID()).inserted }.sorted { $0.receivedAt > $1.receivedAt }
        var ledger = try await request.privacyLedger.entries(user: viewer.user.sid)
        for account in viewer.owned { ledger += try await request.privacyLedger.entries(account: account.sid) }
        ledger.sort { $0.at > $1.at }
        let pending = try await EmailChange.query(on: request.db).filter(\.$userSID == viewer.user.sid)
            .filter(\.$confirmedAt == nil).filter(\.$expiresAt > request.now).sort(\.$createdAt, .descending).first()
        let typed = form?.redisplay() ?? [:]
        let chosenType = typed["type"] ?? PrivacyRequestType.export.rawValue
        let chosenScope = typed["scope"] ?? "user"
        let view = ConsoleView(
            holdings: holdings.map(HoldingView.init),
            fullName: typed["full_name"] ?? viewer.user.fullName,
            email: typed["email"] ?? viewer.user.email,
            accounts: viewer.managed.map { OptionView(value: $0.sid, title: "\($0.friendlyName) (\($0.sid))", selected: $0.sid == typed["account_sid"]) },
            ownedAccounts: viewer.owned.map { OptionView(value: $0.sid, title: $0.friendlyName, selected: false) },
            isOwner: !viewer.owned.isEmpty,
            marketingOptIn: preference.marketingOptIn,
            restricted: preference.restrictedAt != nil,
            twoFactor: viewer.user.twoFactorEnabled,
            types: [PrivacyRequestType.export, .access, .deletion, .restriction].map { OptionView(value: $0.rawValue, title: $0.title, selected: $0.rawValue == chosenType) },
            scopes: [OptionView(value: "user", title: "My own data (\(viewer.user.username))", selected: chosenScope == "user")]
                + viewer.owned.map { OptionView(value: $0.sid, title: "Account \($0.friendlyName) and its subaccounts", selected: chosenScope == $0.sid) },
            requests: requests.map { PrivacyRequestView($0, now: request.now) },
            ledger: try ledger.prefix(50).map { try LedgerEntryView($0) },
            pendingEmail: pending?.newEmail
        )
        return try await request.page("privacy/console", title: "Privacy", view, notice: notice, form: form, errors: errors)
    }

    func show(request: Request) async throws -> Response {
        try await render(request, try await viewer(request))
    }

    /// Name, account name and email (the new address confirmed by link) in one form.
    func correct(request: Request) async throws -> Response {
        let viewer = try await viewer(request)
        let form = request.pageForm()
        var errors = FormErrors()
        let name = errors.check("full_name") { () throws(DomainError) -> String in try Validate.displayName(form.text("full_name"), field: "full_name") }
        let email = errors.check("email") { () throws(DomainError) -> String in try Validate.email(form.text("email"), field: "email") }
        var account: Account?
        var accountName: String?
        if let sid = form.trimmed("account_sid") {
            account = errors.check("account_sid") { () throws(DomainError) -> Account in
                guard let found = viewer.managed.first(where: { $0.sid == sid }) else {
                    throw DomainError(.invalidParameter, "account_sid: choose an account you own or administer.")
                }
                return found
            }
            accountName = errors.check("account_name") { () throws(DomainError) -> String in try Validate.displayName(form.text("account_name"), field: "account_name") }
        }
        let profiles = Profiles(database: request.db, now: request.now)
        if let email, email != viewer.user.email {
            _ = try await errors.attempt("email") { try await profiles.checkEmailFree(email, for: viewer.user) }
        }
        guard errors.isEmpty, let name, let email else {
            return try await render(request, viewer, form: form, errors: errors)
        }
        let now = request.now
        let publicURL = request.application.trustDeskConfiguration.publicURL
        let renamed = account.flatMap { account in accountName.map { (account, $0) } }
        let emailChanged = email != viewer.user.email
        try await request.db.transaction { db in
            let profiles = Profiles(database: db, now: now)
            try await profiles.rename(viewer.user, to: name)
            if let renamed { try await profiles.rename(renamed.0, to: renamed.1) }
            if emailChanged {
                let token = Secrets.generate(.link)
                let change = EmailChange()
                change.id = UUID()
                change.userSID = viewer.user.sid
                change.newEmail = email
                change.tokenHash = Secrets.hash(token)
                change.createdAt = now
                change.expiresAt = now.addingTimeInterval(EmailChange.lifetime)
                try await change.create(on: db)
                let mail = PrivacyMail.emailConfirmation(link: "\(publicURL)/console/privacy/email/confirm?token=\(token)")
                try await Outbox(database: db, now: now).enqueue(to: email, subject: mail.subject, body: mail.body, kind: "privacy_email_confirmation")
            }
        }
        let notice = emailChanged
            ? "Your details are saved. We mailed a confirmation link to the new address; your address changes when you open it."
            : "Your details are saved."
        return try await render(request, try await self.viewer(request), notice: notice)
    }

    func marketing(request: Request) async throws -> Response {
        let viewer = try await viewer(request)
        let optIn = request.pageForm().isChecked("marketing_opt_in")
        try await request.privacyPreferences.setMarketing(optIn, for: viewer.user.sid)
        return try await render(request, viewer, notice: optIn ? "You will get news from TrustDesk." : "You are opted out of marketing mail, starting now.")
    }

    /// A verified request: the password again and, when enrolled, a current code (PRV-3).
    func submit(request: Request) async throws -> Response {
        let viewer = try await viewer(request)
        let form = request.pageForm()
        var errors = FormErrors()
        let type = errors.check("type") { () throws(DomainError) -> PrivacyRequestType in try PrivacyRequestType.parse(form.text("type")) }
        let scope = form.text("scope")
        let account = scope == "user" || scope.isEmpty ? nil : viewer.owned.first { $0.sid == scope }
        if scope != "user", !scope.isEmpty, account == nil {
            errors.add(DomainError(.invalidParameter, "scope: choose your own data or an account you own."))
        }
        let hasher = request.password.async(on: request.application.threadPool, hopTo: request.eventLoop)
        let passwordOK = (try? await hasher.verify(form.text("password"), created: viewer.user.passwordHash)) ?? false
        if !passwordOK { errors.add(DomainError(.authenticationFailed, "password: that is not your password.")) }
        if viewer.user.twoFactorEnabled, passwordOK {
            _ = try await errors.attempt("code") {
                try await SignIn(database: request.db, now: request.now, hasher: hasher).checkSecondFactor(user: viewer.user, code: form.text("code"), box: request.application.secretBox)
            }
        }
        guard errors.isEmpty, let type else { return try await render(request, viewer, form: form, errors: errors) }
        let requester = PrivacyRequests.Requester(scope: account == nil ? .user : .account, accountSID: account?.sid, userSID: viewer.user.sid,
                                                  replyTo: viewer.user.email, channel: "console")
        let now = request.now
        let application = request.application
        do {
            _ = try await request.db.transaction { db in
                try await application.privacyRequests(now: now, database: db).submitVerified(type, by: requester)
            }
        } catch let error as DomainError {
            return try await render(request, viewer, form: form, errors: FormErrors(error, field: "type"))
        }
        return try await render(request, viewer, notice: "Request received. We mailed an acknowledgement; it is due within a month, and you can follow it below.")
    }

    struct ConfirmView: Encodable { let token: String }

    func emailConfirmPage(request: Request) async throws -> Response {
        _ = try await viewer(request)
        return try await request.page("privacy/email-confirm", title: "Confirm your new email address", ConfirmView(token: (try? request.query.get(String.self, at: "token")) ?? ""))
    }

    func emailConfirm(request: Request) async throws -> Response {
        let viewer = try await viewer(request)
        let form = request.pageForm()
        let token = form.text("token")
        let now = request.now
        do {
            try await request.db.transaction { db in
                guard Secrets.matchesFormat(token, kind: .link),
                      let change = try await EmailChange.query(on: db).filter(\.$tokenHash == Secrets.hash(token)).first(),
                      change.userSID == viewer.user.sid
                else { throw DomainError(.linkExpired, "This confirmation link is not valid. Ask for the change again.") }
                try SingleUseLink.check(expiresAt: change.expiresAt, usedAt: change.confirmedAt, now: now)
                try await Profiles(database: db, now: now).changeEmail(of: viewer.user.sid, to: change.newEmail)
                change.confirmedAt = now
                try await change.save(on: db)
            }
        } catch let error as DomainError {
            return try await request.page("privacy/email-confirm", title: "Confirm your new email address", ConfirmView(token: token), error: error)
        }
        return try await render(request, try await self.viewer(request), notice: "Your email address is changed.")
    }
}
