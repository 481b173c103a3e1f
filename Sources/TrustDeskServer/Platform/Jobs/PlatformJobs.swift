import Fluent
import Foundation
import SQLKit
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
    /// sessions, spent reset links, old throttle counts. Like every deletion it asks the
    /// privacy `DeletionGate` (PRV-6): rows of a held account's people stay.
    static let purge = ScheduledJob(name: "purge_expired", interval: 3600) { app, now in
        try await purgeExpired(on: app.db, now: now)
    }

    static func purgeExpired(on database: any Database, now: Date) async throws {
        let sql = try database.sql
        try await sql.raw("""
            DELETE FROM registrations WHERE created_at <= \(bind: now.addingTimeInterval(-SingleUseLink.registrationRetention))
            AND \(DeletionGate.notHeld(accountColumn: "account_sid"))
            """).run()
        try await sql.raw("DELETE FROM user_sessions WHERE expires_at <= \(bind: now) AND \(DeletionGate.notHeld(userColumn: "user_sid"))").run()
        try await sql.raw("""
            DELETE FROM password_resets WHERE expires_at <= \(bind: now.addingTimeInterval(-86400)) AND \(DeletionGate.notHeld(userColumn: "user_sid"))
            """).run()
        try await Throttle.purge(on: database, olderThan: now.addingTimeInterval(-86400))
    }
}
