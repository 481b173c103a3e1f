import Fluent
import Foundation
import SQLKit
import TrustDeskCore
import Vapor

/// Trust and safety's pages: accounts near or at their cap, open requests (PT-10), and per
/// account the score history with explanations, limit, overrides and usage. Every view and
/// decision is recorded (SEC-3).
struct TrustStaffPagesController: RouteCollection {
    static let roles: Set<StaffRole> = TrustRequestPolicy.deciders

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
        guard Self.roles.contains(role) else { throw DomainError(.permissionDenied, "Progressive Trust pages are for Trust & Safety staff.") }
        return user
    }

    private func policies(_ request: Request) -> TrustPolicies {
        TrustPolicies(database: request.db, now: request.now, scores: request.application.trustScores(now: request.now, database: request.db))
    }

    struct NearCapDTO: Encodable {
        let sid: String
        let score: Int
        let limit: Int
        let used: Int
        let percent: Int
    }

    struct RequestDTO: Encodable {
        let id: String
        let accountSid: String
        let kind: String
        let amount: Int?
        let dates: String
        let reason: String
        let created: String
        let ticketNumber: Int?
        let status: String
    }

    struct OverviewBody: Encodable {
        let nearCap: [NearCapDTO]
        let requests: [RequestDTO]
    }

    /// Accounts that used 80% or more of their computed limit in the current window.
    func nearCap(_ database: any Database, now: Date) async throws -> [NearCapDTO] {
        let rows = try await database.sql.raw("""
            SELECT p.account_sid AS sid, p.score AS score, p.daily_limit AS daily_limit,
                   CAST(SUM(b.granted) AS BIGINT) AS used
            FROM trust_profiles p JOIN trust_quota_buckets b ON b.account_sid = p.account_sid
            WHERE p.daily_limit IS NOT NULL AND b.bucket >= \(bind: QuotaRule.windowStart(for: QuotaRule.bucket(now)))
            GROUP BY p.account_sid, p.score, p.daily_limit
            HAVING SUM(b.granted) * 100 >= p.daily_limit * 80
            ORDER BY p.account_sid LIMIT 200
            """).all()
        return try rows.map { row in
            let limit = try row.decode(column: "daily_limit", as: Int.self)
            let used = Int(try row.decode(column: "used", as: Int64.self))
            return NearCapDTO(sid: try row.decode(column: "sid", as: String.self), score: try row.decode(column: "score", as: Int.self),
                              limit: limit, used: used, percent: limit > 0 ? used * 100 / limit : 100)
        }.sorted { $0.percent > $1.percent }
    }

    func overview(request: Request) async throws -> Response {
        _ = try staff(request)
        let open = try await TrustRequest.query(on: request.db).filter(\.$status == "open").sort(\.$createdAt).limit(200).all()
        return try await request.page("trust/staff-overview", title: "Progressive Trust", OverviewBody(
            nearCap: try await nearCap(request.db, now: request.now),
            requests: open.map(Self.requestDTO)
        ))
    }

    static func requestDTO(_ row: TrustRequest) -> RequestDTO {
        RequestDTO(id: row.id?.uuidString.lowercased() ?? "", accountSid: row.accountSID,
                   kind: row.kind, amount: row.amount,
                   dates: row.startsOn.map { "\(UTCDay.key($0)) to \(row.endsOn.map(UTCDay.key) ?? "")" } ?? "",
                   reason: row.reason, created: DateDisplay.utc(row.createdAt), ticketNumber: row.ticketNumber, status: row.status)
    }

    struct HistoryDTO: Encodable {
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
        let used: Int
        let remaining: String
        let overrideText: String?
        let factors: [TrustConsolePagesController.FactorDTO]
        let history: [HistoryDTO]
        let requests: [RequestDTO]
        let decided: [RequestDTO]
    }

    func account(request: Request) async throws -> Response {
        try await renderAccount(request, notice: nil, error: nil)
    }

    private func renderAccount(_ request: Request, notice: String?, error: DomainError?) async throws -> Response {
        let user = try staff(request)
        let sid = try request.sidParameter("accountSid", .account)
        guard let account = try await Account.find(sid.rawValue, on: request.db) else { throw DomainError.notFound("account") }
        let scores = request.application.trustScores(now: request.now, database: request.db)
        let (profile, usage) = try await TrustPolicies(database: request.db, now: request.now, scores: scores).usage(account, outstanding: request.application.admissionDesk.outstanding(account.sid))
        let history = try await TrustScoreRecord.query(on: request.db).filter(\.$accountSID == account.sid)
            .sort(\.$createdAt, .descending).limit(60).all()
        let requests = try await TrustRequest.query(on: request.db).filter(\.$accountSID == account.sid)
            .sort(\.$createdAt, .descending).limit(50).all()
        try await StaffAuditEvent(staff: user.sid, action: "view_trust_profile", account: account.sid, detail: "", at: request.now).create(on: request.db)
        var overrideText: String?
        if profile.overrideActive(at: request.now) {
            let what = profile.overrideLimit.map { "limit \($0)" } ?? profile.overrideScore.map { "score \($0)" } ?? ""
            overrideText = "\(what) until \(profile.overrideUntil.map(DateDisplay.utc) ?? "")"
        }
        let body = AccountBody(
            sid: account.sid, friendlyName: account.friendlyName, standing: Standing(stored: account.standing).displayName, score: usage.score,
            limit: usage.limit.map(String.init) ?? "unlimited", used: usage.used, remaining: usage.remaining.map(String.init) ?? "unlimited",
            overrideText: overrideText,
            factors: (usage.explanation?.factors ?? []).map { .init(name: $0.key.replacingOccurrences(of: "_", with: " "), value: $0.value, points: $0.points, maximum: $0.maximum) },
            history: history.map { record in
                let explanation = try? JSONDecoder().decode(ScoreExplanation.self, from: Data(record.explanation.utf8))
                return HistoryDTO(at: DateDisplay.utc(record.createdAt), score: record.score, limit: record.dailyLimit.map(String.init) ?? "unlimited",
                                  source: record.source,
                                  factors: (explanation?.factors ?? []).filter { $0.points > 0 }.map { "\($0.key) \($0.points)" }.joined(separator: ", "))
            },
            requests: requests.filter { $0.status == "open" }.map(Self.requestDTO),
            decided: requests.filter { $0.status != "open" }.map(Self.requestDTO)
        )
        return try await request.page("trust/staff-account", title: "Progressive Trust: \(account.friendlyName)", body, notice: notice, error: error)
    }

    struct OverrideForm: Content {
        var limit: String?
        var startsOn: String?
        var endsOn: String?
        var note: String?
        enum CodingKeys: String, CodingKey { case limit, startsOn = "starts_on", endsOn = "ends_on", note }
    }

    /// A direct limit override by staff (the same audit as an approved request).
    func override(request: Request) async throws -> Response {
        let user = try staff(request)
        let sid = try request.sidParameter("accountSid", .account)
        guard let account = try await Account.find(sid.rawValue, on: request.db) else { throw DomainError.notFound("account") }
        let form = request.form(OverrideForm.self, empty: OverrideForm())
        do {
            let policies = self.policies(request)
            // A staff-initiated override has no customer conversation, so no ticket.
            let created = try await policies.request(account, kind: TrustSafetyTopic.moreMessages.rawValue, amount: Int(form.limit ?? ""), startsOn: form.startsOn,
                                                     endsOn: form.endsOn, reason: form.note ?? "", by: user.sid, ticketFor: nil)
            try await policies.decide(created, .init(approve: true, limit: created.amount, note: form.note ?? ""), staff: user)
            return try await renderAccount(request, notice: "Override applied; every node uses it within seconds.", error: nil)
        } catch let error as DomainError {
            return try await renderAccount(request, notice: nil, error: error)
        }
    }

    struct DecisionForm: Content {
        var decision: String?
        var limit: String?
        var startsOn: String?
        var endsOn: String?
        var score: String?
        var note: String?
        enum CodingKeys: String, CodingKey { case decision, limit, startsOn = "starts_on", endsOn = "ends_on", score, note }

        func parsed() throws(DomainError) -> TrustPolicies.Decision {
            guard let decision, ["approve", "decline"].contains(decision) else {
                throw DomainError(.invalidParameter, "decision: approve or decline.")
            }
            var limitValue: Int?
            if let text = limit?.replacingOccurrences(of: ",", with: "").trimmingCharacters(in: .whitespaces), !text.isEmpty {
                guard let parsed = Int(text) else { throw DomainError(.invalidParameter, "limit: the granted daily limit, a whole number.") }
                limitValue = parsed
            }
            return TrustPolicies.Decision(approve: decision == "approve", limit: limitValue, startsOn: startsOn, endsOn: endsOn,
                                          score: score.flatMap { Int($0) }, note: note ?? "")
        }
    }

    func decide(request: Request) async throws -> Response {
        let user = try staff(request)
        guard let id = request.parameters.get("requestID").flatMap(UUID.init(uuidString:)),
              let row = try await TrustRequest.find(id, on: request.db) else { throw DomainError.notFound("request") }
        let form = request.form(DecisionForm.self, empty: DecisionForm())
        let policies = self.policies(request)
        do {
            try await policies.decide(row, try form.parsed(), staff: user)
            return request.redirect("/staff/trust/accounts/\(row.accountSID)")
        } catch let error as DomainError {
            return try await request.page("trust/staff-overview", title: "Progressive Trust", OverviewBody(
                nearCap: try await nearCap(request.db, now: request.now),
                requests: try await TrustRequest.query(on: request.db).filter(\.$status == "open").sort(\.$createdAt).limit(200).all().map(Self.requestDTO)
            ), error: error)
        }
    }

    /// PT-10 from the ticket page: decides the request the ticket carries, then back to the
    /// ticket (its panel shows the decision) or the ticket page with the error. Any staff
    /// member can open the ticket; only Trust & Safety may decide (`TrustRequestPolicy`).
    func decideOnTicket(request: Request) async throws -> Response {
        guard let user = request.signedIn?.user, user.isStaff else { throw DomainError.notFound("page") }
        guard let number = request.parameters.get("number").flatMap({ Int($0) }),
              let ticket = try await Ticket.find(number, on: request.db),
              let row = try await TrustRequest.query(on: request.db).filter(\.$ticketNumber == number).first()
        else { throw DomainError.notFound("ticket") }
        let form = request.form(DecisionForm.self, empty: DecisionForm())
        let policies = self.policies(request)
        do {
            try await policies.decide(row, try form.parsed(), staff: user)
            return request.redirect("/staff/support/tickets/\(number)#trust-request-panel")
        } catch let error as DomainError {
            let fresh = try await Ticket.find(number, on: request.db) ?? ticket
            return try await request.page("support/staff-ticket", title: "Ticket #\(number)",
                                          try await SupportStaffPagesController().body(request, fresh), error: error)
        }
    }
}
