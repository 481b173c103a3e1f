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
        let account: ConsolePagesController.AccountNavView
        let sid: String
        let friendlyName: String
        let standing: String
        let standingTitle: String
        let records: [RecordView]
        /// The review form shows only when a request can succeed: the standing allows one
        /// (`ConsolePolicy`), there is a decision to review and none is open.
        let canRequestReview: Bool
        /// Why not, in words, when the form is not shown.
        let reviewUnavailable: String?
        let openReview: ReviewView?
        let expectation: String
    }

    private func body(_ request: Request, _ context: ConsoleAccount) async throws -> Body {
        let account = context.account
        let service = StandingService(database: request.db, now: request.now, configuration: request.application.trustDeskConfiguration)
        let records = try await service.history(of: account.sid)
        let open = try await ReviewRequest.query(on: request.db).filter(\.$accountSID == account.sid)
            .filter(\.$status == ReviewRequest.Status.open.rawValue).first()
        let unavailable: String? = if let refusal = context.refusal(.requestReview) {
            refusal.message
        } else if open != nil {
            nil
        } else if records.isEmpty {
            "There is no decision on this account to review."
        } else {
            nil
        }
        return Body(
            account: try await ConsolePagesController.nav(request, context),
            sid: account.sid, friendlyName: account.friendlyName, standing: account.standing,
            standingTitle: Standing(stored: account.standing).displayName,
            records: RecordView.forCustomer(records),
            canRequestReview: unavailable == nil && open == nil, reviewUnavailable: unavailable,
            openReview: open.map(ReviewView.init), expectation: ConsumerTrustTopic.expectation
        )
    }

    private func render(_ request: Request, _ context: ConsoleAccount, notice: String? = nil,
                        form: PageForm? = nil, errors: FormErrors? = nil) async throws -> Response {
        try await request.page("standing/console", title: "Account standing", try await body(request, context),
                               notice: notice, form: form, errors: errors)
    }

    func show(request: Request) async throws -> Response {
        try await render(request, try await request.consoleAccount(for: .viewStanding))
    }

    /// STD-10: the owner closes the account. The first post changes nothing and answers with
    /// what closing does; that step's form, with the account's name typed exactly, closes it. A
    /// wrong name changes nothing and says why beside the field, keeping what was typed.
    func close(request: Request) async throws -> Response {
        let context = try await request.consoleAccount(for: .closeAccount)
        let form = request.pageForm()
        let account = context.account
        let decision = StandingDecision(to: .closed, reason: .ownerRequest, decider: .owner(sid: context.user.sid),
                                        evidence: "Closed from the console by its owner.", expectedFrom: Standing(stored: account.standing))
        var errors = FormErrors()
        let impact: StandingImpact
        do {
            impact = try await request.standing.preview(decision, of: account)
        } catch let error as DomainError {
            errors.add(error)
            return try await render(request, context, form: form, errors: errors)
        }
        let confirmName = impact.change.accountName
        if let typed = form["confirm"] {
            errors.check("confirm") { () throws(DomainError) in
                try StandingGuardRails.confirmation(typed, accountName: confirmName, for: .ownerClosing)
            }
        }
        guard form["confirm"] != nil, errors.isEmpty else {
            let subaccounts = try await request.accounts.subaccounts(of: account.sid, after: nil, limit: Paging.maximumPageSize)
            let view = CloseConfirmView(impact, subaccounts: subaccounts, account: try await ConsolePagesController.nav(request, context),
                                        policy: request.application.trustDeskConfiguration.retentionPolicy)
            return try await request.page("standing/close", title: "Close \(account.friendlyName)?", view, form: form, errors: errors)
        }
        try await errors.attempt {
            try await request.db.transaction { db in
                let standing = request.standing(on: db)
                try await standing.apply(decision, to: try await standing.lockedAccount(account.sid))
            }
        }
        guard errors.isEmpty else { return try await render(request, context, form: form, errors: errors) }
        let closed = try await Account.find(account.sid, on: request.db) ?? account
        return try await render(request, ConsoleAccount(user: context.user, account: closed, role: context.role), notice: "The account is closed.")
    }

    func requestReview(request: Request) async throws -> Response {
        let context = try await request.consoleAccount(for: .requestReview)
        let form = request.pageForm()
        let configuration = request.application.trustDeskConfiguration
        let now = request.now
        var errors = FormErrors()
        try await errors.attempt {
            try await request.db.transaction { db in
                _ = try await StandingReviews(standing: StandingService(database: db, now: now, configuration: configuration))
                    .request(for: context.account, by: context.user, message: form.text("message"))
            }
        }
        guard errors.isEmpty else { return try await render(request, context, form: form, errors: errors) }
        return try await render(request, context, notice: "Your review request was sent to Consumer Trust. \(ConsumerTrustTopic.expectation)")
    }
}
