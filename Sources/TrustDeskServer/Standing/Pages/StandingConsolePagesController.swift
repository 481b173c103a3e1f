import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The customer's standing page: why the account is restricted, its history, and the
/// human-review request (STD-2, STD-3). It stays usable while the console is read-only.
struct StandingConsolePagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let standing = routes.grouped("console", "accounts", ":accountSid", "standing")
        standing.get(use: show)
        standing.post("review", use: requestReview)
        standing.post("close", use: close)
    }

    struct Body: Encodable {
        let sid: String
        let friendlyName: String
        let standing: String
        let standingTitle: String
        let banner: String?
        let records: [RecordView]
        let canRequestReview: Bool
        let openReview: ReviewView?
        let expectation: String
        var canClose = false
    }

    private func context(_ request: Request) async throws -> (User, Account) {
        let (user, account, _) = try await contextWithRole(request)
        return (user, account)
    }

    private func contextWithRole(_ request: Request) async throws -> (User, Account, TeammateRole) {
        guard let session = request.signedIn else { throw Abort.redirect(to: "/signin") }
        let sid = try request.sidParameter("accountSid", .account)
        let team = Team(database: request.db, now: request.now, publicURL: request.application.trustDeskConfiguration.publicURL)
        guard let account = try await Account.find(sid.rawValue, on: request.db),
              let role = try await team.role(of: session.user.sid, on: account)
        else { throw DomainError.notFound("account") }
        if Standing(stored: account.standing) == .banned, let refusal = Standing.banned.refusal(accountSID: account.sid) { throw refusal }
        return (session.user, account, role)
    }

    /// Whether the viewer may close the account (STD-10): its owner, from a standing that allows it.
    private func mayClose(_ account: Account, role: TeammateRole) -> Bool {
        role == .owner && StandingPolicy.paths.contains { $0.reason == .ownerRequest && $0.from.contains(Standing(stored: account.standing)) }
    }

    private func body(_ request: Request, _ account: Account) async throws -> Body {
        let service = StandingService(database: request.db, now: request.now, configuration: request.application.trustDeskConfiguration)
        let records = try await service.history(of: account.sid)
        let open = try await ReviewRequest.query(on: request.db).filter(\.$accountSID == account.sid)
            .filter(\.$status == ReviewRequest.Status.open.rawValue).first()
        let standing = Standing(stored: account.standing)
        return Body(
            sid: account.sid, friendlyName: account.friendlyName, standing: account.standing, standingTitle: standing.displayName,
            banner: try await StandingBanner.text(for: account, on: request.db),
            records: RecordView.forCustomer(records),
            canRequestReview: open == nil && standing != .active && standing != .banned && !records.isEmpty,
            openReview: open.map(ReviewView.init), expectation: ConsumerTrustTopic.expectation
        )
    }

    func show(request: Request) async throws -> Response {
        let (_, account, role) = try await contextWithRole(request)
        var body = try await body(request, account)
        body.canClose = mayClose(account, role: role)
        return try await request.page("standing/console", title: "Account standing", body)
    }

    struct CloseForm: Content { var confirm: String? }

    /// STD-10: the owner closes the account; typing its SID confirms it.
    func close(request: Request) async throws -> Response {
        let (user, account, role) = try await contextWithRole(request)
        let confirm = (request.form(CloseForm.self, empty: CloseForm()).confirm ?? "").trimmingCharacters(in: .whitespaces)
        let configuration = request.application.trustDeskConfiguration
        let now = request.now
        do {
            guard role == .owner else { throw DomainError(.permissionDenied, "Only the account's owner can close it.") }
            guard confirm == account.sid else { throw DomainError(.invalidParameter, "confirm: type the account SID \(account.sid) to close it.") }
            try await request.db.transaction { db in
                guard let fresh = try await Account.find(account.sid, on: db) else { throw DomainError.notFound("account") }
                try await StandingService(database: db, now: now, configuration: configuration)
                    .apply(StandingDecision(to: .closed, reason: .ownerRequest, decider: .owner(sid: user.sid), evidence: "Closed from the console by its owner."), to: fresh)
            }
            let closed = try await Account.find(account.sid, on: request.db) ?? account
            return try await request.page("standing/console", title: "Account standing", try await body(request, closed), notice: "The account is closed.")
        } catch let error as DomainError {
            var body = try await body(request, account)
            body.canClose = mayClose(account, role: role)
            return try await request.page("standing/console", title: "Account standing", body, error: error)
        }
    }

    struct ReviewForm: Content { var message: String? }

    func requestReview(request: Request) async throws -> Response {
        let (user, account) = try await context(request)
        let message = request.form(ReviewForm.self, empty: ReviewForm()).message ?? ""
        let configuration = request.application.trustDeskConfiguration
        let now = request.now
        do {
            try await request.db.transaction { db in
                _ = try await StandingReviews(standing: StandingService(database: db, now: now, configuration: configuration))
                    .request(for: account, by: user, message: message)
            }
            return try await request.page("standing/console", title: "Account standing", try await body(request, account),
                                          notice: "Your review request was sent to Consumer Trust. \(ConsumerTrustTopic.expectation)")
        } catch let error as DomainError {
            return try await request.page("standing/console", title: "Account standing", try await body(request, account), error: error)
        }
    }
}
