import Fluent
import Foundation
import SQLKit
import TrustDeskCore
import Vapor

/// Trust and safety's pages: accounts near or at their cap, open requests (PT-10), and per
/// account the score history with explanations, limit, overrides and usage. Every view and
/// decision is recorded (SEC-3).
struct TrustStaffPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let trust = routes.grouped("staff", "trust")
        trust.get(use: overview)
        trust.get("accounts", ":accountSid", use: account)
        trust.post("accounts", ":accountSid", "override", use: override)
        trust.post("requests", ":requestID", "decide", use: decide)
        trust.post("tickets", ":number", "decide", use: decideOnTicket)
    }

    private func staff(_ request: Request) throws -> User {
        guard let user = request.signedIn?.user, let role = user.staffRole else { throw DomainError.notFound("page") }
        guard StaffPage.progressiveTrust.mayOpen(role) else { throw DomainError(.permissionDenied, "Progressive Trust pages are for Trust & Safety staff.") }
        return user
    }

    private func policies(_ request: Request) -> TrustPolicies {
        TrustPolicies(database: request.db, now: request.now, scores: request.application.trustScores(now: request.now, database: request.db))
    }

    struct NearCapView: Encodable {
        let sid: String
        let score: Int
        let limit: Int
        let used: Int
        let percent: Int
    }

    struct RequestView: Encodable {
        let id: String
        let accountSid: String
        let kind: String
        let amount: Int?
        let dates: String
        let reason: String
        let created: String
        let ticketNumber: Int?
        let status: String
        /// The row's decision form: as typed when it was sent back with problems.
        let form: [String: String]
        /// Field -> problem, for this row's form only.
        let errors: [String: String]
    }

    /// A row's decision form is scoped by its request, so its fields and their problems
    /// never show on another row's form.
    static func rowScope(_ id: UUID) -> String { "request_\(id.uuidString.lowercased())" }

    struct OverviewBody: Encodable {
        let nearCap: [NearCapView]
        let requests: [RequestView]
    }

    /// Accounts that used 80% or more of their computed limit in the current window.
    func nearCap(_ request: Request) async throws -> [NearCapView] {
        try await request.trustContext.ledger.nearCap().map { account in
            NearCapView(sid: account.sid, score: account.score, limit: account.limit, used: account.used, percent: account.percent)
        }
    }

    func overview(request: Request) async throws -> Response {
        _ = try staff(request)
        let open = try await TrustRequest.query(on: request.db).filter(\.$status == "open").sort(\.$createdAt).limit(200).all()
        return try await request.page("trust/staff-overview", title: "Progressive Trust", OverviewBody(
            nearCap: try await nearCap(request),
            requests: open.map(Self.requestView)
        ))
    }

    static func requestView(_ row: TrustRequest) -> RequestView {
        requestView(row, sent: nil)
    }

    static func requestView(_ row: TrustRequest, sent: (PageForm, FormErrors)?) -> RequestView {
        var form = ["limit": row.amount.map(String.init) ?? ""]
        if let sent { form = sent.0.redisplay() }
        return RequestView(id: row.id?.uuidString.lowercased() ?? "", accountSid: row.accountSID,
                          kind: row.kind, amount: row.amount,
                          dates: row.startsOn.map { "\(UTCDay.key($0)) to \(row.endsOn.map(UTCDay.key) ?? "")" } ?? "",
                          reason: row.reason, created: DateDisplay.local(row.createdAt), ticketNumber: row.ticketNumber, status: row.status,
                          form: form, errors: sent?.1.byField ?? [:])
    }

    struct HistoryView: Encodable {
        let at: String
        let score: Int
        let limit: String
        let source: String
        let factors: String
    }

    struct AccountBody: Encodable {
        let sid: String
        let friendlyName: String
        let standing: String
        let score: Int
        let limit: String
        let used: String
        let remaining: String
        let overrideText: String?
        let chart: UsageChartView
        let factors: [TrustConsolePagesController.FactorView]
        let history: [HistoryView]
        let requests: [RequestView]
        let decided: [RequestView]
    }

    func account(request: Request) async throws -> Response {
        try await renderAccount(request)
    }

    private func renderAccount(_ request: Request, notice: String? = nil, form: PageForm? = nil, errors: FormErrors? = nil) async throws -> Response {
        let user = try staff(request)
        let sid = try request.sidParameter("accountSid", .account)
        guard let account = try await Account.find(sid.rawValue, on: request.db) else { throw DomainError.notFound("account") }
        let scores = request.application.trustScores(now: request.now, database: request.db)
        let (profile, usage) = try await TrustPolicies(database: request.db, now: request.now, scores: scores).usage(account, outstanding: request.application.admissionDesk.outstanding(account.sid))
        let history = try await TrustScoreRecord.query(on: request.db).filter(\.$accountSID == account.sid)
            .sort(\.$createdAt, .descending).limit(60).all()
        let requests = try await TrustRequest.query(on: request.db).filter(\.$accountSID == account.sid)
            .sort(\.$createdAt, .descending).limit(50).all()
        let window = MessageLimitRule.averageWindow(endingBefore: request.now)
        let days = try await scores.ledger.dailyVolumes(account.sid, from: window.start, to: window.end)
        try await StaffAuditEvent(staff: user.sid, action: "view_trust_profile", account: account.sid, detail: "", at: request.now).create(on: request.db)
        var overrideText: String?
        if profile.overrideActive(at: request.now) {
            let what = profile.overrideLimit.map { "limit \($0)" } ?? profile.overrideScore.map { "score \($0)" } ?? ""
            overrideText = "\(what) until \(profile.overrideUntil.map(DateDisplay.local) ?? "")"
        }
        let body = AccountBody(
            sid: account.sid, friendlyName: account.friendlyName, standing: Standing(stored: account.standing).displayName, score: usage.score,
            limit: usage.limit.map(NumberDisplay.grouped) ?? "unlimited", used: NumberDisplay.grouped(usage.used),
            remaining: usage.remaining.map(NumberDisplay.grouped) ?? "unlimited", overrideText: overrideText,
            chart: UsageChartView(id: "trust-chart", days: days, limit: usage.limit, average: profile.averageDailyVolume),
            factors: usage.explanation.factors.map { .init(name: $0.key.replacingOccurrences(of: "_", with: " "), value: $0.value, points: $0.points, maximum: $0.maximum) },
            history: try history.map { record in
                let explanation = try StoredJSON.decode(ScoreExplanation.self, record.explanation, table: TrustScoreRecord.schema, column: "explanation",
                                                        row: record.id?.uuidString.lowercased() ?? "")
                return HistoryView(at: DateDisplay.local(record.createdAt), score: record.score, limit: record.dailyLimit.map(String.init) ?? "unlimited",
                                  source: record.source,
                                  factors: explanation.factors.filter { $0.points > 0 }.map { "\($0.key) \($0.points)" }.joined(separator: ", "))
            },
            requests: requests.filter { $0.status == "open" }.map(Self.requestView),
            decided: requests.filter { $0.status != "open" }.map(Self.requestView)
        )
        return try await request.page("trust/staff-account", title: "Progressive Trust: \(account.friendlyName)", body, notice: notice,
                                      form: form, errors: errors, scope: "override")
    }

    /// A direct limit override by staff (the same audit as an approved request).
    func override(request: Request) async throws -> Response {
        let user = try staff(request)
        let sid = try request.sidParameter("accountSid", .account)
        guard let account = try await Account.find(sid.rawValue, on: request.db) else { throw DomainError.notFound("account") }
        let form = request.pageForm()
        var errors = FormErrors()
        // Not a whole number reads as none; the request's own check then says what is wanted,
        // with every other problem of the form, in the form's own field names.
        let limit = form.trimmed("limit").flatMap { Int($0.replacingOccurrences(of: ",", with: "")) }
        let policies = self.policies(request)
        try await errors.attempt(renaming: ["amount": "limit", "reason": "note"]) {
            // A staff-initiated override has no customer conversation, so no ticket.
            let created = try await policies.request(account, kind: TrustSafetyTopic.moreMessages.rawValue, amount: limit, startsOn: form["starts_on"],
                                                     endsOn: form["ends_on"], reason: form.text("note"), by: user.sid, ticketFor: nil)
            try await policies.decide(created, .init(approve: true, limit: created.amount, note: form.text("note")), staff: user)
        }
        guard errors.isEmpty else { return try await renderAccount(request, form: form, errors: errors) }
        return try await renderAccount(request, notice: "Override applied; every node uses it within seconds.")
    }

    /// A decision form as typed: approve or decline, and for an approval what it grants.
    /// Every field is checked; the decision's own checks (note, dates, score) follow in
    /// `TrustPolicies.decide`.
    static func decision(_ form: PageForm) throws(DomainError) -> TrustPolicies.Decision {
        var checks = FieldChecks()
        let decision = checks.run { () throws(DomainError) in
            guard let decision = form["decision"], ["approve", "decline"].contains(decision) else {
                throw DomainError(.invalidParameter, "decision: approve or decline.")
            }
            return decision
        }
        var limit: Int?
        if let text = form.trimmed("limit")?.replacingOccurrences(of: ",", with: "") {
            limit = checks.run { () throws(DomainError) in
                guard let parsed = Int(text) else { throw DomainError(.invalidParameter, "limit: the granted daily limit, a whole number.") }
                return parsed
            }
        }
        try checks.finish()
        return TrustPolicies.Decision(approve: decision == "approve", limit: limit, startsOn: form["starts_on"], endsOn: form["ends_on"],
                                      score: form["score"].flatMap { Int($0) }, note: form.text("note"))
    }

    func decide(request: Request) async throws -> Response {
        let user = try staff(request)
        guard let id = request.parameters.get("requestID").flatMap(UUID.init(uuidString:)),
              let row = try await TrustRequest.find(id, on: request.db) else { throw DomainError.notFound("request") }
        let form = request.pageForm()
        var errors = FormErrors()
        try await errors.attempt { try await policies(request).decide(row, try Self.decision(form), staff: user) }
        guard errors.isEmpty else {
            let open = try await TrustRequest.query(on: request.db).filter(\.$status == "open").sort(\.$createdAt).limit(200).all()
            return try await request.page("trust/staff-overview", title: "Progressive Trust", OverviewBody(
                nearCap: try await nearCap(request),
                requests: open.map { Self.requestView($0, sent: $0.id == id ? (form, errors) : nil) }
            ), errors: errors, scope: Self.rowScope(id))
        }
        return request.redirect("/staff/trust/accounts/\(row.accountSID)")
    }

    /// PT-10 from the ticket page: decides the request the ticket carries, then back to the
    /// ticket: its panel shows the decision, or the form as typed with the error (the ticket
    /// page is Support's; it shows the form again from the session's `FormFlash`). Any staff
    /// member can open the ticket; only Trust & Safety may decide (`TrustRequestPolicy`).
    func decideOnTicket(request: Request) async throws -> Response {
        guard let browser = request.signedIn, browser.user.isStaff else { throw DomainError.notFound("page") }
        let user = browser.user
        guard let number = request.parameters.get("number").flatMap({ Int($0) }),
              try await Ticket.find(number, on: request.db) != nil,
              let row = try await TrustRequest.query(on: request.db).filter(\.$ticketNumber == number).first()
        else { throw DomainError.notFound("ticket") }
        let form = request.pageForm()
        var errors = FormErrors()
        try await errors.attempt { try await policies(request).decide(row, try Self.decision(form), staff: user) }
        guard errors.isEmpty else {
            let scope = form["decision"] == "decline" ? "decline" : "approve"
            return try await request.redirect("/staff/support/tickets/\(number)#trust-request-panel", keeping: form, errors: errors,
                                              scope: scope, in: browser)
        }
        return request.redirect("/staff/support/tickets/\(number)#trust-request-panel")
    }
}
