import Fluent
import Foundation
import Vapor

/// The status page's periodic work (STS-2, STS-3, STS-4). Each finds its work through an
/// indexed due time, is idempotent, and logs and skips a bad row instead of stopping.
enum StatusJobs {
    /// Starts, reminds about and ends scheduled maintenances on time.
    static let maintenance = ScheduledJob(name: "status_maintenance", interval: 5) { app, now in
        let incidents = app.statusIncidents(now: now)
        var changed = false
        for maintenance in try await incidents.dueMaintenances(limit: 100) {
            do {
                if try await incidents.advance(maintenance) != nil { changed = true }
            } catch {
                app.logger.error("status maintenance step failed", metadata: ["incident": "\(maintenance.id ?? "")", "error": "\(String(reflecting: error))"])
            }
        }
        if changed { app.statusSnapshots.invalidate() }
    }

    /// At most 10 batches of 1,000 subscribers a pass, so a large mailing leaves the other jobs
    /// their turn; the pass runs every second until the mailing is written.
    static let batchesPerPass = 10

    /// Writes queued subscriber mail to the outbox.
    static let notifications = ScheduledJob(name: "status_notifications", interval: 1) { app, now in
        try await app.statusMailings(now: now).writeDue(batches: batchesPerPass)
    }

    /// Opens the reason-for-outage tickets.
    static let rfoTickets = ScheduledJob(name: "status_rfo", interval: 30) { app, now in
        try await app.statusRFO(now: now).deliverDue(logger: app.logger)
    }

    /// Deletes subscriptions never confirmed.
    static let subscriberPurge = ScheduledJob(name: "status_subscriber_purge", interval: 3600) { app, now in
        try await app.statusSubscribers(now: now).purgeUnconfirmed()
    }
}
