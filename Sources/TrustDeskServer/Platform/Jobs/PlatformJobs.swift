import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The platform's own periodic work; features add theirs beside it in `configure`.
enum PlatformJobs {
    static let outboxDelivery = ScheduledJob(name: "outbox_delivery", interval: 1) { app, now in
        try await OutboxDelivery(
            database: app.db, transport: app.mailTransport,
            from: app.trustDeskConfiguration.mailFrom, logger: app.logger
        ).deliverDue(now: now)
    }

    /// Unconfirmed sign-ups after 7 days (ACC-3), and what has aged out of use: expired
    /// sessions, spent reset links, old throttle counts.
    static let purge = ScheduledJob(name: "purge_expired", interval: 3600) { app, now in
        try await purgeExpired(on: app.db, now: now)
    }

    static func purgeExpired(on database: any Database, now: Date) async throws {
        try await Registration.query(on: database)
            .filter(\.$createdAt <= now.addingTimeInterval(-SingleUseLink.registrationRetention))
            .delete()
        try await UserSession.query(on: database).filter(\.$expiresAt <= now).delete()
        try await PasswordReset.query(on: database).filter(\.$expiresAt <= now.addingTimeInterval(-86400)).delete()
        try await Throttle.purge(on: database, olderThan: now.addingTimeInterval(-86400))
    }
}
