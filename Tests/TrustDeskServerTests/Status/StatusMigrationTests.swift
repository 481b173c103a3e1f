import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Status page: migrations")
struct StatusMigrationTests {
    static let migrations: [any AsyncMigration] = [
        CreateStatusPages(), CreateStatusComponents(), CreateStatusComponentChanges(),
        CreateStatusIncidents(), CreateStatusIncidentComponents(), CreateStatusIncidentUpdates(), CreateStatusSubscribers(),
        CreateStatusMailings(), CreateStatusNotifications(), CreateStatusRFODeliveries(),
    ]

    @Test("STS-1: the status tables revert and apply again, and work after it")
    func revertAndApply() async throws {
        try await withTrustDesk { app in
            for migration in Self.migrations.reversed() { try await migration.revert(on: app.db) }
            for migration in Self.migrations { try await migration.prepare(on: app.db) }
            let staff = try await StatusTestKit.admin(app)
            let sms = try await StatusTestKit.component(app, "SMS", by: staff)
            _ = try await StatusTestKit.incident(app, components: [sms.id ?? "": .majorOutage], by: staff)
            let summary = try await StatusTestKit.get(app, "/api/v2/summary.json")
            #expect((summary.json["incidents"] as? [[String: Any]])?.count == 1)
            // A classified kind: an unclassified one counts as marketing and is never queued (PRV-7).
            let queued = try await Outbox(database: app.db, now: app.now).enqueue(to: "a@example.com", subject: "s", body: "b", kind: "support_ticket",
                                                                                  headers: [MailHeader("Reply-To", "desk@example.com")])
            #expect(queued != nil)
            #expect(try await OutboxMessage.query(on: app.db).first()?.headers() == [MailHeader("Reply-To", "desk@example.com")])
        }
    }
}
