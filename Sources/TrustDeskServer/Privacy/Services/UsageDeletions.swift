import Fluent
import Foundation
import Logging
import SQLKit
import TrustDeskCore

/// PRV-5: deleting an account's usage records in a time range: admitted messages with their
/// outcomes. Work goes in batches of `UsageDeletionRule.batchSize` rows, each its own short
/// statement, so the job never holds the SQLite writer for long and progress is visible.
/// Hourly counts in `trust_quota_buckets` hold no personal data and stay (PT-3 needs them).
struct UsageDeletions {
    let database: any Database
    let now: Date
    var logger = Logger(label: "trustdesk.privacy.usage")

    /// Batches one job pass may run per deletion before yielding to the others.
    static let batchesPerPass = 50

    func create(for account: Account, from: Date?, to: Date?, by actor: String, request: UUID? = nil) async throws -> UsageDeletion {
        let (start, end) = try UsageDeletionRule.range(from: from, to: to, now: now)
        let deletion = UsageDeletion()
        deletion.id = UUID()
        deletion.accountSID = account.sid
        deletion.rangeFrom = start
        deletion.rangeTo = end
        deletion.status = UsageDeletionStatus.queued.rawValue
        deletion.rowsTotal = try await count(account.sid, start, end)
        deletion.rowsDeleted = 0
        deletion.requestedBy = actor
        deletion.requestedAt = now
        deletion.dueBy = UsageDeletionRule.dueBy(requestedAt: now)
        deletion.nextRunAt = now
        deletion.requestID = request
        try await deletion.create(on: database)
        return deletion
    }

    func find(_ id: UUID, account: String) async throws -> UsageDeletion {
        guard let deletion = try await UsageDeletion.find(id, on: database), deletion.accountSID == account else {
            throw DomainError.notFound("usage deletion")
        }
        return deletion
    }

    func list(account: String, limit: Int = 50) async throws -> [UsageDeletion] {
        try await UsageDeletion.query(on: database).filter(\.$accountSID == account).sort(\.$requestedAt, .descending).limit(limit).all()
    }

    private func count(_ account: String, _ from: Date, _ to: Date) async throws -> Int {
        try await AdmittedMessage.query(on: database).filter(\.$accountSID == account)
            .filter(\.$admittedAt >= from).filter(\.$admittedAt < to).count()
    }

    /// Works every due deletion for a while; one failing deletion is logged and skipped.
    func runDue() async throws {
        let due = try await UsageDeletion.query(on: database).filter(\.$nextRunAt <= now).sort(\.$nextRunAt).limit(20).all()
        for deletion in due {
            do {
                try await run(deletion)
            } catch {
                logger.error("usage deletion failed", metadata: ["usage_deletion_id": "\(deletion.id?.uuidString ?? "")", "error": "\(String(reflecting: error))"])
            }
        }
    }

    func run(_ deletion: UsageDeletion, batches: Int = batchesPerPass) async throws {
        if case let .held(cases) = try await DeletionGate(database: database, now: now).verdict(for: [deletion.accountSID]) {
            deletion.status = UsageDeletionStatus.onLegalHold.rawValue
            deletion.heldCases = cases.joined(separator: ",")
            deletion.nextRunAt = now.addingTimeInterval(PrivacyRetention.heldRecheck)
            try await deletion.save(on: database)
            return
        }
        deletion.status = UsageDeletionStatus.running.rawValue
        deletion.heldCases = nil
        let sql = try database.sql
        var finished = false
        for _ in 0..<batches {
            let deleted = try await sql.raw("""
                DELETE FROM trust_admitted_messages WHERE message_sid IN (
                  SELECT message_sid FROM trust_admitted_messages WHERE account_sid = \(bind: deletion.accountSID)
                  AND admitted_at >= \(bind: deletion.rangeFrom) AND admitted_at < \(bind: deletion.rangeTo)
                  LIMIT \(literal: UsageDeletionRule.batchSize)) RETURNING message_sid
                """).all().count
            deletion.rowsDeleted += deleted
            if deleted < UsageDeletionRule.batchSize {
                finished = true
                break
            }
        }
        // Rows admitted into the range after it was counted are deleted too; the total follows.
        deletion.rowsTotal = max(deletion.rowsTotal, deletion.rowsDeleted)
        if finished {
            deletion.status = UsageDeletionStatus.complete.rawValue
            deletion.completedAt = now
            deletion.nextRunAt = nil
            try await PrivacyLedger(database: database, now: now).record(
                "usage_deletion", .init(requestID: deletion.requestID, accountSID: deletion.accountSID),
                tables: [LedgerTable(table: AdmittedMessage.schema, fields: ["message_sid", "admitted_at", "outcome", "outcome_at"], rows: deletion.rowsDeleted)],
                actor: deletion.requestedBy)
            if let requestID = deletion.requestID, let request = try await PrivacyRequest.find(requestID, on: database) {
                try await PrivacyRequests(database: database, now: now).complete(request, progress: "\(deletion.rowsDeleted) usage records deleted.")
            }
        } else {
            deletion.nextRunAt = now
        }
        try await deletion.save(on: database)
    }
}
