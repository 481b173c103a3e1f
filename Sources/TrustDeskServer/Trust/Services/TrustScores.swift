import Fluent
import Foundation
import Logging
import SQLKit
import TrustDeskCore

/// Scores accounts, stores score and limit with the explanation, and tells the account when
/// either changes (PT-1, PT-2, PT-7, PT-8). Built per use from (database, now).
struct TrustScores {
    let database: any Database
    let now: Date
    let rule: MessageLimitRule
    let publicURL: String

    static let outcomeWindow: TimeInterval = 30 * 86_400

    /// The ledger of granted quota (`trust_quota_buckets`), which only `QuotaLedgerStore` reads.
    var ledger: QuotaLedgerStore { QuotaLedgerStore(database: database, now: now, rule: rule, publicURL: publicURL) }

    func record(for account: Account) async throws -> SendingRecord {
        let since = now.addingTimeInterval(-Self.outcomeWindow)
        let rows = try await database.sql.raw("""
            SELECT outcome, COUNT(*) AS n FROM trust_admitted_messages
            WHERE account_sid = \(bind: account.sid) AND outcome_at >= \(bind: since) GROUP BY outcome
            """).all()
        var counts: [String: Int] = [:]
        for row in rows {
            counts[try row.decode(column: "outcome", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        let history = try await enforcementHistory(of: account)
        return SendingRecord(
            delivered: counts["delivered"] ?? 0, undelivered: counts["undelivered"] ?? 0,
            carrierFiltered: counts["carrier_filtered"] ?? 0, optedOut: counts["opted_out"] ?? 0,
            complaints: counts["complaint"] ?? 0,
            sent: try await ledger.admittedVolume(account.sid, from: since, to: now),
            accountCreatedAt: account.createdAt, vetting: history.vetting,
            enforcementActions: history.adverseDecisions, securityIncidents: history.securityIncidents
        )
    }

    /// PT-7: the account's standing decisions (STD-1), read through the account index. All of
    /// them, not only the last year's: a reversal or a vetting review may be older.
    func enforcementHistory(of account: Account) async throws -> EnforcementHistory.Summary {
        let records = try await EnforcementRecord.query(on: database).filter(\.$accountSID == account.sid)
            .sort(\.$decidedAt).limit(1_000).all()
        let entries = records.compactMap { record in
            record.standingReason.map { EnforcementEntry(reason: $0, automated: record.isAutomated, decidedAt: record.decidedAt) }
        }
        return EnforcementHistory.summarize(entries, standing: Standing(stored: account.standing), now: now)
    }

    struct Evaluation {
        let explanation: ScoreExplanation
        let score: Int
        let limit: DailyLimit
        let averageDailyVolume: Int
    }

    func evaluate(_ account: Account, scoreOverride: Int?) async throws -> Evaluation {
        let explanation = ReputationScoring.score(try await record(for: account), now: now)
        let window = MessageLimitRule.averageWindow(endingBefore: now)
        let admitted = try await ledger.admittedVolume(account.sid, from: window.start, to: window.end)
        let scoreValue = scoreOverride ?? explanation.score
        let score = ReputationScore(rawValue: scoreValue) ?? .worst
        return Evaluation(explanation: explanation, score: score.rawValue,
                          limit: rule.limit(score: score, admittedInAverageWindow: admitted),
                          averageDailyVolume: admitted / MessageLimitRule.averageDays)
    }

    enum Change: Equatable { case enrolled, changed, unchanged }

    /// Scores `account` and stores the result; mails the owners when it joins or its score or
    /// limit changes (PT-8). Runs in one transaction so the mail exists iff the change does.
    /// Enrolment is an insert-or-ignore: when two callers enrol the same account at once (the
    /// daily job and a first admission), one inserts and mails, the other finds the row and
    /// updates it; neither fails.
    @discardableResult
    func refresh(_ account: Account, source: String = "daily") async throws -> Change {
        try await database.transaction { db in
            let scores = TrustScores(database: db, now: now, rule: rule, publicURL: publicURL)
            var existing = try await TrustProfile.find(account.sid, on: db)
            if existing == nil {
                let evaluation = try await scores.evaluate(account, scoreOverride: nil)
                let explanationJSON = try Self.json(evaluation.explanation)
                if try await scores.enrol(account.sid, evaluation, explanationJSON: explanationJSON) {
                    try await TrustScoreRecord(account: account.sid, score: evaluation.score, dailyLimit: evaluation.limit.messages,
                                               explanation: explanationJSON, source: source, now: now).create(on: db)
                    try await scores.notify(account, score: evaluation.score, limit: evaluation.limit, explanation: evaluation.explanation, enrolment: true)
                    return .enrolled
                }
                // Enrolled by someone else since the look: score it as an enrolled account.
                existing = try await TrustProfile.find(account.sid, on: db)
            }
            guard let profile = existing else {
                throw DomainError(.internalError, "The Progressive Trust profile of \(account.sid) could neither be inserted nor read.")
            }
            let scoreOverride = profile.overrideActive(at: now) ? profile.overrideScore : nil
            let evaluation = try await scores.evaluate(account, scoreOverride: scoreOverride)
            let explanationJSON = try Self.json(evaluation.explanation)
            let change: Change = (profile.score != evaluation.score || profile.dailyLimit != evaluation.limit.messages) ? .changed : .unchanged
            profile.score = evaluation.score
            profile.dailyLimit = evaluation.limit.messages
            profile.explanation = explanationJSON
            profile.averageDailyVolume = evaluation.averageDailyVolume
            profile.computedAt = now
            if change != .unchanged { profile.updatedAt = now }
            try await profile.save(on: db)
            try await TrustScoreRecord(account: account.sid, score: evaluation.score, dailyLimit: evaluation.limit.messages,
                                       explanation: explanationJSON, source: source, now: now).create(on: db)
            if change != .unchanged {
                try await scores.notify(account, score: evaluation.score, limit: evaluation.limit,
                                        explanation: evaluation.explanation, enrolment: false)
            }
            return change
        }
    }

    private static func json(_ explanation: ScoreExplanation) throws -> String {
        String(decoding: try JSONEncoder().encode(explanation), as: UTF8.self)
    }

    /// PT-1: the account's profile row, inserted unless it exists (`ON CONFLICT DO NOTHING`,
    /// the same on SQLite and PostgreSQL). True when this call inserted it.
    private func enrol(_ accountSID: String, _ evaluation: Evaluation, explanationJSON: String) async throws -> Bool {
        let inserted = try await database.sql.insert(into: TrustProfile.schema)
            .columns("account_sid", "score", "daily_limit", "explanation", "average_daily_volume", "enrolled_at", "computed_at", "updated_at", "lease_seq")
            .values(SQLBind(accountSID), SQLBind(evaluation.score), SQLBind(evaluation.limit.messages), SQLBind(explanationJSON),
                    SQLBind(evaluation.averageDailyVolume), SQLBind(now), SQLBind(now), SQLBind(now), SQLBind(0))
            .ignoringConflicts(with: "account_sid")
            .returning("account_sid")
            .all()
        return !inserted.isEmpty
    }

    /// PT-8: the cap pre-notification to the account's owners and admins.
    func notify(_ account: Account, score: Int, limit: DailyLimit, explanation: ScoreExplanation, enrolment: Bool) async throws {
        let mail = TrustMail.capNotice(accountName: account.friendlyName, accountSID: account.sid, score: score, limit: limit,
                                       enrolment: enrolment, explanation: explanation,
                                       consoleLink: "\(publicURL)/console/accounts/\(account.sid)/messaging")
        for email in try await recipients(account) {
            try await Outbox(database: database, now: now).enqueue(to: email, subject: mail.subject, body: mail.body, kind: "trust_cap_notice")
        }
    }

    /// Owners and admins of the account, or of its parent for a subaccount (a parent's team
    /// reaches its subaccounts).
    func recipients(_ account: Account) async throws -> [String] {
        Array(Set(try await Team.owners(of: account, includingAdmins: true, on: database).map(\.email))).sorted()
    }

    /// The daily job (PT-7): every account not yet scored today, in SID order, a page at a time.
    /// Idempotent: a second run on the same day finds nothing to do.
    @discardableResult
    func refreshDue(batch: Int = 200, logger: Logger? = nil) async throws -> (refreshed: Int, failed: [String]) {
        let today = UTCDay.start(of: now)
        var after = ""
        var refreshed = 0
        var failed: [String] = []
        while true {
            let accounts = try await Account.query(on: database).filter(\.$id > after).sort(\.$id).limit(batch).all()
            guard let last = accounts.last else { break }
            after = last.sid
            let profiles = try await TrustProfile.query(on: database).filter(\.$id ~~ accounts.map(\.sid)).all()
            let scoredToday = Set(profiles.filter { $0.computedAt >= today }.map(\.accountSID))
            for account in accounts where !scoredToday.contains(account.sid) {
                // One account that fails (bad stored data, a lost race) is logged and skipped; it
                // is tried again on the next pass, and the accounts after it are still scored.
                do {
                    try await refresh(account)
                    refreshed += 1
                } catch {
                    failed.append(account.sid)
                    logger?.error("trust score refresh failed; skipped", metadata: ["account_sid": "\(account.sid)", "error": "\(String(reflecting: error))"])
                }
            }
        }
        // Ledger rows older than the 60-day average and its window are no longer read.
        try await ledger.prune(before: QuotaRule.bucket(today.addingTimeInterval(-Double(MessageLimitRule.averageDays + 2) * 86_400)))
        try await AdmittedMessage.query(on: database).filter(\.$admittedAt < now.addingTimeInterval(-35 * 86_400)).delete()
        return (refreshed, failed)
    }
}
