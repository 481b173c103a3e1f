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

    private func service(_ request: Request, _ db: any Database) -> StandingService {
        StandingService(database: db, now: request.now, configuration: request.application.trustDeskConfiguration)
    }

    private func account(_ request: Request) async throws -> Account {
        let sid = try request.sidParameter("accountSid", .account)
        guard let account = try await Account.find(sid.rawValue, on: request.db) else { throw DomainError.notFound("account") }
        return account
    }

    private func audit(_ request: Request, _ user: User, _ action: String, account: String?, detail: String) async throws {
        try await StaffAuditEvent(staff: user.sid, action: action, account: account, detail: detail, at: request.now).create(on: request.db)
    }

    private func respond(_ request: Request, _ account: Account, role: StaffRole) async throws -> Response {
        let records = try await service(request, request.db).history(of: account.sid)
        let open = try await ReviewRequest.query(on: request.db).filter(\.$accountSID == account.sid)
            .filter(\.$status == ReviewRequest.Status.open.rawValue).count()
        let actions = StandingPolicy.actions(from: Standing(stored: account.standing), role: role)
            .filter { $0.reason != .exposedCredentials }
            .map { StandingActionDTO(to: $0.to.rawValue, reason: $0.reason.rawValue, justificationRequired: $0.reason == .banLifted,
                                     caseReferenceRequired: $0.reason == .accountTakeover) }
        let response = Response(status: .ok)
        try response.content.encode(StaffStandingDTO(
            accountSid: account.sid, friendlyName: account.friendlyName, ownerAccountSid: account.ownerAccountSID, standing: account.standing,
            reviewRequestOpen: open > 0, allowedActions: actions, records: records.map { EnforcementRecordDTO($0, forStaff: true) }), using: JSONEncoder.trustDesk)
        return response
    }

    func show(request: Request) async throws -> Response {
        let (user, role) = try request.requireStaffAPIUser()
        do {
            let account = try await account(request)
            try await audit(request, user, "api_view_standing", account: account.sid, detail: "")
            return try await respond(request, account, role: role)
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
            let reference = body.caseReference?.trimmingCharacters(in: .whitespaces)
            if reason == .accountTakeover, (reference ?? "").isEmpty || (reference ?? "").count > 64 {
                throw DomainError(.invalidParameter, "case_reference: a takeover needs the fraud case's reference (up to 64 characters).")
            }
            let decision = StandingDecision(to: to, reason: reason, decider: .staff(sid: user.sid, role: role),
                                            justification: body.justification ?? "", evidence: body.evidence ?? "",
                                            caseReference: reason == .accountTakeover ? reference : nil)
            try await request.db.transaction { db in
                guard let locked = try await Account.find(account.sid, on: db) else { throw DomainError.notFound("account") }
                try await service(request, db).apply(decision, to: locked)
            }
            try await audit(request, user, "api_change_standing", account: account.sid, detail: "\(to.rawValue):\(reason.rawValue) applied")
            return try await respond(request, try await Account.find(account.sid, on: request.db) ?? account, role: role)
        } catch let error as DomainError {
            try await audit(request, user, "api_change_standing", account: accountSID, detail: "refused \(error.code.rawValue)")
            throw error
        }
    }
}
