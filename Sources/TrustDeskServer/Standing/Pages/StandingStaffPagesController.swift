import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// Staff pages for standing: current standing, history, the changes the viewer's role may
/// make, takeover (STD-4), exposed credentials by hand (STD-5) and review decisions (STD-3).
/// Every change is also a staff audit event (SEC-3).
struct StandingStaffPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let account = routes.grouped("staff", "accounts", ":accountSid", "standing")
        account.get(use: show)
        account.post(use: change)
        account.post("takeover", use: takeover)
        account.post("exposed", use: exposed)
        account.post("ips", use: assignIP)
        account.post("ips", ":ipId", "release", use: releaseIP)
        let reviews = routes.grouped("staff", "standing", "reviews")
        reviews.get(use: listReviews)
        reviews.post(":reviewId", use: decideReview)
    }

    struct ActionView: Encodable {
        let value: String
        let title: String
    }

    struct Body: Encodable {
        let sid: String
        let friendlyName: String
        let standing: String
        let ownerAccountSid: String?
        let role: String
        let actions: [ActionView]
        let hasActions: Bool
        let canEnforce: Bool
        let dedicatedIPs: [IPView]
        let canManageIPs: Bool
        let records: [RecordView]
        var typedAddress = ""
    }

    struct IPView: Encodable {
        let id: String
        let address: String
        let assigned: String
    }

    private func staff(_ request: Request) throws -> (User, StaffRole) {
        guard let user = request.signedIn?.user, let role = user.staffRole else { throw DomainError.notFound("page") }
        return (user, role)
    }

    private func account(_ request: Request) async throws -> Account {
        let sid = try request.sidParameter("accountSid", .account)
        guard let account = try await Account.find(sid.rawValue, on: request.db) else { throw DomainError.notFound("account") }
        return account
    }

    private func service(_ request: Request, _ db: any Database) -> StandingService {
        StandingService(database: db, now: request.now, configuration: request.application.trustDeskConfiguration)
    }

    private func body(_ request: Request, _ account: Account, role: StaffRole) async throws -> Body {
        let records = try await service(request, request.db).history(of: account.sid)
        let ips = try await DedicatedIPs(database: request.db, now: request.now).held(by: account.sid)
        let actions = StandingActionViews.offered(from: Standing(stored: account.standing), role: role)
        return Body(sid: account.sid, friendlyName: account.friendlyName, standing: account.standing, ownerAccountSid: account.ownerAccountSID,
                    role: role.displayName, actions: actions, hasActions: !actions.isEmpty, canEnforce: StandingPolicy.enforcers.contains(role),
                    dedicatedIPs: ips.map { IPView(id: $0.id?.uuidString ?? "", address: $0.address, assigned: DateDisplay.utc($0.assignedAt)) },
                    canManageIPs: DedicatedIPPolicy.managers.contains(role), records: records.map { RecordView($0, forStaff: true) })
    }

    private func render(_ request: Request, _ account: Account, role: StaffRole, notice: String? = nil, error: DomainError? = nil, typedAddress: String = "") async throws -> Response {
        let fresh = try await Account.find(account.sid, on: request.db) ?? account
        var body = try await body(request, fresh, role: role)
        body.typedAddress = typedAddress
        return try await request.page("standing/staff", title: "Standing", body, notice: notice, error: error)
    }

    func show(request: Request) async throws -> Response {
        let (user, role) = try staff(request)
        let account = try await account(request)
        try await StaffDirectory(database: request.db, now: request.now).record(user, action: "view_standing", account: account.sid, detail: "")
        return try await render(request, account, role: role)
    }

    struct ChangeForm: Content {
        var action: String?
        var justification: String?
        var evidence: String?
    }

    func change(request: Request) async throws -> Response {
        let (user, role) = try staff(request)
        let account = try await account(request)
        let form = request.form(ChangeForm.self, empty: ChangeForm())
        do {
            let parts = (form.action ?? "").split(separator: ":").map(String.init)
            guard parts.count == 2, let to = Standing(rawValue: parts[0]), let reason = StandingReason(rawValue: parts[1]) else {
                throw DomainError(.invalidParameter, "action: choose one of the offered changes.")
            }
            let decision = StandingDecision(to: to, reason: reason, decider: .staff(sid: user.sid, role: role),
                                            justification: form.justification ?? "", evidence: form.evidence ?? "")
            try await request.db.transaction { db in
                guard let locked = try await Account.find(account.sid, on: db) else { throw DomainError.notFound("account") }
                try await service(request, db).apply(decision, to: locked)
            }
            return try await render(request, account, role: role, notice: "The account is now \(to.displayName.lowercased()).")
        } catch let error as DomainError {
            return try await render(request, account, role: role, error: error)
        }
    }

    struct TakeoverForm: Content {
        var caseReference: String?
        var revokeCredentials: String?
        enum CodingKeys: String, CodingKey { case caseReference = "case_reference", revokeCredentials = "revoke_credentials" }
    }

    /// STD-4: suspends with a case reference, ends sessions, optionally revokes credentials.
    func takeover(request: Request) async throws -> Response {
        let (user, role) = try staff(request)
        let account = try await account(request)
        let form = request.form(TakeoverForm.self, empty: TakeoverForm())
        do {
            let reference = (form.caseReference ?? "").trimmingCharacters(in: .whitespaces)
            guard !reference.isEmpty, reference.count <= 64 else { throw DomainError(.invalidParameter, "case_reference: give the fraud case's reference (up to 64 characters).") }
            let revoke = form.revokeCredentials == "on"
            let now = request.now
            try await request.db.transaction { db in
                guard let locked = try await Account.find(account.sid, on: db) else { throw DomainError.notFound("account") }
                if revoke { try await TakeoverResponse.revokeCredentials(of: locked, now: now, on: db) }
                try await service(request, db).apply(StandingDecision(
                    to: .suspended, reason: .accountTakeover, decider: .staff(sid: user.sid, role: role),
                    evidence: revoke ? "Every auth token and API key was revoked." : "", caseReference: reference), to: locked)
            }
            return try await render(request, account, role: role, notice: "The account is suspended for account takeover (case \(reference)).")
        } catch let error as DomainError {
            return try await render(request, account, role: role, error: error)
        }
    }

    struct ExposedForm: Content {
        var credential: String?
        var url: String?
    }

    /// STD-5 by hand.
    func exposed(request: Request) async throws -> Response {
        let (user, role) = try staff(request)
        let account = try await account(request)
        let form = request.form(ExposedForm.self, empty: ExposedForm())
        do {
            let url = (form.url ?? "").trimmingCharacters(in: .whitespaces)
            guard !url.isEmpty, url.count <= 500 else { throw DomainError(.invalidParameter, "url: say where the credential was found (up to 500 characters).") }
            guard StandingPolicy.enforcers.union([.consumerTrust]).contains(role) else {
                throw DomainError(.permissionDenied, "\(role.displayName) can't report exposed credentials.")
            }
            try await request.db.transaction { db in
                guard let locked = try await Account.find(account.sid, on: db) else { throw DomainError.notFound("account") }
                let exposed = ExposedCredentials(standing: service(request, db))
                let found = try await exposed.find(credential: (form.credential ?? "").trimmingCharacters(in: .whitespaces), of: locked)
                try await exposed.enforce(found, url: url, source: "staff report", decider: .staff(sid: user.sid, role: role))
            }
            return try await render(request, account, role: role, notice: "The credential is revoked and the account suspended for exposed credentials.")
        } catch let error as DomainError {
            return try await render(request, account, role: role, error: error)
        }
    }

    struct IPForm: Content { var address: String? }

    /// STD-9's dedicated addresses: assigned by trust and safety or an admin, audited.
    func assignIP(request: Request) async throws -> Response {
        let (user, role) = try staff(request)
        let account = try await account(request)
        let typed = String((request.form(IPForm.self, empty: IPForm()).address ?? "").prefix(64))
        let now = request.now
        do {
            let ip = try await request.db.transaction { db in
                guard let locked = try await Account.find(account.sid, on: db) else { throw DomainError.notFound("account") }
                return try await DedicatedIPs(database: db, now: now).assign(typed, to: locked, by: user, role: role)
            }
            return try await render(request, account, role: role, notice: "\(ip.address) is assigned to this account.")
        } catch let error as DomainError {
            return try await render(request, account, role: role, error: error, typedAddress: typed)
        }
    }

    func releaseIP(request: Request) async throws -> Response {
        let (user, role) = try staff(request)
        let account = try await account(request)
        guard let text = request.parameters.get("ipId"), let id = UUID(uuidString: text) else { throw DomainError.notFound("dedicated IP address") }
        let now = request.now
        do {
            let ip = try await request.db.transaction { db in
                try await DedicatedIPs(database: db, now: now).release(id, of: account, by: user, role: role)
            }
            return try await render(request, account, role: role, notice: "\(ip.address) is released.")
        } catch let error as DomainError {
            return try await render(request, account, role: role, error: error)
        }
    }

    struct ReviewsBody: Encodable {
        let reviews: [ReviewView]
        let canDecide: Bool
    }

    func listReviews(request: Request) async throws -> Response {
        let (_, role) = try staff(request)
        let reviews = try await StandingReviews(standing: service(request, request.db)).open()
        return try await request.page("standing/reviews", title: "Review requests",
                                      ReviewsBody(reviews: reviews.map(ReviewView.init), canDecide: StandingPolicy.reviewers.contains(role)))
    }

    struct DecisionForm: Content {
        var decision: String?
        var justification: String?
    }

    func decideReview(request: Request) async throws -> Response {
        let (user, role) = try staff(request)
        guard let text = request.parameters.get("reviewId"), let id = UUID(uuidString: text),
              let review = try await ReviewRequest.find(id, on: request.db)
        else { throw DomainError.notFound("review request") }
        let form = request.form(DecisionForm.self, empty: DecisionForm())
        do {
            guard let decision = form.decision, ["uphold", "reinstate"].contains(decision) else {
                throw DomainError(.invalidParameter, "decision: uphold or reinstate.")
            }
            try await request.db.transaction { db in
                guard let locked = try await ReviewRequest.find(id, on: db) else { throw DomainError.notFound("review request") }
                try await StandingReviews(standing: service(request, db)).decide(locked, reinstate: decision == "reinstate", by: user, justification: form.justification ?? "")
            }
            let reviews = try await StandingReviews(standing: service(request, request.db)).open()
            return try await request.page("standing/reviews", title: "Review requests",
                                          ReviewsBody(reviews: reviews.map(ReviewView.init), canDecide: StandingPolicy.reviewers.contains(role)),
                                          notice: decision == "reinstate" ? "The account \(review.accountSID) is reinstated." : "The decision on \(review.accountSID) is upheld.")
        } catch let error as DomainError {
            let reviews = try await StandingReviews(standing: service(request, request.db)).open()
            return try await request.page("standing/reviews", title: "Review requests",
                                          ReviewsBody(reviews: reviews.map(ReviewView.init), canDecide: StandingPolicy.reviewers.contains(role)), error: error)
        }
    }
}

/// STD-4: revoking every credential of a taken-over account.
enum TakeoverResponse {
    static func revokeCredentials(of account: Account, now: Date, on db: any Database) async throws {
        account.primaryTokenHash = Secrets.hash(Secrets.generate(.authToken))
        account.primaryTokenHint = "revoked"
        account.secondaryTokenHash = nil
        account.secondaryTokenHint = nil
        account.secondaryTokenCreatedAt = nil
        try await account.save(on: db)
        try await APIKey.query(on: db).filter(\.$accountSID == account.sid).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: now).update()
    }
}
