import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// PT-9 and PT-10 for customers: `/v1/Accounts/{AccountSid}/MessagingLimits`.
struct MessagingLimitsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let limits = routes.grouped("Accounts", ":accountSid", "MessagingLimits")
        limits.get(use: show)
        limits.post(use: update)
        limits.post("Requests", use: createRequest)
        limits.methodNotAllowed(except: [.GET, .POST])
        limits.methodNotAllowed("Requests", except: [.POST])
    }

    private func target(_ request: Request) async throws -> Account {
        let credential = try request.requireAPICredential()
        let sid = try request.sidParameter("accountSid", .account)
        return try await request.accounts.accessible(sid, by: credential.accountSID)
    }

    private func policies(_ request: Request) -> TrustPolicies {
        TrustPolicies(database: request.db, now: request.now, scores: request.application.trustScores(now: request.now, database: request.db))
    }

    func show(request: Request) async throws -> Response {
        let account = try await target(request)
        let (profile, usage) = try await policies(request).usage(account, outstanding: request.application.admissionDesk.outstanding(account.sid))
        return try encode(MessagingLimitsDTO(account: account, profile: profile, usage: usage), .ok)
    }

    struct UpdateBody: StrictContent {
        static let allowedFields: Set<String> = ["status_callback"]
        static let emptyBodyMessage = "status_callback: the body is empty, so nothing would change; send status_callback, the URL to tell of refused messages, or null to remove it."
        let statusCallback: String?
        enum CodingKeys: String, CodingKey { case statusCallback = "status_callback" }
    }

    func update(request: Request) async throws -> Response {
        let account = try await target(request)
        let body = try request.decodeStrict(UpdateBody.self)
        let secret = try await policies(request).setCallback(account, url: body.statusCallback,
                                                             allowPrivate: request.application.trustDeskConfiguration.callbacksAllowPrivate)
        let (profile, usage) = try await policies(request).usage(account, outstanding: request.application.admissionDesk.outstanding(account.sid))
        var dto = MessagingLimitsDTO(account: account, profile: profile, usage: usage)
        dto.statusCallbackSigningSecret = secret
        return try encode(dto, .ok)
    }

    struct RequestBody: StrictContent {
        static let allowedFields: Set<String> = ["kind", "amount", "starts_on", "ends_on", "reason"]
        static let emptyBodyMessage = "kind: the body is empty; send kind (more_messages or score_review) and reason, and for more messages amount, starts_on and ends_on."
        let kind: String
        let amount: Int?
        let startsOn: String?
        let endsOn: String?
        let reason: String
        enum CodingKeys: String, CodingKey { case kind, amount, startsOn = "starts_on", endsOn = "ends_on", reason }
    }

    func createRequest(request: Request) async throws -> Response {
        let account = try await target(request)
        let body = try request.decodeStrict(RequestBody.self)
        let credential = try request.requireAPICredential()
        // The ticket is the caller's, as if opened through /v1/Tickets: replies go to the owner.
        guard let caller = try await Account.find(credential.accountSID, on: request.db) else { throw DomainError.badCredentials }
        let owner = try await TicketsAPIController.ownerEmail(of: caller.ownerAccountSID ?? caller.sid, on: request.db)
        let actor = TicketActor(sid: caller.sid, name: "API (\(caller.friendlyName))", email: owner, isStaff: false)
        let created = try await policies(request).request(account, kind: body.kind, amount: body.amount, startsOn: body.startsOn,
                                                         endsOn: body.endsOn, reason: body.reason, by: credential.accountSID, ticketFor: actor)
        return try encode(TrustRequestDTO(created), .created)
    }

    private func encode(_ value: some Encodable, _ status: HTTPResponseStatus) throws -> Response {
        let response = Response(status: status)
        try response.content.encode(value, using: JSONEncoder.trustDesk)
        return response
    }
}

struct MessagingLimitsDTO: Content {
    let accountSid: String
    let reputationScore: Int
    /// nil is unlimited.
    let dailyLimit: Int?
    let unlimited: Bool
    let windowHours: Int
    let usedInWindow: Int
    let remainingInWindow: Int?
    let overrideActive: Bool
    let overrideUntil: Date?
    let averageDailyVolume: Int
    let scoredAt: Date
    let explanation: [ScoreFactor]
    let statusCallback: String?
    var statusCallbackSigningSecret: String?

    enum CodingKeys: String, CodingKey {
        case accountSid = "account_sid", reputationScore = "reputation_score", dailyLimit = "daily_limit", unlimited
        case windowHours = "window_hours", usedInWindow = "used_in_window", remainingInWindow = "remaining_in_window"
        case overrideActive = "override_active", overrideUntil = "override_until", averageDailyVolume = "average_daily_volume"
        case scoredAt = "scored_at", explanation, statusCallback = "status_callback"
        case statusCallbackSigningSecret = "status_callback_signing_secret"
    }

    init(account: Account, profile: TrustProfile, usage: TrustPolicies.Usage) {
        self.accountSid = account.sid
        self.reputationScore = usage.score
        self.dailyLimit = usage.limit
        self.unlimited = usage.limit == nil
        self.windowHours = 24
        self.usedInWindow = usage.used
        self.remainingInWindow = usage.remaining
        self.overrideActive = usage.overrideActive
        self.overrideUntil = usage.overrideActive ? profile.overrideUntil : nil
        self.averageDailyVolume = profile.averageDailyVolume
        self.scoredAt = profile.computedAt
        self.explanation = usage.explanation.factors
        self.statusCallback = profile.callbackURL
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(accountSid, forKey: .accountSid)
        try container.encode(reputationScore, forKey: .reputationScore)
        try container.encode(dailyLimit, forKey: .dailyLimit)
        try container.encode(unlimited, forKey: .unlimited)
        try container.encode(windowHours, forKey: .windowHours)
        try container.encode(usedInWindow, forKey: .usedInWindow)
        try container.encode(remainingInWindow, forKey: .remainingInWindow)
        try container.encode(overrideActive, forKey: .overrideActive)
        try container.encode(overrideUntil, forKey: .overrideUntil)
        try container.encode(averageDailyVolume, forKey: .averageDailyVolume)
        try container.encode(scoredAt, forKey: .scoredAt)
        try container.encode(explanation, forKey: .explanation)
        try container.encode(statusCallback, forKey: .statusCallback)
        try container.encodeIfPresent(statusCallbackSigningSecret, forKey: .statusCallbackSigningSecret)
    }
}

struct TrustRequestDTO: Content {
    let id: String
    let accountSid: String
    let kind: String
    let amount: Int?
    let startsOn: String?
    let endsOn: String?
    let reason: String
    let status: String
    let dateCreated: Date
    /// The trust-and-safety ticket that carries the conversation and the decision (PT-10).
    let ticketNumber: Int?

    enum CodingKeys: String, CodingKey {
        case id, accountSid = "account_sid", kind, amount, startsOn = "starts_on", endsOn = "ends_on", reason, status, dateCreated = "date_created"
        case ticketNumber = "ticket_number"
    }

    init(_ request: TrustRequest) {
        self.id = request.id?.uuidString.lowercased() ?? ""
        self.accountSid = request.accountSID
        self.kind = request.kind
        self.amount = request.amount
        self.startsOn = request.startsOn.map(UTCDay.key)
        self.endsOn = request.endsOn.map(UTCDay.key)
        self.reason = request.reason
        self.status = request.status
        self.dateCreated = request.createdAt
        self.ticketNumber = request.ticketNumber
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(accountSid, forKey: .accountSid)
        try container.encode(kind, forKey: .kind)
        try container.encode(amount, forKey: .amount)
        try container.encode(startsOn, forKey: .startsOn)
        try container.encode(endsOn, forKey: .endsOn)
        try container.encode(reason, forKey: .reason)
        try container.encode(status, forKey: .status)
        try container.encode(dateCreated, forKey: .dateCreated)
        try container.encode(ticketNumber, forKey: .ticketNumber)
    }
}
