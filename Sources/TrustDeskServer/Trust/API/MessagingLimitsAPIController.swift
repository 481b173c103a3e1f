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
        return try await MessagingLimitsDTO(account: account, profile: profile, usage: usage).encodeResponse(for: request)
    }

    struct UpdateBody: StrictContent {
        static let allowedFields: Set<String> = ["status_callback"]
        static let emptyBodyMessage = "status_callback: the body is empty, so nothing would change; send status_callback, the URL to tell of refused messages, or null to remove it."
        let statusCallback: String?
    }

    func update(request: Request) async throws -> Response {
        let account = try await target(request)
        let body = try request.decodeStrict(UpdateBody.self)
        let secret = try await policies(request).setCallback(account, url: body.statusCallback,
                                                             allowPrivate: request.application.trustDeskConfiguration.callbacksAllowPrivate)
        let (profile, usage) = try await policies(request).usage(account, outstanding: request.application.admissionDesk.outstanding(account.sid))
        var dto = MessagingLimitsDTO(account: account, profile: profile, usage: usage)
        dto.statusCallbackSigningSecret = secret
        return try await dto.encodeResponse(for: request)
    }

    struct RequestBody: StrictContent {
        static let allowedFields: Set<String> = ["kind", "amount", "starts_on", "ends_on", "reason"]
        static let emptyBodyMessage = "kind: the body is empty; send kind (more_messages or score_review) and reason, and for more messages amount, starts_on and ends_on."
        let kind: String
        let amount: Int?
        let startsOn: String?
        let endsOn: String?
        let reason: String
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
        return try await TrustRequestDTO(created).encodeResponse(status: .created, for: request)
    }
}

struct MessagingLimitsDTO: Content {
    let accountSid: String
    let reputationScore: Int
    /// nil is unlimited.
    @ExplicitNull var dailyLimit: Int?
    let unlimited: Bool
    let windowHours: Int
    let usedInWindow: Int
    @ExplicitNull var remainingInWindow: Int?
    let overrideActive: Bool
    @ExplicitNull var overrideUntil: Date?
    let averageDailyVolume: Int
    let scoredAt: Date
    let explanation: [ScoreFactor]
    @ExplicitNull var statusCallback: String?
    var statusCallbackSigningSecret: String?

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
}

struct TrustRequestDTO: Content {
    let id: String
    let accountSid: String
    let kind: String
    @ExplicitNull var amount: Int?
    @ExplicitNull var startsOn: String?
    @ExplicitNull var endsOn: String?
    let reason: String
    let status: String
    let dateCreated: Date
    /// The trust-and-safety ticket that carries the conversation and the decision (PT-10).
    @ExplicitNull var ticketNumber: Int?

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
}
