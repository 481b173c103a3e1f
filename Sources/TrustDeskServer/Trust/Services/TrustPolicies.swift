import Fluent
import Foundation
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
        let explanation: ScoreExplanation?
    }

    /// `outstanding` is what this node holds in leases: granted but not yet used. Other nodes'
    /// leases (a few messages each near the limit) still count as used.
    func usage(_ account: Account, outstanding: Int = 0) async throws -> (TrustProfile, Usage) {
        let profile = try await profile(account)
        let used = -outstanding + (try await QuotaLedgerStore(database: database, now: now, rule: scores.rule, publicURL: scores.publicURL).usedInWindow(account.sid))
        let explanation = try? JSONDecoder().decode(ScoreExplanation.self, from: Data(profile.explanation.utf8))
        let usage = Usage(score: profile.overrideActive(at: now) ? (profile.overrideScore ?? profile.score) : profile.score,
                          limit: profile.effectiveLimit(at: now), used: used,
                          overrideActive: profile.overrideActive(at: now), explanation: explanation)
        return (profile, usage)
    }

    /// Sets (or clears, with nil) the status callback; returns the new signing secret, shown once.
    func setCallback(_ account: Account, url: String?) async throws -> String? {
        let profile = try await profile(account)
        if let url, !url.isEmpty {
            profile.callbackURL = try CallbackSignature.validate(url)
            profile.callbackSecret = "tdcb_" + String(Secrets.generate(.link).dropFirst(SecretKind.link.rawValue.count))
        } else {
            profile.callbackURL = nil
            profile.callbackSecret = nil
        }
        profile.updatedAt = now
        try await profile.save(on: database)
        return profile.callbackSecret
    }

    static let maximumReason = 2_000

    /// PT-10: a request for more messages or a score review, for trust and safety.
    func request(_ account: Account, kind: String, amount: Int?, startsOn: String?, endsOn: String?, reason: String, by requester: String) async throws -> TrustRequest {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= Self.maximumReason else {
            throw DomainError(.invalidParameter, "reason: say why, in 1 to \(Self.maximumReason) characters.")
        }
        let request = TrustRequest()
        request.id = UUID()
        request.accountSID = account.sid
        request.reason = reason
        request.requestedBy = requester
        request.status = "open"
        request.createdAt = now
        switch kind {
        case "more_messages":
            guard let amount, amount > 0, amount <= 100_000_000 else {
                throw DomainError(.invalidParameter, "amount: the daily limit you need, a whole number from 1 to 100,000,000.")
            }
            guard let start = startsOn.flatMap(UTCDay.parse), let end = endsOn.flatMap(UTCDay.parse) else {
                throw DomainError(.invalidParameter, "starts_on, ends_on: dates as YYYY-MM-DD.")
            }
            guard start <= end, end.timeIntervalSince(start) <= 90 * 86_400, end >= UTCDay.start(of: now) else {
                throw DomainError(.invalidParameter, "ends_on: on or after starts_on and today, at most 90 days after starts_on.")
            }
            request.amount = amount
            request.startsOn = start
            request.endsOn = end
        case "score_review":
            break
        default:
            throw DomainError(.invalidParameter, "kind: use more_messages or score_review.")
        }
        request.kind = kind
        try await request.create(on: database)
        return request
    }

    /// Staff decision on a request. Approval writes the override on the profile (PT-10), which
    /// every node picks up within seconds through `updated_at`; the request row keeps the audit.
    func decide(_ request: TrustRequest, approve: Bool, limit: Int?, score: Int?, note: String, staff: String) async throws {
        guard request.status == "open" else { throw DomainError(.conflict, "This request was already decided.") }
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty, note.count <= Self.maximumReason else {
            throw DomainError(.invalidParameter, "note: write the reason for the decision (1 to \(Self.maximumReason) characters).")
        }
        guard let account = try await Account.find(request.accountSID, on: database) else { throw DomainError.notFound("account") }
        try await database.transaction { db in
            request.status = approve ? "approved" : "declined"
            request.decidedBy = staff
            request.decisionNote = note
            request.decidedAt = now
            if approve {
                let policies = TrustPolicies(database: db, now: now, scores: TrustScores(database: db, now: now, rule: scores.rule, publicURL: scores.publicURL))
                let profile = try await policies.profile(account)
                if request.kind == "more_messages" {
                    let granted = limit ?? request.amount ?? 0
                    guard granted > 0, let start = request.startsOn, let end = request.endsOn else {
                        throw DomainError(.invalidParameter, "limit: the approved daily limit, a whole number of 1 or more.")
                    }
                    profile.overrideLimit = granted
                    profile.overrideScore = nil
                    profile.overrideFrom = start
                    profile.overrideUntil = end.addingTimeInterval(86_400)
                    request.grantedLimit = granted
                } else {
                    guard let score, ReputationScore(rawValue: score) != nil else {
                        throw DomainError(.invalidParameter, "score: the reviewed score, 1 to 5.")
                    }
                    profile.overrideScore = score
                    profile.overrideLimit = nil
                    profile.overrideFrom = now
                    profile.overrideUntil = now.addingTimeInterval(365 * 86_400)
                    request.grantedScore = score
                }
                profile.updatedAt = now
                try await profile.save(on: db)
                try await TrustScoreRecord(account: account.sid, score: profile.overrideScore ?? profile.score,
                                           dailyLimit: profile.effectiveLimit(at: now), explanation: profile.explanation,
                                           source: "override:\(staff)", now: now).create(on: db)
                // A score override also changes the computed limit: recompute now.
                if request.kind == "score_review" {
                    try await TrustScores(database: db, now: now, rule: scores.rule, publicURL: scores.publicURL).refresh(account, source: "override:\(staff)")
                }
            }
            try await request.save(on: db)
            try await StaffAuditEvent(staff: staff, action: "trust_request_\(request.status)", account: account.sid,
                                      detail: "\(request.kind) \(request.id?.uuidString ?? "")", at: now).create(on: db)
        }
    }
}
