import Fluent
import Foundation
import Logging
import SQLKit
import TrustDeskCore

/// PRV-4, STD-10: retention schedules of closed accounts, and the runs that carry them out.
/// Every run asks the `DeletionGate` (PRV-6); a held account is skipped, the ledger names the
/// case, and the schedule is looked at again daily until the hold is released.
struct PrivacyRetention {
    let database: any Database
    let now: Date
    let policy: RetentionPolicy
    var logger = Logger(label: "trustdesk.privacy.retention")

    static let heldRecheck: TimeInterval = 86_400
    static let batch = 100

    /// Starts the schedule of an account closed now (the `startRetention` effect). Closing
    /// twice keeps the first date.
    func schedule(accountSID: String, closedAt: Date) async throws {
        guard try await PrivacySchedule.find(accountSID, on: database) == nil else { return }
        let schedule = PrivacySchedule()
        schedule.id = accountSID
        schedule.closedAt = closedAt
        schedule.doneSteps = ""
        schedule.nextActionAt = policy.nextAction(closedAt: closedAt, done: [])
        schedule.updatedAt = now
        try await schedule.create(on: database)
    }

    /// Runs every schedule due now; one failing account is logged and skipped.
    @discardableResult
    func runDue() async throws -> Int {
        let due = try await PrivacySchedule.query(on: database).filter(\.$nextActionAt <= now)
            .sort(\.$nextActionAt).limit(Self.batch).all()
        var ran = 0
        for schedule in due {
            do {
                try await run(schedule)
                ran += 1
            } catch {
                logger.error("retention run failed", metadata: ["account_sid": "\(schedule.accountSID)", "error": "\(String(reflecting: error))"])
            }
        }
        return ran
    }

    /// Runs the account-data step of `accountSID` now rather than at day 60 (a deletion request,
    /// an under-age removal). Returns the cases that held it, if any.
    func expedite(accountSID: String, closedAt: Date) async throws -> [String] {
        try await schedule(accountSID: accountSID, closedAt: closedAt)
        guard let schedule = try await PrivacySchedule.find(accountSID, on: database) else { return [] }
        return try await run(schedule, forcing: [.accountData])
    }

    @discardableResult
    func run(_ schedule: PrivacySchedule, forcing: Set<RetentionStep> = []) async throws -> [String] {
        var done = schedule.done
        let steps = Set(policy.dueSteps(closedAt: schedule.closedAt, done: done, now: now)).union(forcing.subtracting(done)).sorted()
        guard !steps.isEmpty else { return [] }
        let ledger = PrivacyLedger(database: database, now: now)
        if case let .held(cases) = try await DeletionGate(database: database, now: now).verdict(for: [schedule.accountSID]) {
            if schedule.heldCases != cases.joined(separator: ",") {
                try await ledger.record("held", .init(accountSID: schedule.accountSID), tables: [], holdCases: cases, actor: "system")
            }
            schedule.heldCases = cases.joined(separator: ",")
            schedule.nextActionAt = now.addingTimeInterval(Self.heldRecheck)
            schedule.updatedAt = now
            try await schedule.save(on: database)
            return cases
        }
        for step in steps {
            let subject = try await subject(of: schedule.accountSID, step: step)
            let tables = try await PersonalDataEraser(database: database, now: now).erase(subject, disposals: step.disposals)
            try await ledger.record("retention_\(step.rawValue)", .init(accountSID: schedule.accountSID), tables: tables, actor: "system")
            done.insert(step)
            logger.info("retention step done", metadata: ["account_sid": "\(schedule.accountSID)", "step": "\(step.rawValue)", "rows": "\(tables.reduce(0) { $0 + $1.rows })"])
        }
        schedule.doneSteps = RetentionStep.allCases.filter(done.contains).map(\.rawValue).joined(separator: ",")
        schedule.heldCases = nil
        schedule.nextActionAt = policy.nextAction(closedAt: schedule.closedAt, done: done)
        schedule.updatedAt = now
        try await schedule.save(on: database)
        return []
    }

    /// Whose rows a step touches. The account-data step also de-identifies the team's people
    /// who are on no other open account, with their sessions, resets and mail; later steps
    /// touch only the account's own records.
    func subject(of accountSID: String, step: RetentionStep) async throws -> DataSubject {
        var subject = DataSubject(accountSIDs: [accountSID])
        guard step == .accountData else { return subject }
        let team = try await Membership.query(on: database).filter(\.$accountSID == accountSID).all().map(\.userSID)
        for userSID in team {
            let others = try await Membership.query(on: database).filter(\.$userSID == userSID).filter(\.$accountSID != accountSID).all()
            let open = try await Account.query(on: database).filter(\.$id ~~ others.map(\.accountSID))
                .filter(\.$standing != Standing.closed.rawValue).count()
            guard open == 0, let user = try await User.find(userSID, on: database) else { continue }
            subject.userSIDs.append(userSID)
            subject.emails.append(user.email)
        }
        return subject
    }

    /// PRV-4: every outbox body goes 90 days after it was sent (or given up), except mail to
    /// people on a held account. Returns how many were blanked.
    @discardableResult
    func blankOldMail() async throws -> Int {
        let sql = try database.sql
        let cutoff = now.addingTimeInterval(-Double(RetentionPolicy.outboxBodyDays) * 86_400)
        let rows = try await sql.raw("""
            SELECT id FROM outbox_messages WHERE created_at < \(bind: cutoff) AND next_attempt_at IS NULL AND body <> ''
            AND \(DeletionGate.notHeld(emailColumn: "recipient")) LIMIT 5000
            """).all()
        let keys = try rows.map { try RowKey.decode($0, column: "id") }
        for batch in keys.chunked(into: PersonalDataEraser.batchSize) {
            try await sql.raw("UPDATE outbox_messages SET body = '', subject = '' WHERE id IN (\(binds: Array(batch)))").run()
        }
        if !keys.isEmpty {
            try await PrivacyLedger(database: database, now: now).record(
                "outbox_bodies", .init(), tables: [LedgerTable(table: OutboxMessage.schema, fields: ["body", "subject"], rows: keys.count)], actor: "system")
        }
        return keys.count
    }
}
