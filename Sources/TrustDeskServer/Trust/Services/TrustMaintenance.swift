import Fluent
import Foundation
import Logging
import SQLKit
import Synchronization
import TrustDeskCore
import Vapor

/// Each node's own upkeep of its admission desk, every second: leases whose hour ended give
/// their units back, the journal (admitted message SIDs, refusals to call back) is written in
/// batches, and accounts whose policy changed (an override, a new score) lose their cached
/// lease, so a change takes effect on every node within about a second. Not a `ScheduledJob`:
/// every node must run it, not one.
enum TrustMaintenance {
    static func run(_ app: Application, now: Date) async throws {
        let desk = app.admissionDesk
        let ledger = app.trustContext(now: now).ledger
        let second = Int64(now.timeIntervalSince1970.rounded(.down))
        for (account, release) in desk.releaseExpired(atSecond: second) {
            try await ledger.giveBack(account, release)
        }
        try await flush(desk.takeJournal(), on: app.db, now: now)
        // Poll the cheap, indexed `updated_at` for changed policies.
        let since = desk.lastPolicyPoll.withLock { $0 } ?? now.addingTimeInterval(-5)
        let changed = try await TrustProfile.query(on: app.db).filter(\.$updatedAt >= since.addingTimeInterval(-2)).all()
        desk.lastPolicyPoll.withLock { $0 = now }
        for profile in changed {
            if let release = desk.invalidate(profile.accountSID) { try await ledger.giveBack(profile.accountSID, release) }
        }
    }

    static func flush(_ journal: AdmissionDesk.Journal, on database: any Database, now: Date) async throws {
        let sql = try database.sql
        for chunk in stride(from: 0, to: journal.admitted.count, by: 500) {
            let rows = journal.admitted[chunk..<min(chunk + 500, journal.admitted.count)]
            var insert = sql.insert(into: AdmittedMessage.schema).columns("message_sid", "account_sid", "admitted_at")
            for row in rows { insert = insert.values(SQLBind(row.message), SQLBind(row.account), SQLBind(row.at)) }
            try await insert.ignoringConflicts(with: ["message_sid"]).run()
        }
        for refusal in journal.refused {
            var parameters = [
                "AccountSid": refusal.account, "ErrorCode": "63038", "MessageStatus": "failed",
                "ErrorMessage": "Daily message cap reached", "Timestamp": ISO8601DateFormatter().string(from: refusal.at),
            ]
            if let message = refusal.message { parameters["MessageSid"] = message }
            if let limit = refusal.limit { parameters["DailyLimit"] = String(limit) }
            let signature = CallbackSignature.sign(url: refusal.url, parameters: parameters, secret: refusal.secret)
            try await CallbackDelivery(account: refusal.account, url: refusal.url, body: CallbackSignature.formBody(parameters),
                                       signature: signature, now: now).create(on: database)
        }
    }
}

/// Starts `TrustMaintenance` on this node and returns every lease when the node stops.
final class TrustMaintenanceLoop: NodeBackgroundWork, Sendable {
    let interval: TimeInterval
    private let loop = BackgroundLoop()

    init(interval: TimeInterval = 1) {
        self.interval = interval
    }

    func didBoot(_ application: Application) throws {
        let interval = self.interval
        let logger = Logger(label: "trustdesk.trust")
        loop.start(every: interval) {
            do {
                try await TrustMaintenance.run(application, now: application.clock.now())
            } catch {
                logger.error("trust maintenance failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        await loop.stop()
        let now = application.clock.now()
        let ledger = application.trustContext(now: now).ledger
        for (account, release) in application.admissionDesk.releaseAll() {
            try? await ledger.giveBack(account, release)
        }
        try? await TrustMaintenance.flush(application.admissionDesk.takeJournal(), on: application.db, now: now)
    }
}
