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

    struct AccountContext {
        let user: User
        let account: Account
        let role: TeammateRole
    }

    struct AccountNavDTO: Encodable {
        let sid: String
        let friendlyName: String
        let status: String
        let isSubaccount: Bool
        let ownerAccountSid: String?
        let role: String
        let canManageCredentials: Bool
        let canManageTeammates: Bool
        let canManageSubaccounts: Bool
        let accounts: [AccountLinkDTO]
        var standingNotice: String? = nil
        var showSwitcher: Bool { accounts.count > 1 }

        enum CodingKeys: String, CodingKey {
            case sid, friendlyName, status, isSubaccount, ownerAccountSid, role, canManageCredentials, canManageTeammates, canManageSubaccounts, accounts, showSwitcher, standingNotice
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(sid, forKey: .sid)
            try container.encode(friendlyName, forKey: .friendlyName)
            try container.encode(status, forKey: .status)
            try container.encode(isSubaccount, forKey: .isSubaccount)
            try container.encodeIfPresent(ownerAccountSid, forKey: .ownerAccountSid)
            try container.encode(role, forKey: .role)
            try container.encode(canManageCredentials, forKey: .canManageCredentials)
            try container.encode(canManageTeammates, forKey: .canManageTeammates)
            try container.encode(canManageSubaccounts, forKey: .canManageSubaccounts)
            try container.encode(accounts, forKey: .accounts)
            try container.encode(showSwitcher, forKey: .showSwitcher)
            try container.encodeIfPresent(standingNotice, forKey: .standingNotice)
        }
    }

    struct AccountLinkDTO: Encodable {
        let sid: String
        let friendlyName: String
        let current: Bool
    }

    private func team(_ request: Request) -> Team {
        Team(database: request.db, now: request.now, publicURL: request.application.trustDeskConfiguration.publicURL)
    }

    private func context(_ request: Request, requiring permission: Permission = .viewAccount) async throws -> AccountContext {
        guard let session = request.signedIn else { throw Abort.redirect(to: "/signin") }
        let sid = try request.sidParameter("accountSid", .account)
        guard let account = try await Account.find(sid.rawValue, on: request.db),
              let role = try await team(request).role(of: session.user.sid, on: account)
        else { throw DomainError.notFound("account") }
        guard role.can(permission) else {
            throw DomainError(.permissionDenied, "Your role (\(role.displayName)) can't do this. Ask the account's owner or an admin.")
        }
        // STD-2: a restricted account's console is read-only (except replacing credentials of a
        // suspended one, which STD-5 needs before reinstatement); a banned or terminated one is closed.
        let standing = Standing(stored: account.standing)
        let rotating = permission == .manageCredentials && standing == .suspended
        if standing.console == ConsoleAccess.none || (standing.console == .readOnly && request.method != .GET && !rotating),
           let refusal = standing.refusal(accountSID: account.sid) {
            throw refusal
        }
        return AccountContext(user: session.user, account: account, role: role)
    }

    private func nav(_ request: Request, _ context: AccountContext) async throws -> AccountNavDTO {
        let accounts = try await team(request).accounts(of: context.user.sid)
        let current = context.account.ownerAccountSID ?? context.account.sid
        var dto = AccountNavDTO(
            sid: context.account.sid, friendlyName: context.account.friendlyName, status: context.account.standing,
            isSubaccount: context.account.isSubaccount, ownerAccountSid: context.account.ownerAccountSID,
            role: context.role.displayName,
            canManageCredentials: context.role.can(.manageCredentials),
            canManageTeammates: context.role.can(.manageTeammates),
            canManageSubaccounts: context.role.can(.manageSubaccounts),
            accounts: accounts.map { AccountLinkDTO(sid: $0.0.sid, friendlyName: $0.0.friendlyName, current: $0.0.sid == current) }
        )
        dto.standingNotice = try await StandingBanner.text(for: context.account, on: request.db)
        return dto
    }

    // MARK: Accounts

    struct NoAccountBody: Encodable {}

    func home(request: Request) async throws -> Response {
        guard let session = request.signedIn else { return request.redirect("/signin") }
        let accounts = try await team(request).accounts(of: session.user.sid)
        // A banned or terminated account's console is closed (STD-8, STD-9): start on one that isn't.
        if let first = accounts.first(where: { Standing(stored: $0.0.standing).console != ConsoleAccess.none }) ?? accounts.first {
            return request.redirect("/console/accounts/\(first.0.sid)")
        }
        return try await request.page("console/no-account", title: "Console", NoAccountBody())
    }

    struct AccountNameForm: Content {
        var accountName: String?
        enum CodingKeys: String, CodingKey { case accountName = "account_name" }
    }

    struct CreatedBody: Encodable {
        let accountSid: String
        let accountName: String
        let username: String
        let authToken: String
    }

    /// A signed-in user creates another account at once: their address is already confirmed
    /// (ACC-3, unified login).
    func createAccount(request: Request) async throws -> Response {
        guard let session = request.signedIn else { return request.redirect("/signin") }
        let form = request.form(AccountNameForm.self, empty: AccountNameForm())
        do {
            let name = try Validate.displayName(form.accountName ?? "", field: "account_name")
            let (account, token) = try await request.db.transaction { db in
                try await Accounts(database: db, now: request.now).createAccount(named: name, owner: session.user)
            }
            return try await request.page("accounts/account-created", title: "Your account is ready",
                                          CreatedBody(accountSid: account.sid, accountName: account.friendlyName, username: session.user.username, authToken: token))
        } catch let error as DomainError {
            return try await request.page("console/no-account", title: "Console", NoAccountBody(), error: error)
        }
    }

    struct OverviewBody: Encodable {
        let account: AccountNavDTO
        let dateCreated: String
        let subaccounts: [SubaccountDTO]
        var hasSubaccounts: Bool
        var createdSubaccount: CreatedSubaccountDTO?
        var friendlyName = ""
    }

    struct SubaccountDTO: Encodable {
        let sid: String
        let friendlyName: String
        let status: String
    }

    struct CreatedSubaccountDTO: Encodable {
        let sid: String
        let authToken: String
    }

    private func overviewBody(_ request: Request, _ context: AccountContext) async throws -> OverviewBody {
        let parent = context.account.ownerAccountSID ?? context.account.sid
        let subs = try await Accounts(database: request.db, now: request.now).subaccounts(of: parent, after: nil, limit: Paging.maximumPageSize)
        return OverviewBody(
            account: try await nav(request, context),
            dateCreated: DateDisplay.utc(context.account.createdAt),
            subaccounts: subs.map { SubaccountDTO(sid: $0.sid, friendlyName: $0.friendlyName, status: $0.standing) },
            hasSubaccounts: !subs.isEmpty
        )
    }

    func overview(request: Request) async throws -> Response {
        let context = try await context(request)
        return try await request.page("console/account", title: context.account.friendlyName, try await overviewBody(request, context))
    }

    struct FriendlyNameForm: Content {
        var friendlyName: String?
        enum CodingKeys: String, CodingKey { case friendlyName = "friendly_name" }
    }

    func createSubaccount(request: Request) async throws -> Response {
        let context = try await context(request, requiring: .manageSubaccounts)
        let name = request.form(FriendlyNameForm.self, empty: FriendlyNameForm()).friendlyName ?? ""
        do {
            let (sub, token) = try await Accounts(database: request.db, now: request.now).createSubaccount(of: context.account, named: name, limits: request.application.trustDeskConfiguration.subaccountLimits)
            var body = try await overviewBody(request, context)
            body.createdSubaccount = CreatedSubaccountDTO(sid: sub.sid, authToken: token)
            return try await request.page("console/account", title: context.account.friendlyName, body,
                                          notice: "Subaccount \(sub.friendlyName) created. Copy its auth token now: it is shown only once.")
        } catch let error as DomainError {
            var body = try await overviewBody(request, context)
            body.friendlyName = String(name.prefix(64))
            return try await request.page("console/account", title: context.account.friendlyName, body, error: error)
        }
    }

    // MARK: Credentials (ACC-7)

    struct CredentialsBody: Encodable {
        let account: AccountNavDTO
        let primaryHint: String
        let primaryCreated: String
        let secondaryHint: String?
        let keys: [KeyRowDTO]
        var newToken: String?
        var newKey: NewKeyDTO?
    }

    struct KeyRowDTO: Encodable {
        let sid: String
        let friendlyName: String
        let dateCreated: String
    }

    struct NewKeyDTO: Encodable {
        let sid: String
        let secret: String
        let friendlyName: String
    }

    private func credentialsBody(_ request: Request, _ context: AccountContext) async throws -> CredentialsBody {
        let keys = try await Credentials(database: request.db, now: request.now).keys(of: context.account.sid, after: nil, limit: Paging.maximumPageSize)
        return CredentialsBody(
            account: try await nav(request, context),
            primaryHint: context.account.primaryTokenHint,
            primaryCreated: DateDisplay.utc(context.account.primaryTokenCreatedAt),
            secondaryHint: context.account.secondaryTokenHint,
            keys: keys.map { KeyRowDTO(sid: $0.sid, friendlyName: $0.friendlyName, dateCreated: DateDisplay.utc($0.createdAt)) }
        )
    }

    private func credentialsPage(_ request: Request, _ context: AccountContext, notice: String? = nil, error: DomainError? = nil,
                                 adjust: (inout CredentialsBody) -> Void = { _ in }) async throws -> Response {
        var body = try await credentialsBody(request, context)
        adjust(&body)
        return try await request.page("console/credentials", title: "Credentials", body, notice: notice, error: error)
    }

    func credentials(request: Request) async throws -> Response {
        let context = try await context(request, requiring: .manageCredentials)
        return try await credentialsPage(request, context)
    }

    func createKey(request: Request) async throws -> Response {
        let context = try await context(request, requiring: .manageCredentials)
        let name = request.form(FriendlyNameForm.self, empty: FriendlyNameForm()).friendlyName ?? ""
        do {
            let (key, secret) = try await Credentials(database: request.db, now: request.now).createKey(for: context.account.sid, friendlyName: name)
            return try await credentialsPage(request, context, notice: "API key created. Copy the secret now: it is shown only once.") {
                $0.newKey = NewKeyDTO(sid: key.sid, secret: secret, friendlyName: key.friendlyName)
            }
        } catch let error as DomainError {
            return try await credentialsPage(request, context, error: error)
        }
    }

    func revokeKey(request: Request) async throws -> Response {
        let context = try await context(request, requiring: .manageCredentials)
        let keySID = try request.sidParameter("keySid", .apiKey)
        try await Credentials(database: request.db, now: request.now).revokeKey(keySID.rawValue, of: context.account.sid)
        return try await credentialsPage(request, context, notice: "API key \(keySID) revoked. Requests that use it now fail.")
    }

    func createSecondaryToken(request: Request) async throws -> Response {
        let context = try await context(request, requiring: .manageCredentials)
        let token = try await Credentials(database: request.db, now: request.now).createSecondaryToken(for: context.account)
        return try await credentialsPage(request, context, notice: "Secondary auth token created. Copy it now: it is shown only once.") {
            $0.newToken = token
        }
    }

    func promoteSecondaryToken(request: Request) async throws -> Response {
        let context = try await context(request, requiring: .manageCredentials)
        do {
            try await Credentials(database: request.db, now: request.now).promoteSecondaryToken(of: context.account)
            return try await credentialsPage(request, context, notice: "The secondary token is now primary. The old primary token no longer works.")
        } catch let error as DomainError {
            return try await credentialsPage(request, context, error: error)
        }
    }

    func deleteSecondaryToken(request: Request) async throws -> Response {
        let context = try await context(request, requiring: .manageCredentials)
        do {
            try await Credentials(database: request.db, now: request.now).deleteSecondaryToken(of: context.account)
            return try await credentialsPage(request, context, notice: "Secondary auth token deleted.")
        } catch let error as DomainError {
            return try await credentialsPage(request, context, error: error)
        }
    }

    // MARK: Teammates (ACC-4)

    struct TeammatesBody: Encodable {
        let account: AccountNavDTO
        let teammates: [TeammateDTO]
        let invitations: [InvitationDTO]
        let assignableRoles: [RoleOptionDTO]
        let viewerIsOwner: Bool
    }

    struct TeammateDTO: Encodable {
        let sid: String
        let username: String
        let fullName: String
        let email: String
        let role: String
        let roleValue: String
        let isOwner: Bool
        let isViewer: Bool
        let twoFactor: Bool
    }

    struct InvitationDTO: Encodable {
        let email: String
        let role: String
        let expires: String
    }

    struct RoleOptionDTO: Encodable {
        let value: String
        let name: String
    }

    /// Teammates belong to the main account; a subaccount's team page shows its parent's.
    private func teamAccount(_ request: Request, _ context: AccountContext) async throws -> Account {
        guard let parentSID = context.account.ownerAccountSID else { return context.account }
        guard let parent = try await Account.find(parentSID, on: request.db) else { throw DomainError.notFound("account") }
        return parent
    }

    private func teammatesPage(_ request: Request, _ context: AccountContext, notice: String? = nil, error: DomainError? = nil) async throws -> Response {
        let account = try await teamAccount(request, context)
        let members = try await team(request).members(of: account.sid)
        let invitations = try await team(request).openInvitations(of: account.sid)
        let body = TeammatesBody(
            account: try await nav(request, context),
            teammates: members.map { member in
                TeammateDTO(sid: member.user.sid, username: member.user.username, fullName: member.user.fullName, email: member.user.email,
                            role: member.membership.role.displayName, roleValue: member.membership.role.rawValue,
                            isOwner: member.membership.role == .owner, isViewer: member.user.sid == context.user.sid,
                            twoFactor: member.user.twoFactorEnabled)
            },
            invitations: invitations.map { InvitationDTO(email: $0.email, role: TeammateRole(rawValue: $0.roleRaw)?.displayName ?? "", expires: DateDisplay.utc($0.expiresAt)) },
            assignableRoles: TeammateRole.assignable.map { RoleOptionDTO(value: $0.rawValue, name: $0.displayName) },
            viewerIsOwner: context.role == .owner
        )
        return try await request.page("console/teammates", title: "Teammates", body, notice: notice, error: error)
    }

    func teammates(request: Request) async throws -> Response {
        let context = try await context(request)
        return try await teammatesPage(request, context)
    }

    struct InviteForm: Content {
        var email: String?
        var role: String?
    }

    struct RoleForm: Content {
        var role: String?
    }

    private func parseRole(_ raw: String?) throws -> TeammateRole {
        guard let raw, let role = TeammateRole(rawValue: raw) else {
            throw DomainError(.invalidParameter, "role: choose one of \(TeammateRole.assignable.map(\.rawValue).joined(separator: ", ")).")
        }
        return role
    }

    /// Runs a team change and shows the team page with its outcome or its error.
    private func teamAction(_ request: Request, notice: String, _ action: (AccountContext, Account) async throws -> Void) async throws -> Response {
        let context = try await context(request)
        do {
            try await action(context, try await teamAccount(request, context))
            return try await teammatesPage(request, context, notice: notice)
        } catch let error as DomainError {
            return try await teammatesPage(request, context, error: error)
        }
    }

    func invite(request: Request) async throws -> Response {
        let form = request.form(InviteForm.self, empty: InviteForm())
        return try await teamAction(request, notice: "Invitation sent.") { context, account in
            try await team(request).invite(email: form.email ?? "", role: try parseRole(form.role), to: account, by: context.user, actorRole: context.role)
        }
    }

    func changeRole(request: Request) async throws -> Response {
        let target = try request.sidParameter("userSid", .user)
        let form = request.form(RoleForm.self, empty: RoleForm())
        return try await teamAction(request, notice: "Role changed.") { context, account in
            try await team(request).changeRole(of: target.rawValue, to: try parseRole(form.role), on: account, actorRole: context.role)
        }
    }

    func removeTeammate(request: Request) async throws -> Response {
        let target = try request.sidParameter("userSid", .user)
        return try await teamAction(request, notice: "Teammate removed.") { context, account in
            try await team(request).remove(target.rawValue, from: account, actorRole: context.role)
        }
    }

    func transferOwnership(request: Request) async throws -> Response {
        let target = try request.sidParameter("userSid", .user)
        return try await teamAction(request, notice: "Ownership transferred. You are now an admin.") { context, account in
            try await team(request).transferOwnership(of: account, from: context.user, to: target.rawValue, actorRole: context.role)
        }
    }
}
