import Fluent
import Foundation
import Vapor

/// The support desk's periodic work (SUP-6, SUP-8). Both jobs find their work through an
/// indexed due-time column and are safe to run twice.
enum SupportJobs {
    static let slaBreach = ScheduledJob(name: "support_sla_breach", interval: 60) { app, now in
        try await app.db.transaction { db in
            _ = try await app.tickets(now: now, on: db).breachDue()
        }
    }

    static let autoClose = ScheduledJob(name: "support_auto_close", interval: 3600) { app, now in
        try await app.db.transaction { db in
            _ = try await app.tickets(now: now, on: db).closeSolved()
        }
    }

    static let pendingFollowUp = ScheduledJob(name: "support_pending_follow_up", interval: 600) { app, now in
        try await app.db.transaction { db in
            _ = try await app.tickets(now: now, on: db).followUpPending()
        }
    }
}
