import Fluent
import Foundation
import SQLKit

/// One webhook's news about a call. Updates of one call merge column by column: the first
/// caller and number win, the highest PIN attempt count wins, the newest outcome wins, and the
/// end (status, duration) is kept once known. The same rules apply in memory and in SQL, so the
/// order in which nodes flush does not matter.
struct CallLogUpdate: Sendable, Equatable {
    var callSID: String
    var from: String?
    var to: String?
    var organisationSID: String?
    var pinAttempts: Int = 0
    var outcome: String?
    var outcomeAt: Date?
    var callStatus: String?
    var durationSeconds: Int?
    var startedAt: Date
    var endedAt: Date?

    init(callSID: String, at time: Date) {
        self.callSID = callSID
        self.startedAt = time
    }

    mutating func merge(_ other: CallLogUpdate) {
        from = from ?? other.from
        to = to ?? other.to
        organisationSID = other.organisationSID ?? organisationSID
        pinAttempts = max(pinAttempts, other.pinAttempts)
        if let newer = other.outcome, (outcomeAt ?? .distantPast) <= (other.outcomeAt ?? .distantPast) {
            outcome = newer
            outcomeAt = other.outcomeAt
        }
        callStatus = other.callStatus ?? callStatus
        durationSeconds = other.durationSeconds ?? durationSeconds
        startedAt = min(startedAt, other.startedAt)
        endedAt = other.endedAt ?? endedAt
    }
}

/// The only writer of `support_calls`, and the reader for the staff call log page.
struct CallLog {
    let database: any Database

    func write(_ updates: [CallLogUpdate]) async throws {
        for start in stride(from: 0, to: updates.count, by: 200) {
            let chunk = updates[start..<min(start + 200, updates.count)]
            let rows = chunk.map { update -> SQLQueryString in
                """
                (\(bind: update.callSID), \(bind: update.from), \(bind: update.to), \(bind: update.organisationSID), \(bind: update.pinAttempts), \
                \(bind: update.outcome), \(bind: update.outcomeAt), \(bind: update.callStatus), \(bind: update.durationSeconds), \(bind: update.startedAt), \(bind: update.endedAt))
                """
            }
            let head: SQLQueryString = "INSERT INTO support_calls (call_sid, from_number, to_number, organisation_sid, pin_attempts, outcome, outcome_at, "
                + "call_status, duration_seconds, started_at, ended_at) VALUES "
            let tail: SQLQueryString = """
                 ON CONFLICT (call_sid) DO UPDATE SET
                    from_number = COALESCE(support_calls.from_number, excluded.from_number),
                    to_number = COALESCE(support_calls.to_number, excluded.to_number),
                    organisation_sid = COALESCE(excluded.organisation_sid, support_calls.organisation_sid),
                    pin_attempts = CASE WHEN excluded.pin_attempts > support_calls.pin_attempts THEN excluded.pin_attempts ELSE support_calls.pin_attempts END,
                    outcome = CASE WHEN excluded.outcome IS NOT NULL AND (support_calls.outcome_at IS NULL OR excluded.outcome_at >= support_calls.outcome_at)
                        THEN excluded.outcome ELSE support_calls.outcome END,
                    outcome_at = CASE WHEN excluded.outcome IS NOT NULL AND (support_calls.outcome_at IS NULL OR excluded.outcome_at >= support_calls.outcome_at)
                        THEN excluded.outcome_at ELSE support_calls.outcome_at END,
                    call_status = COALESCE(excluded.call_status, support_calls.call_status),
                    duration_seconds = COALESCE(excluded.duration_seconds, support_calls.duration_seconds),
                    started_at = CASE WHEN excluded.started_at < support_calls.started_at THEN excluded.started_at ELSE support_calls.started_at END,
                    ended_at = COALESCE(excluded.ended_at, support_calls.ended_at)
                """
            try await database.sql.raw(head + rows.joined(separator: ", ") + tail).run()
        }
    }

    /// Newest first; `before` is the `started_at` of the last row of the previous page.
    func page(before: Date?, organisationSID: String?, limit: Int) async throws -> [SupportCall] {
        var query = SupportCall.query(on: database)
        if let before { query = query.filter(\.$startedAt < before) }
        if let organisationSID { query = query.filter(\.$organisationSID == organisationSID) }
        return try await query.sort(\.$startedAt, .descending).sort(\.$id, .descending).limit(limit).all()
    }
}
