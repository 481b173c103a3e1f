import Fluent
import TrustDeskCore
import Vapor

/// The customer console: accounts, subaccounts, credentials and teammates (ACC-2, ACC-4,
/// ACC-7). Every page checks the viewer's role on the account; an account they are not on is
/// "not found" (SEC-3).
struct ConsolePagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let console = routes.grouped("console")
        console.get(use: home)
        console.post("accounts", use: createAccount)
        let account = console.grouped("accounts", ":accountSid")
        account.get(use: overview)
        account.post("subaccounts", use: createSubaccount)
        account.get("credentials", use: credentials)
        account.post("keys", use: createKey)
        account.post("keys", ":keySid", "revoke", use: revokeKey)
        account.post("tokens", "secondary", use: createSecondaryToken)
        account.post("tokens", "promote", use: promoteSecondaryToken)
        account.post("tokens", "secondary", "delete", use: deleteSecondaryToken)
        account.get("teammates", use: teammates)
        account.post("teammates", "invite", use: invite)
        account.post("teammates", ":userSid", "role", use: changeRole)
        account.post("teammates", ":userSid", "remove", use: removeTeammate)
        account.post("teammates", ":userSid", "transfer", use: transferOwnership)
    }

    // MARK: Context

    /// The account header every console page shows: name, standing, the viewer's role, the
    /// account switcher, the standing banner, and what the viewer may do here (`may`, `why`).
    struct AccountNavView: Encodable {
        let sid: String
        let friendlyName: String
        let status: String
        let isSubaccount: Bool
        let ownerAccountSid: String?
        let role: String
        let may: [String: Bool]
        let why: [String: String]
        let accounts: [AccountLinkView]
        let showSwitcher: Bool
        let standingNotice: String?
        /// The account page shown ("overview", "credentials", "teammates", "messaging",
        /// "standing"), so the navigation marks it.
        let section: String
    }

    struct AccountLinkView: Encodable {
        let sid: String
        let friendlyName: String
        let current: Bool
    }

    static func nav(_ request: Request, _ context: ConsoleAccount) async throws -> AccountNavView {
        let accounts = try await request.team.accounts(of: context.user.sid)
        let current = context.account.ownerAccountSID ?? context.account.sid
        let abilities = context.abilities
        return AccountNavView(
            sid: context.account.sid, friendlyName: context.account.friendlyName, status: context.account.standing,
            isSubaccount: context.account.isSubaccount, ownerAccountSid: context.account.ownerAccountSID,
            role: context.role.displayName, may: abilities.may, why: abilities.why,
            accounts: accounts.map { AccountLinkView(sid: $0.0.sid, friendlyName: $0.0.friendlyName, current: $0.0.sid == current) },
            showSwitcher: accounts.count > 1,
            standingNotice: try await StandingBanner.text(for: context.account, on: request.db),
            section: section(of: request.url.path, account: context.account.sid)
        )
    }

    /// The first path segment below the account's own address, or "overview" on that address.
    static func section(of path: String, account sid: String) -> String {
        let base = "/console/accounts/\(sid)/"
        guard path.hasPrefix(base) else { return "overview" }
        return path.dropFirst(base.count).split(separator: "/").first.map(String.init) ?? "overview"
    }

    // MARK: Accounts

    struct NoAccountBody: Encodable {}

    func home(request: Request) async throws -> Response {
        // A banned or terminated account's console is closed (STD-8, STD-9): start on one that isn't.
        let usable = try await request.consoleAccounts(for: .view)
        if let first = usable.first {
            return request.redirect("/console/accounts/\(first.account.sid)")
        }
        return try await request.page("console/no-account", title: "Console", NoAccountBody())
    }

    struct CreatedBody: Encodable {
        let accountSid: String
        let accountName: String
        let username: String
        let authToken: OneTimeSecretView
    }

    /// A signed-in user creates another account at once: their address is already confirmed
    /// (ACC-3, unified login).
    func createAccount(request: Request) async throws -> Response {
        guard let session = request.signedIn else { return request.redirect("/signin") }
        let form = request.pageForm()
        var errors = FormErrors()
        let name = errors.check { () throws(DomainError) in try Validate.displayName(form.text("account_name"), field: "account_name") }
        guard let name, errors.isEmpty else {
            return try await request.page("console/no-account", title: "Console", NoAccountBody(), form: form, errors: errors)
        }
        let (account, token) = try await request.db.transaction { db in
            try await request.accounts(on: db).createAccount(named: name, owner: session.user)
        }
        return try await request.page("accounts/account-created", title: "Your account is ready",
                                      CreatedBody(accountSid: account.sid, accountName: account.friendlyName, username: session.user.username,
                                                  authToken: .authToken(token, id: "auth-token", label: "Primary auth token")))
    }

    struct OverviewBody: Encodable {
        let account: AccountNavView
        let dateCreated: String
        let subaccounts: [SubaccountView]
        let hasSubaccounts: Bool
        var createdSubaccount: CreatedSubaccountView?
    }

    struct SubaccountView: Encodable {
        let sid: String
        let friendlyName: String
        let status: String
    }

    struct CreatedSubaccountView: Encodable {
        let sid: String
        let authToken: OneTimeSecretView
    }

    private func overviewBody(_ request: Request, _ context: ConsoleAccount) async throws -> OverviewBody {
        let parent = context.account.ownerAccountSID ?? context.account.sid
        let subs = try await request.accounts.subaccounts(of: parent, after: nil, limit: Paging.maximumPageSize)
        return OverviewBody(
            account: try await Self.nav(request, context),
            dateCreated: DateDisplay.local(context.account.createdAt),
            subaccounts: subs.map { SubaccountView(sid: $0.sid, friendlyName: $0.friendlyName, status: $0.standing) },
            hasSubaccounts: !subs.isEmpty
        )
    }

    func overview(request: Request) async throws -> Response {
        let context = try await request.consoleAccount(for: .view)
        return try await request.page("console/account", title: context.account.friendlyName, try await overviewBody(request, context))
    }

    func createSubaccount(request: Request) async throws -> Response {
        let context = try await request.consoleAccount(for: .createSubaccount)
        let form = request.pageForm()
        var errors = FormErrors()
        let created = try await errors.attempt {
            try await request.accounts.createSubaccount(of: context.account, named: form.text("friendly_name"),
                                                                                limits: request.application.trustDeskConfiguration.subaccountLimits)
        }
        var body = try await overviewBody(request, context)
        guard let created else {
            return try await request.page("console/account", title: context.account.friendlyName, body, form: form, errors: errors)
        }
        let (sub, token) = created
        body.createdSubaccount = CreatedSubaccountView(sid: sub.sid, authToken: .authToken(token, id: "new-subaccount-token", label: "Auth token of \(sub.friendlyName)"))
        return try await request.page("console/account", title: context.account.friendlyName, body,
                                      notice: "Subaccount \(sub.friendlyName) created. Copy its auth token now: it is shown only once.")
    }

    // MARK: Credentials (ACC-7)

    struct CredentialsBody: Encodable {
        let account: AccountNavView
        let primaryHint: String
        let primaryCreated: String
        let secondaryHint: String?
        let keys: [KeyRowView]
        var newToken: OneTimeSecretView?
        var newKey: NewKeyView?
    }

    struct KeyRowView: Encodable {
        let sid: String
        let friendlyName: String
        let dateCreated: String
        /// To the hour (`KeyUse`); nil until the key signs its first request.
        let lastUsed: String?
    }

    struct NewKeyView: Encodable {
        let sid: String
        let secret: OneTimeSecretView
        let friendlyName: String
    }

    private func credentialsPage(_ request: Request, _ context: ConsoleAccount, notice: String? = nil, error: DomainError? = nil,
                                 form: PageForm? = nil, errors: FormErrors? = nil,
                                 adjust: (inout CredentialsBody) -> Void = { _ in }) async throws -> Response {
        let keys = try await request.credentials.keys(of: context.account.sid, after: nil, limit: Paging.maximumPageSize)
        var body = CredentialsBody(
            account: try await Self.nav(request, context),
            primaryHint: context.account.primaryTokenHint,
            primaryCreated: DateDisplay.local(context.account.primaryTokenCreatedAt),
            secondaryHint: context.account.secondaryTokenHint,
            keys: keys.map { KeyRowView(sid: $0.sid, friendlyName: $0.friendlyName, dateCreated: DateDisplay.local($0.createdAt),
                                        lastUsed: $0.lastUsedAt.map(DateDisplay.local)) }
        )
        adjust(&body)
        return try await request.page("console/credentials", title: "Credentials", body, notice: notice, error: error, form: form, errors: errors)
    }

    func credentials(request: Request) async throws -> Response {
        let context = try await request.consoleAccount(for: .viewCredentials)
        return try await credentialsPage(request, context)
    }

    func createKey(request: Request) async throws -> Response {
        let context = try await request.consoleAccount(for: .manageCredentials)
        let form = request.pageForm()
        var errors = FormErrors()
        let created = try await errors.attempt {
            try await request.credentials.createKey(for: context.account.sid, friendlyName: form.text("friendly_name"))
        }
        guard let created else {
            return try await credentialsPage(request, context, form: form, errors: errors)
        }
        let (key, secret) = created
        return try await credentialsPage(request, context, notice: "API key created. Copy the secret now: it is shown only once.") {
            $0.newKey = NewKeyView(sid: key.sid, secret: .keySecret(secret, id: "key-secret"), friendlyName: key.friendlyName)
        }
    }

    /// Answers with the confirmation step first (`ConsoleConfirmation`); only its form revokes.
    func revokeKey(request: Request) async throws -> Response {
        let context = try await request.consoleAccount(for: .manageCredentials)
        let keySID = try request.sidParameter("keySid", .apiKey)
        let credentials = request.credentials
        let key = try await credentials.key(keySID.rawValue, of: context.account.sid)
        guard ConsoleConfirmation.isConfirmed(request.pageForm(), for: key.sid) else {
            return try await request.page("console/confirm", title: "Revoke \(key.friendlyName)?",
                                          ConsoleConfirmation.revokeKey(key, account: try await Self.nav(request, context)))
        }
        try await credentials.revokeKey(key.sid, of: context.account.sid)
        return try await credentialsPage(request, context, notice: "API key \(key.friendlyName) (\(key.sid)) revoked. Requests that use it now fail.")
    }

    func createSecondaryToken(request: Request) async throws -> Response {
        let context = try await request.consoleAccount(for: .manageCredentials)
        let token = try await request.credentials.createSecondaryToken(for: context.account)
        return try await credentialsPage(request, context, notice: "Secondary auth token created. Copy it now: it is shown only once.") {
            $0.newToken = .authToken(token, id: "new-token", label: "New secondary auth token")
        }
    }

    func promoteSecondaryToken(request: Request) async throws -> Response {
        let context = try await request.consoleAccount(for: .manageCredentials)
        do {
            try await request.credentials.promoteSecondaryToken(of: context.account)
            return try await credentialsPage(request, context, notice: "The secondary token is now primary. The old primary token no longer works.")
        } catch let error as DomainError {
            return try await credentialsPage(request, context, error: error)
        }
    }

    func deleteSecondaryToken(request: Request) async throws -> Response {
        let context = try await request.consoleAccount(for: .manageCredentials)
        do {
            try await request.credentials.deleteSecondaryToken(of: context.account)
            return try await credentialsPage(request, context, notice: "Secondary auth token deleted.")
        } catch let error as DomainError {
            return try await credentialsPage(request, context, error: error)
        }
    }

    // MARK: Teammates (ACC-4)

    struct TeammatesBody: Encodable {
        let account: AccountNavView
        let teammates: [TeammateView]
        let invitations: [InvitationView]
        let assignableRoles: [RoleOptionView]
        /// The invitation's role: as chosen before a refusal, else the least-privileged one.
        let inviteRole: String
        let viewerIsOwner: Bool
    }

    struct TeammateView: Encodable {
        let sid: String
        let username: String
        let fullName: String
        let email: String
        let role: String
        /// The role the row's select shows: the one just chosen when that change was refused.
        let roleValue: String
        let isOwner: Bool
        let isViewer: Bool
        let twoFactor: Bool
        /// Why the role change or removal of this teammate was refused, beside the row.
        let error: String?
    }

    struct InvitationView: Encodable {
        let email: String
        let role: String
        let expires: String
    }

    struct RoleOptionView: Encodable {
        let value: String
        let name: String
    }

    /// Teammates belong to the main account; a subaccount's team page shows its parent's.
    private func teamAccount(_ request: Request, _ context: ConsoleAccount) async throws -> Account {
        guard let parentSID = context.account.ownerAccountSID else { return context.account }
        guard let parent = try await Account.find(parentSID, on: request.db) else { throw DomainError.notFound("account") }
        return parent
    }

    /// The team page. After a refused change, `form` and `errors` come back: the invitation
    /// form's (scope "invite"), or one teammate row's (`row`).
    private func teammatesPage(_ request: Request, _ context: ConsoleAccount, notice: String? = nil,
                               form: PageForm? = nil, errors: FormErrors? = nil, scope: String? = nil, row: String? = nil) async throws -> Response {
        let account = try await teamAccount(request, context)
        let members = try await request.team.members(of: account.sid)
        let invitations = try await request.team.openInvitations(of: account.sid)
        let body = TeammatesBody(
            account: try await Self.nav(request, context),
            teammates: members.map { member in
                let isRow = row == member.user.sid
                return TeammateView(sid: member.user.sid, username: member.user.username, fullName: member.user.fullName, email: member.user.email,
                                    role: member.membership.role.displayName,
                                    roleValue: isRow ? form?.shown("role", else: member.membership.role.rawValue) ?? member.membership.role.rawValue : member.membership.role.rawValue,
                                    isOwner: member.membership.role == .owner, isViewer: member.user.sid == context.user.sid,
                                    twoFactor: member.user.twoFactorEnabled, error: isRow ? errors?.first?.detail : nil)
            },
            invitations: invitations.map { InvitationView(email: $0.email, role: TeammateRole(rawValue: $0.roleRaw)?.displayName ?? "", expires: DateDisplay.local($0.expiresAt)) },
            assignableRoles: TeammateRole.assignable.map { RoleOptionView(value: $0.rawValue, name: $0.displayName) },
            inviteRole: (scope == "invite" ? form?["role"] : nil) ?? TeamPolicy.defaultInvitationRole.rawValue,
            viewerIsOwner: context.role == .owner
        )
        return try await request.page("console/teammates", title: "Teammates", body, notice: notice,
                                      form: row == nil ? form : nil, errors: errors, scope: scope ?? row)
    }

    func teammates(request: Request) async throws -> Response {
        let context = try await request.consoleAccount(for: .view)
        return try await teammatesPage(request, context)
    }

    private func parseRole(_ raw: String) throws(DomainError) -> TeammateRole {
        guard let role = TeammateRole(rawValue: raw) else {
            throw DomainError(.invalidParameter, "role: choose one of \(TeammateRole.assignable.map(\.rawValue).joined(separator: ", ")).")
        }
        return role
    }

    /// Runs a team change and shows the team page with its outcome or its errors, beside the
    /// invitation form or the teammate's row; or, when the change returns one, its
    /// confirmation step, having changed nothing.
    private func teamAction(_ request: Request, notice: String, scope: String? = nil, row: String? = nil,
                            _ action: (ConsoleAccount, Account, PageForm, inout FormErrors) async throws -> ConfirmActionView?) async throws -> Response {
        let context = try await request.consoleAccount(for: .manageTeammates)
        let form = request.pageForm()
        var errors = FormErrors()
        do {
            if let confirmation = try await action(context, try await teamAccount(request, context), form, &errors) {
                return try await request.page("console/confirm", title: confirmation.heading, confirmation)
            }
        } catch let error as DomainError {
            errors.add(error)
        }
        guard errors.isEmpty else {
            return try await teammatesPage(request, context, form: form, errors: errors, scope: scope, row: row)
        }
        return try await teammatesPage(request, context, notice: notice)
    }

    func invite(request: Request) async throws -> Response {
        try await teamAction(request, notice: "Invitation sent.", scope: "invite") { context, account, form, errors in
            let role = errors.check { () throws(DomainError) in try parseRole(form.text("role")) }
            guard let role else {
                errors.check { () throws(DomainError) in _ = try Validate.email(form.text("email")) }
                return nil
            }
            try await request.team.invite(email: form.text("email"), role: role, to: account, by: context.user, actorRole: context.role)
            return nil
        }
    }

    func changeRole(request: Request) async throws -> Response {
        let target = try request.sidParameter("userSid", .user)
        return try await teamAction(request, notice: "Role changed.", row: target.rawValue) { context, account, form, errors in
            let role = errors.check { () throws(DomainError) in try parseRole(form.text("role")) }
            guard let role else { return nil }
            try await request.team.changeRole(of: target.rawValue, to: role, on: account, actorRole: context.role)
            return nil
        }
    }

    /// A refusal (the owner, someone not on the team) shows at once beside the row; otherwise
    /// the confirmation step comes first and only its form removes.
    func removeTeammate(request: Request) async throws -> Response {
        let target = try request.sidParameter("userSid", .user)
        return try await teamAction(request, notice: "Teammate removed.", row: target.rawValue) { context, account, form, _ in
            let teammate = try await request.team.removal(of: target.rawValue, from: account, actorRole: context.role)
            guard ConsoleConfirmation.isConfirmed(form, for: target.rawValue) else {
                return ConsoleConfirmation.removeTeammate(teammate, team: account, account: try await Self.nav(request, context))
            }
            try await request.team.remove(target.rawValue, from: account, actorRole: context.role)
            return nil
        }
    }

    func transferOwnership(request: Request) async throws -> Response {
        let target = try request.sidParameter("userSid", .user)
        return try await teamAction(request, notice: "Ownership transferred. You are now an admin.", row: target.rawValue) { context, account, form, _ in
            let teammate = try await request.team.transfer(of: account, from: context.user, to: target.rawValue, actorRole: context.role)
            guard ConsoleConfirmation.isConfirmed(form, for: target.rawValue) else {
                return ConsoleConfirmation.transferOwnership(to: teammate, team: account, account: try await Self.nav(request, context))
            }
            try await request.team.transferOwnership(of: account, from: context.user, to: target.rawValue, actorRole: context.role)
            return nil
        }
    }
}
