import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The staff JSON API for standing, behind a staff API key (`/v1/Staff/...`):
/// `GET /v1/Staff/Accounts/{AccountSid}/Standing` and `POST` the same path to change it.
/// The caller acts with their staff role; every call, allowed or refused, is a staff audit
/// event (SEC-3). A refused change changes nothing.
struct StaffStandingAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("Accounts", ":accountSid", "Standing", use: show)
        routes.post("Accounts", ":accountSid", "Standing", use: change)
        routes.methodNotAllowed("Accounts", ":accountSid", "Standing", except: [.GET, .POST])
    }

    private func account(_ request: Request) async throws -> Account {
        let sid = try request.sidParameter("accountSid", .account)
        guard let account = try await Account.find(sid.rawValue, on: request.db) else { throw DomainError.notFound("account") }
        return account
    }

    private func audit(_ request: Request, _ user: User, _ action: String, account: String?, detail: String) async throws {
        try await StaffAuditEvent(staff: user.sid, action: action, account: account, detail: detail, at: request.now).create(on: request.db)
    }

    private func respond(_ request: Request, _ account: Account, staff user: User, role: StaffRole) async throws -> Response {
        let records = try await request.standing.history(of: account.sid)
        let people = try await StaffDirectory(database: request.db, now: request.now).people(Set(records.filter { !$0.isAutomated }.map(\.decidedBy)))
        let open = try await ReviewRequest.query(on: request.db).filter(\.$accountSID == account.sid)
            .filter(\.$status == ReviewRequest.Status.open.rawValue).count()
        let subaccounts = try await request.accounts.subaccounts(of: account.sid, after: nil, limit: 1_000)
        let ips = try await DedicatedIPs(database: request.db, now: request.now).held(by: account.sid)
        let decider = StandingDecider.staff(sid: user.sid, role: role)
        let actions = StandingPolicy.actions(from: Standing(stored: account.standing), role: role)
            .filter { $0.reason != .exposedCredentials }
            .map { StandingActionDTO($0, decider: decider) }
        return try await StaffStandingDTO(
            accountSid: account.sid, friendlyName: account.friendlyName, ownerAccountSid: account.ownerAccountSID, standing: account.standing,
            reviewRequestOpen: open > 0,
            confirmationName: StandingGuardRails.confirmationName(friendlyName: account.friendlyName, sid: account.sid),
            subaccounts: subaccounts.map { StaffSubaccountDTO(accountSid: $0.sid, friendlyName: $0.friendlyName, standing: $0.standing) },
            dedicatedIps: ips.map(\.address), allowedActions: actions,
            records: records.map { EnforcementRecordDTO(forStaff: $0, person: people[$0.decidedBy]) }).encodeResponse(for: request)
    }

    func show(request: Request) async throws -> Response {
        let (user, role) = try request.requireStaffAPIUser()
        do {
            let account = try await account(request)
            try await audit(request, user, "api_view_standing", account: account.sid, detail: "")
            return try await respond(request, account, staff: user, role: role)
        } catch let error as DomainError {
            try await audit(request, user, "api_view_standing", account: nil, detail: "refused \(error.code.rawValue): \(request.url.path.prefix(120))")
            throw error
        }
    }

    func change(request: Request) async throws -> Response {
        let (user, role) = try request.requireStaffAPIUser()
        var accountSID: String?
        do {
            let account = try await account(request)
            accountSID = account.sid
            let body = try request.decodeStrict(StandingChangeBody.self)
            guard let to = Standing(rawValue: body.to) else {
                throw DomainError(.invalidParameter, "to: \"\(body.to.prefix(32))\" is not a standing; use one of \(Standing.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            guard let reason = StandingReason(rawValue: body.reason) else {
                throw DomainError(.invalidParameter, "reason: \"\(body.reason.prefix(32))\" is not a standing reason; use one of allowed_actions from GET.")
            }
            guard reason != .exposedCredentials else {
                throw DomainError(.standingChangeNotAllowed, "reason: exposed credentials are reported on the staff standing page, which revokes the credential too.")
            }
            var expected: Standing?
            if let text = body.expectedStanding {
                guard let standing = Standing(rawValue: text) else {
                    throw DomainError(.invalidParameter, "expected_standing: \"\(text.prefix(32))\" is not a standing; use one of \(Standing.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                expected = standing
            }
            // Justification, evidence, case reference and confirmation are the policy's to check
            // (StandingGuardRails), with the same codes as the staff page.
            let decision = StandingDecision(to: to, reason: reason, decider: .staff(sid: user.sid, role: role),
                                            justification: body.justification ?? "", evidence: body.evidence ?? "",
                                            caseReference: body.caseReference, confirmation: body.confirm, expectedFrom: expected)
            try await request.db.transaction { db in
                let standing = request.standing(on: db)
                try await standing.apply(decision, to: try await standing.lockedAccount(account.sid))
            }
            try await audit(request, user, "api_change_standing", account: account.sid, detail: "\(to.rawValue):\(reason.rawValue) applied")
            return try await respond(request, try await Account.find(account.sid, on: request.db) ?? account, staff: user, role: role)
        } catch let error as DomainError {
            try await audit(request, user, "api_change_standing", account: accountSID, detail: "refused \(error.code.rawValue)")
            throw error
        }
    }
}
