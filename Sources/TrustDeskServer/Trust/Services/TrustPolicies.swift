import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// Reads and changes an account's Progressive Trust settings for customers and staff: the
/// status callback (PT-9), requests (PT-10) and staff overrides.
struct TrustPolicies {
    let database: any Database
    let now: Date
    let scores: TrustScores

    /// The account's profile, enrolling it first if it has none (PT-8).
    func profile(_ account: Account) async throws -> TrustProfile {
        if let profile = try await TrustProfile.find(account.sid, on: database) { return profile }
        try await scores.refresh(account, source: "enrolment")
        guard let profile = try await TrustProfile.find(account.sid, on: database) else { throw DomainError.notFound("account") }
        return profile
    }

    struct Usage {
        let score: Int
        let limit: Int?
        let used: Int
        var remaining: Int? { limit.map { max(0, $0 - used) } }
        let overrideActive: Bool
        let explanation: ScoreExplanation
    }

    /// `outstanding` is what this node holds in leases: granted but not yet used. Other nodes'
    /// leases (a few messages each near the limit) still count as used.
    func usage(_ account: Account, outstanding: Int = 0) async throws -> (TrustProfile, Usage) {
        let profile = try await profile(account)
        let used = -outstanding + (try await QuotaLedgerStore(database: database, now: now, rule: scores.rule, publicURL: scores.publicURL).usedInWindow(account.sid))
        let explanation = try StoredJSON.decode(ScoreExplanation.self, profile.explanation, table: TrustProfile.schema, column: "explanation", row: account.sid)
        let usage = Usage(score: profile.overrideActive(at: now) ? (profile.overrideScore ?? profile.score) : profile.score,
                          limit: profile.effectiveLimit(at: now), used: used,
                          overrideActive: profile.overrideActive(at: now), explanation: explanation)
        return (profile, usage)
    }

    /// Sets (or clears, with nil) the status callback; returns the new signing secret, shown once.
    /// `allowPrivate` is the operator's `TRUSTDESK_CALLBACKS_ALLOW_PRIVATE`.
    func setCallback(_ account: Account, url: String?, allowPrivate: Bool) async throws -> String? {
        let profile = try await profile(account)
        if let url, !url.isEmpty {
            profile.callbackURL = try CallbackDestination.checkURL(url, allowPrivate: allowPrivate)
            profile.callbackSecret = "tdcb_" + String(Secrets.generate(.link).dropFirst(SecretKind.link.rawValue.count))
        } else {
            profile.callbackURL = nil
            profile.callbackSecret = nil
        }
        profile.updatedAt = now
        try await profile.save(on: database)
        return profile.callbackSecret
    }

    /// PT-10: a request for more messages or a score review. With `ticketFor` (the customer
    /// in the console or the API), it opens a ticket for the trust-and-safety group in the same
    /// transaction; staff's direct overrides pass nil.
    func request(_ account: Account, kind: String, amount: Int?, startsOn: String?, endsOn: String?, reason: String,
                 by requester: String, ticketFor actor: TicketActor?) async throws -> TrustRequest {
        var checks = FieldChecks()
        let topic = checks.run { () throws(DomainError) in try TrustSafetyTopic.parse(kind) }
        let reason = checks.run { () throws(DomainError) in try TrustRequestPolicy.text(reason, field: "reason", purpose: "say why") } ?? ""
        let request = TrustRequest()
        request.id = UUID()
        request.accountSID = account.sid
        request.reason = reason
        request.requestedBy = requester
        request.status = TrustRequestStatus.open.rawValue
        request.createdAt = now
        if topic == .moreMessages {
            request.amount = checks.run { () throws(DomainError) in try TrustRequestPolicy.amount(amount, field: "amount") }
            let range = checks.run { () throws(DomainError) in try TrustRequestPolicy.range(startsOn: startsOn, endsOn: endsOn, now: now) }
            request.startsOn = range?.start
            request.endsOn = range?.end
        }
        let checkedTopic = try checks.finish(with: topic)
        request.kind = checkedTopic.rawValue
        try await database.transaction { db in
            if let actor {
                let ticket = NewTicket(
                    subject: String(TrustRequestPolicy.ticketSubject(checkedTopic, accountName: account.friendlyName).prefix(Tickets.maximumSubject)),
                    description: TrustRequestPolicy.ticketDescription(checkedTopic, amount: request.amount, startsOn: request.startsOn, endsOn: request.endsOn, reason: reason),
                    priority: String(TicketPriority.generalIssue.rawValue), intake: IntakeForm(product: .messaging), trustTopic: checkedTopic)
                request.ticketNumber = try await Tickets(database: db, now: now, settings: supportSettings).open(ticket, about: account, by: actor).ticket.number
            }
            try await request.create(on: db)
        }
        return request
    }

    /// What staff decide: for an approval of more messages the granted limit and dates (the
    /// request's when left out), for a score review the new score; always a note.
    struct Decision {
        var approve: Bool
        var limit: Int?
        var startsOn: String?
        var endsOn: String?
        var score: Int?
        var note: String
    }

    /// Staff decision on a request (PT-10), all in one transaction: the request is claimed
    /// with a conditional update (a second decision, even a concurrent one, is a conflict and
    /// changes nothing), the override is written on the profile (every node picks it up within
    /// seconds through `updated_at`), the customer is told on the request's ticket, and the
    /// decision is audited.
    func decide(_ request: TrustRequest, _ decision: Decision, staff: User) async throws {
        guard TrustRequestPolicy.canDecide(staff.staffRole) else {
            throw DomainError(.permissionDenied, "Only Trust & Safety staff (trust and safety, their leads, admins) decide Progressive Trust requests.")
        }
        try await decide(request, decision, decider: staff.sid, actor: TicketActor(user: staff))
    }

    /// The operator's command line (`trustdesk trust-set-limit`), audited as `operator`.
    func decideAsOperator(_ request: TrustRequest, _ decision: Decision) async throws {
        try await decide(request, decision, decider: "operator", actor: TicketActor(sid: "operator", name: "Operator", email: "", isStaff: true))
    }

    private func decide(_ request: TrustRequest, _ decision: Decision, decider staffSID: String, actor: TicketActor) async throws {
        guard request.requestStatus == .open else { throw TrustRequestPolicy.alreadyDecided(request.requestStatus) }
        var checks = FieldChecks()
        let note = checks.run { () throws(DomainError) in
            try TrustRequestPolicy.text(decision.note, field: "note", purpose: "write the reason for the decision; the customer reads it")
        } ?? ""
        let granted = checks.run { () throws(DomainError) in try grant(decision, for: request) }
        let (grantedLimit, range, grantedScore) = try checks.finish(with: granted)
        guard let id = request.id, let account = try await Account.find(request.accountSID, on: database) else { throw DomainError.notFound("account") }
        let status: TrustRequestStatus = decision.approve ? .approved : .declined
        try await database.transaction { db in
            let claimed = try await db.sql.update(TrustRequest.schema)
                .set("status", to: SQLBind(status.rawValue))
                .where("id", .equal, SQLBind(id)).where("status", .equal, SQLBind(TrustRequestStatus.open.rawValue))
                .returning("status").all()
            guard !claimed.isEmpty else {
                let current = try await TrustRequest.find(id, on: db)?.requestStatus ?? .approved
                throw TrustRequestPolicy.alreadyDecided(current)
            }
            request.status = status.rawValue
            request.decidedBy = staffSID
            request.decisionNote = note
            request.decidedAt = now
            request.grantedLimit = grantedLimit
            request.grantedScore = grantedScore?.rawValue
            try await request.save(on: db)
            if let grantedLimit, let range {
                try await override(account, limit: grantedLimit, from: range.start, until: range.end.addingTimeInterval(86_400), staff: staffSID, on: db)
            } else if let grantedScore {
                try await override(account, score: grantedScore.rawValue, staff: staffSID, on: db)
            }
            if let number = request.ticketNumber {
                let reply = TrustRequestPolicy.decisionReply(request.topic, approved: decision.approve, grantedLimit: grantedLimit,
                                                             from: range?.start, through: range?.end, grantedScore: grantedScore?.rawValue, note: note)
                try await tellOnTicket(number, reply: reply, status: status, actor: actor, on: db)
            }
            try await StaffAuditEvent(staff: staffSID, action: "trust_request_\(status.rawValue)", account: account.sid,
                                      detail: String("\(request.kind) \(id.uuidString.lowercased())\(request.ticketNumber.map { " ticket #\($0)" } ?? ""): \(note)".prefix(2_000)),
                                      at: now).create(on: db)
        }
    }

    /// What an approval grants, checked before anything is written: a limit and its dates, or
    /// a score. A decline grants nothing.
    private func grant(_ decision: Decision, for request: TrustRequest) throws(DomainError) -> (Int?, (start: Date, end: Date)?, ReputationScore?) {
        guard decision.approve else { return (nil, nil, nil) }
        switch request.topic {
        case .moreMessages:
            var checks = FieldChecks()
            let limit = checks.run { () throws(DomainError) in try TrustRequestPolicy.amount(decision.limit ?? request.amount, field: "limit") }
            let range = checks.run { () throws(DomainError) in
                try TrustRequestPolicy.range(startsOn: nonEmpty(decision.startsOn) ?? request.startsOn.map(UTCDay.key),
                                             endsOn: nonEmpty(decision.endsOn) ?? request.endsOn.map(UTCDay.key), now: now)
            }
            return (try checks.finish(with: limit), try checks.finish(with: range), nil)
        case .scoreReview:
            return (nil, nil, try TrustRequestPolicy.score(decision.score))
        }
    }

    private func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// A higher limit for `[from, until)`.
    private func override(_ account: Account, limit: Int, from: Date, until: Date, staff: String, on db: any Database) async throws {
        let profile = try await TrustPolicies(database: db, now: now, scores: scores(on: db)).profile(account)
        profile.overrideLimit = limit
        profile.overrideScore = nil
        profile.overrideFrom = from
        profile.overrideUntil = until
        profile.updatedAt = now
        try await profile.save(on: db)
        try await TrustScoreRecord(account: account.sid, score: profile.score, dailyLimit: profile.effectiveLimit(at: now),
                                   explanation: profile.explanation, source: "override:\(staff)", now: now).create(on: db)
    }

    /// A new score for a year; the limit is recomputed from it at once.
    private func override(_ account: Account, score: Int, staff: String, on db: any Database) async throws {
        let profile = try await TrustPolicies(database: db, now: now, scores: scores(on: db)).profile(account)
        profile.overrideScore = score
        profile.overrideLimit = nil
        profile.overrideFrom = now
        profile.overrideUntil = now.addingTimeInterval(Double(TrustRequestPolicy.scoreOverrideDays) * 86_400)
        profile.updatedAt = now
        try await profile.save(on: db)
        try await scores(on: db).refresh(account, source: "override:\(staff)")
    }

    /// Ticket mail of trust requests: TrustPolicies knows the public URL (absolute links) but
    /// not the inbound-mail settings, so these mails carry no Reply-To token.
    private var supportSettings: SupportSettings { SupportSettings(publicURL: scores.publicURL, replyToken: nil) }

    private func scores(on db: any Database) -> TrustScores {
        TrustScores(database: db, now: now, rule: scores.rule, publicURL: scores.publicURL)
    }

    /// The decision as a public reply on the request's ticket (the customer is mailed), then
    /// the ticket is solved with the decision as the reason in its history. A ticket closed
    /// meanwhile can't take replies: the requester gets the decision by mail instead.
    private func tellOnTicket(_ number: Int, reply: String, status: TrustRequestStatus, actor: TicketActor, on db: any Database) async throws {
        let tickets = Tickets(database: db, now: now, settings: supportSettings)
        let ticket = try await tickets.find(number)
        guard ticket.ticketStatus != .closed else {
            try await SupportMail(database: db, now: now, settings: supportSettings).toRequester(ticket, subject: "[#\(ticket.number)] Decision: \(ticket.subject)", body: reply)
            return
        }
        try await tickets.reply(to: ticket, by: actor, body: reply, isPublic: true)
        if ticket.ticketStatus != .solved {
            try await tickets.changeStatus(ticket, to: .solved, by: actor, reason: "Progressive Trust request \(status.rawValue) by \(actor.name)")
        }
    }
}
