import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The customer's messaging page (PT-8, PT-9, PT-10): the banner with score, limit, used and
/// remaining, the explanation, a 60-day chart (inline SVG, no scripts: the CSP forbids them),
/// and the forms to ask for more messages or a score review.
struct TrustConsolePagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let messaging = routes.grouped("console", "accounts", ":accountSid", "messaging")
        messaging.get(use: show)
        messaging.post("requests", use: createRequest)
    }

    struct FactorView: Encodable {
        let name: String
        let value: String
        let points: Int
        let maximum: Int
    }

    struct Body: Encodable {
        let account: ConsolePagesController.AccountNavView
        let sid: String
        let friendlyName: String
        let score: Int
        let limit: String
        let used: String
        let remaining: String
        let overrideUntil: String?
        let factors: [FactorView]
        let totalPoints: Int
        let chart: UsageChartView
        let requests: [RequestRowView]
        let statusCallback: String?
    }

    struct RequestRowView: Encodable {
        let kind: String
        let detail: String
        let status: String
        let created: String
        let ticketNumber: Int?
    }

    func show(request: Request) async throws -> Response {
        try await render(request, try await request.consoleAccount(for: .view))
    }

    private func render(_ request: Request, _ context: ConsoleAccount, notice: String? = nil,
                        form: PageForm? = nil, errors: FormErrors? = nil) async throws -> Response {
        let account = context.account
        let scores = request.application.trustScores(now: request.now, database: request.db)
        let (profile, usage) = try await TrustPolicies(database: request.db, now: request.now, scores: scores).usage(account, outstanding: request.application.admissionDesk.outstanding(account.sid))
        let window = MessageLimitRule.averageWindow(endingBefore: request.now)
        let days = try await scores.ledger.dailyVolumes(account.sid, from: window.start, to: window.end)
        let requests = try await TrustRequest.query(on: request.db).filter(\.$accountSID == account.sid)
            .sort(\.$createdAt, .descending).limit(20).all()
        let body = Body(
            account: try await ConsolePagesController.nav(request, context),
            sid: account.sid, friendlyName: account.friendlyName, score: usage.score,
            limit: usage.limit.map { DailyLimit.messages($0).description } ?? "unlimited", used: NumberDisplay.grouped(usage.used),
            remaining: usage.remaining.map { DailyLimit.messages($0).description } ?? "unlimited",
            overrideUntil: usage.overrideActive ? profile.overrideUntil.map(DateDisplay.local) : nil,
            factors: usage.explanation.factors.map { FactorView(name: $0.key.replacingOccurrences(of: "_", with: " "), value: $0.value, points: $0.points, maximum: $0.maximum) },
            totalPoints: usage.explanation.totalPoints,
            chart: UsageChartView(id: "trust-chart", days: days, limit: usage.limit, average: profile.averageDailyVolume),
            requests: requests.map { row in
                RequestRowView(kind: row.kind == "more_messages" ? "More messages" : "Score review",
                              detail: row.kind == "more_messages" ? "\(row.amount ?? 0) a day, \(row.startsOn.map(UTCDay.key) ?? "") to \(row.endsOn.map(UTCDay.key) ?? "")" : "",
                              status: row.status, created: DateDisplay.local(row.createdAt), ticketNumber: row.ticketNumber)
            },
            statusCallback: profile.callbackURL
        )
        return try await request.page("trust/messaging", title: "Messaging limits", body, notice: notice, form: form, errors: errors)
    }

    /// PT-10: only an account that may send can ask for more (`ConsolePolicy`).
    func createRequest(request: Request) async throws -> Response {
        let context = try await request.consoleAccount(for: .requestMessagingChange)
        let form = request.pageForm()
        var errors = FormErrors()
        // Not a whole number reads as none: the request's own check then says what is wanted,
        // together with every other problem of the form.
        let amount = Int(form.text("amount").replacingOccurrences(of: ",", with: "").trimmingCharacters(in: .whitespaces))
        let policies = TrustPolicies(database: request.db, now: request.now, scores: request.application.trustScores(now: request.now, database: request.db))
        let created = try await errors.attempt {
            try await policies.request(context.account, kind: form.text("kind"), amount: amount, startsOn: form["starts_on"], endsOn: form["ends_on"],
                                       reason: form.text("reason"), by: context.user.sid, ticketFor: TicketActor(user: context.user))
        }
        guard let created else {
            return try await render(request, context, form: form, errors: errors)
        }
        let number = created.ticketNumber.map { " as ticket #\($0)" } ?? ""
        return try await render(request, context, notice: "Your request was sent to Trust & Safety\(number). \(TrustSafetyTopic.expectation)")
    }
}
