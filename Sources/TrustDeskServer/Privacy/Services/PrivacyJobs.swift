import Fluent
import Foundation
import Vapor

/// The privacy feature's periodic work. Each finds its rows through an indexed due-time column.
enum PrivacyJobs {
    /// Requests to carry out (exports, deletions, restrictions) and confirmed under-age removals.
    static let requests = ScheduledJob(name: "privacy_requests", interval: 30) { app, now in
        try await app.privacyRequests(now: now).processDue()
        try await app.privacyRequests(now: now).removeExpiredExports()
        try await app.underAgeReports(now: now).removeDue()
    }

    /// PRV-3: flags requests past their due date and alerts the privacy desk.
    static let overdue = ScheduledJob(name: "privacy_overdue", interval: 60) { app, now in
        try await app.privacyRequests(now: now).flagOverdue()
    }

    /// PRV-4: retention steps of closed accounts, and outbox bodies older than 90 days.
    static let retention = ScheduledJob(name: "privacy_retention", interval: 3600) { app, now in
        let retention = PrivacyRetention(database: app.db, now: now, policy: app.trustDeskConfiguration.retentionPolicy)
        try await retention.runDue()
        try await retention.blankOldMail()
    }

    /// PRV-5: usage deletions in batches.
    static let usageDeletion = ScheduledJob(name: "privacy_usage_deletion", interval: 10) { app, now in
        try await UsageDeletions(database: app.db, now: now).runDue()
    }
}

/// Where privacy services are built: from a request, or from the application for jobs.
extension Request {
    var privacyRequests: PrivacyRequests { application.privacyRequests(now: now, database: db) }
    var underAgeReports: UnderAgeReports { application.underAgeReports(now: now, database: db) }
    var privacyPreferences: PrivacyPreferences { PrivacyPreferences(database: db, now: now) }
    var privacyLedger: PrivacyLedger { PrivacyLedger(database: db, now: now) }
    var legalHolds: LegalHolds { LegalHolds(database: db, now: now) }
    var usageDeletions: UsageDeletions { UsageDeletions(database: db, now: now) }
}

extension Application {
    func privacyRequests(now: Date, database: (any Database)? = nil) -> PrivacyRequests {
        PrivacyRequests(database: database ?? db, now: now, configuration: trustDeskConfiguration)
    }

    func underAgeReports(now: Date, database: (any Database)? = nil) -> UnderAgeReports {
        UnderAgeReports(database: database ?? db, now: now, configuration: trustDeskConfiguration)
    }

    func privacyRetention(now: Date, database: (any Database)? = nil) -> PrivacyRetention {
        PrivacyRetention(database: database ?? db, now: now, policy: trustDeskConfiguration.retentionPolicy)
    }
}
