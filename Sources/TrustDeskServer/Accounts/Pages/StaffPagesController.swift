import Fluent
import TrustDeskCore
import Vapor

/// The staff console: find accounts by SID, email, username or name, and see their users.
/// Every search and view is recorded (SEC-3).
struct StaffPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped("staff")
        staff.get { request in request.redirect("/staff/accounts") }
        staff.get("accounts", use: search)
        staff.get("accounts", ":accountSid", use: show)
    }

    private func staffUser(_ request: Request, _ permission: StaffPermission) throws -> User {
        guard let user = request.signedIn?.user, let role = user.staffRole else { throw DomainError.notFound("page") }
        guard role.can(permission) else { throw DomainError(.permissionDenied, "Your staff role can't do this.") }
        return user
    }

    struct SearchBody: Encodable {
        let query: String
        let searched: Bool
        let results: [ResultView]
    }

    struct ResultView: Encodable {
        let sid: String
        let friendlyName: String
        let status: String
        let ownerAccountSid: String?
        let dateCreated: String
    }

    func search(request: Request) async throws -> Response {
        let staff = try staffUser(request, .findAccounts)
        let query: String = request.query["q"] ?? ""
        do {
            let results = try await StaffDirectory(database: request.db, now: request.now).search(query, by: staff)
            return try await request.page("staff/accounts", title: "Find accounts", SearchBody(
                query: String(query.prefix(254)), searched: !query.isEmpty,
                results: results.map { ResultView(sid: $0.sid, friendlyName: $0.friendlyName, status: Standing(stored: $0.standing).displayName, ownerAccountSid: $0.ownerAccountSID, dateCreated: DateDisplay.local($0.createdAt)) }
            ))
        } catch let error as DomainError {
            return try await request.page("staff/accounts", title: "Find accounts", SearchBody(query: String(query.prefix(254)), searched: false, results: []),
                                          errors: FormErrors(error, field: "q"))
        }
    }

    struct AccountBody: Encodable {
        let sid: String
        let friendlyName: String
        let status: String
        let ownerAccountSid: String?
        let dateCreated: String
        let users: [UserView]
        let subaccounts: [ResultView]
        let keyCount: Int
    }

    struct UserView: Encodable {
        let sid: String
        let username: String
        let fullName: String
        let email: String
        let role: String
        let twoFactor: Bool
        let lastSignIn: String
    }

    func show(request: Request) async throws -> Response {
        let staff = try staffUser(request, .viewAccountUsers)
        let sid = try request.sidParameter("accountSid", .account)
        guard let account = try await Account.find(sid.rawValue, on: request.db) else { throw DomainError.notFound("account") }
        try await StaffDirectory(database: request.db, now: request.now).record(staff, action: "view_account", account: account.sid, detail: "")
        let team = request.team
        let members = try await team.members(of: account.ownerAccountSID ?? account.sid)
        let subs = try await request.accounts.subaccounts(of: account.sid, after: nil, limit: Paging.maximumPageSize)
        let keys = try await APIKey.query(on: request.db).filter(\.$accountSID == account.sid).filter(\.$revokedAt == nil).count()
        let body = AccountBody(
            sid: account.sid, friendlyName: account.friendlyName, status: Standing(stored: account.standing).displayName,
            ownerAccountSid: account.ownerAccountSID, dateCreated: DateDisplay.local(account.createdAt),
            users: members.map { UserView(sid: $0.user.sid, username: $0.user.username, fullName: $0.user.fullName, email: $0.user.email,
                                         role: $0.membership.role.displayName, twoFactor: $0.user.twoFactorEnabled,
                                         lastSignIn: $0.user.lastSignInAt.map(DateDisplay.local) ?? "never") },
            subaccounts: subs.map { ResultView(sid: $0.sid, friendlyName: $0.friendlyName, status: Standing(stored: $0.standing).displayName, ownerAccountSid: $0.ownerAccountSID, dateCreated: DateDisplay.local($0.createdAt)) },
            keyCount: keys
        )
        return try await request.page("staff/account", title: account.friendlyName, body)
    }
}
