import Fluent
import Foundation
import Logging
import SQLKit
import Synchronization
import TrustDeskCore
import Vapor

/// Each node's own upkeep of its admission desk, every second: it says it is alive (the lease
/// holder's heartbeat), leases whose hour ended give their units back, the leases of nodes that
/// are gone (killed without a word) give back what those nodes never reserved, anything left in
/// the admission journal is written, and accounts whose policy changed (an override, a new
/// score) lose their cached lease, so a change takes effect on every node within about a
/// second. Not a `ScheduledJob`: every node must run it, not one.
enum TrustMaintenance {
    static func run(_ app: Application, now: Date) async throws {
        let desk = app.admissionDesk
        let ledger = app.trustContext(now: now).ledger
        let second = Int64(now.timeIntervalSince1970.rounded(.down))
        try await ledger.heartbeat(desk.holder)
        for (account, release) in desk.releaseExpired(atSecond: second) {
            try await ledger.release(account, release, holder: desk.holder)
        }
        let reclaimed = try await ledger.reclaimGone()
        if reclaimed.leases > 0 {
            app.logger.notice("reclaimed the unreserved quota of gone lease holders", metadata: [
                "holders": "\(reclaimed.holders)", "leases": "\(reclaimed.leases)", "units": "\(reclaimed.units)",
            ])
        }
        try await desk.journal.sync(on: app.eventLoopGroup.any())
        // Poll the cheap, indexed `updated_at` for changed policies.
        let since = desk.lastPolicyPoll.withLock { $0 } ?? now.addingTimeInterval(-5)
        let changed = try await TrustProfile.query(on: app.db).filter(\.$updatedAt >= since.addingTimeInterval(-2)).all()
        desk.lastPolicyPoll.withLock { $0 = now }
        for profile in changed {
            if let release = desk.invalidate(profile.accountSID) { try await ledger.release(profile.accountSID, release, holder: desk.holder) }
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
        let desk = application.admissionDesk
        let ledger = application.trustContext(now: now).ledger
        let logger = Logger(label: "trustdesk.trust")
        for (account, release) in desk.releaseAll() {
            do {
                try await ledger.release(account, release, holder: desk.holder)
            } catch {
                logger.error("could not give a lease back; another node reclaims it", metadata: ["account_sid": "\(account)", "error": "\(String(reflecting: error))"])
            }
        }
        do {
            try await desk.journal.sync(on: application.eventLoopGroup.any())
            // Whatever could not be given back is reclaimed by the next node that looks.
            try await ledger.retire(desk.holder)
        } catch {
            logger.error("stopping with the admission journal or lease holder not written", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
