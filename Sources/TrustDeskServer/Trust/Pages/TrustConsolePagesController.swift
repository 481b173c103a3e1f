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

    private func account(_ request: Request) async throws -> (User, Account) {
        guard let session = request.signedIn else { throw Abort.redirect(to: "/signin") }
        let sid = try request.sidParameter("accountSid", .account)
        guard let account = try await Account.find(sid.rawValue, on: request.db),
              try await Team(database: request.db, now: request.now, publicURL: request.application.trustDeskConfiguration.publicURL)
                .role(of: session.user.sid, on: account) != nil
        else { throw DomainError.notFound("account") }
        return (session.user, account)
    }

    struct FactorDTO: Encodable {
        let name: String
        let value: String
        let points: Int
        let maximum: Int
    }

    struct BarDTO: Encodable {
        let day: String
        let admitted: Int
        let x: Int
        let y: Int
        let height: Int
    }

    struct Body: Encodable {
        let sid: String
        let friendlyName: String
        let score: Int
        let limit: String
        let used: Int
        let remaining: String
        let overrideUntil: String?
        let factors: [FactorDTO]
        let totalPoints: Int
        let bars: [BarDTO]
        let chartMax: Int
        let averageDaily: Int
        let requests: [RequestRowDTO]
        let statusCallback: String?
    }

    struct RequestRowDTO: Encodable {
        let kind: String
        let detail: String
        let status: String
        let created: String
        let ticketNumber: Int?
    }

    func show(request: Request) async throws -> Response {
        try await render(request, notice: nil, error: nil)
    }

    private func render(_ request: Request, notice: String?, error: DomainError?) async throws -> Response {
        let (_, account) = try await account(request)
        let scores = request.application.trustScores(now: request.now, database: request.db)
        let (profile, usage) = try await TrustPolicies(database: request.db, now: request.now, scores: scores).usage(account, outstanding: request.application.admissionDesk.outstanding(account.sid))
        let window = MessageLimitRule.averageWindow(endingBefore: request.now)
        let days = try await scores.dailyVolumes(account.sid, from: window.start, to: window.end)
        let peak = max(1, days.map(\.admitted).max() ?? 1)
        let bars = days.enumerated().map { index, day in
            let height = day.admitted * 100 / peak
            return BarDTO(day: UTCDay.key(day.day), admitted: day.admitted, x: index * 10, y: 100 - height, height: height)
        }
        let requests = try await TrustRequest.query(on: request.db).filter(\.$accountSID == account.sid)
            .sort(\.$createdAt, .descending).limit(20).all()
        let body = Body(
            sid: account.sid, friendlyName: account.friendlyName, score: usage.score,
            limit: usage.limit.map { DailyLimit.messages($0).description } ?? "unlimited", used: usage.used,
            remaining: usage.remaining.map { DailyLimit.messages($0).description } ?? "unlimited",
            overrideUntil: usage.overrideActive ? profile.overrideUntil.map(DateDisplay.utc) : nil,
            factors: (usage.explanation?.factors ?? []).map { FactorDTO(name: $0.key.replacingOccurrences(of: "_", with: " "), value: $0.value, points: $0.points, maximum: $0.maximum) },
            totalPoints: usage.explanation?.totalPoints ?? 0, bars: bars, chartMax: peak, averageDaily: profile.averageDailyVolume,
            requests: requests.map { row in
                RequestRowDTO(kind: row.kind == "more_messages" ? "More messages" : "Score review",
                              detail: row.kind == "more_messages" ? "\(row.amount ?? 0) a day, \(row.startsOn.map(UTCDay.key) ?? "") to \(row.endsOn.map(UTCDay.key) ?? "")" : "",
                              status: row.status, created: DateDisplay.utc(row.createdAt), ticketNumber: row.ticketNumber)
            },
            statusCallback: profile.callbackURL
        )
        return try await request.page("trust/messaging", title: "Messaging limits", body, notice: notice, error: error)
    }

    struct RequestForm: Content {
        var kind: String?
        var amount: String?
        var startsOn: String?
        var endsOn: String?
        var reason: String?
        enum CodingKeys: String, CodingKey { case kind, amount, startsOn = "starts_on", endsOn = "ends_on", reason }
    }

    func createRequest(request: Request) async throws -> Response {
        let (user, account) = try await account(request)
        let form = request.form(RequestForm.self, empty: RequestForm())
        do {
            var amount: Int?
            if form.kind == "more_messages" {
                guard let parsed = Int(form.amount?.replacingOccurrences(of: ",", with: "") ?? "") else {
                    throw DomainError(.invalidParameter, "amount: the daily limit you need, a whole number.")
                }
                amount = parsed
            }
            let created = try await TrustPolicies(database: request.db, now: request.now, scores: request.application.trustScores(now: request.now, database: request.db))
                .request(account, kind: form.kind ?? "", amount: amount, startsOn: form.startsOn, endsOn: form.endsOn, reason: form.reason ?? "",
                         by: user.sid, ticketFor: TicketActor(user: user))
            let number = created.ticketNumber.map { " as ticket #\($0)" } ?? ""
            return try await render(request, notice: "Your request was sent to Trust & Safety\(number). \(TrustSafetyTopic.expectation)", error: nil)
        } catch let error as DomainError {
            return try await render(request, notice: nil, error: error)
        }
    }
}
