import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Status page: scheduled maintenance on the clock")
struct StatusMaintenanceTests {
    /// Saturday 2026-03-28 12:00 UTC: the night after, Europe/London moves to summer time at 01:00 UTC.
    static let dayBefore = Date(timeIntervalSince1970: 1_774_699_200)
    static let start = Date(timeIntervalSince1970: 1_774_746_000)  // 2026-03-29 01:00 UTC = 02:00 BST
    static let end = Date(timeIntervalSince1970: 1_774_753_200)    // 2026-03-29 03:00 UTC = 04:00 BST

    /// A London-zoned page with a maintenance of `component` 01:00-03:00 UTC on the DST night.
    static func world(_ app: Application) async throws -> (User, StatusComponent, StatusIncident) {
        app.trustDeskConfiguration.statusTimeZone = "Europe/London"
        app.clock.set(dayBefore)
        let staff = try await StatusTestKit.admin(app)
        let email = try await StatusTestKit.component(app, "Email", product: .email, by: staff)
        try await StatusTestKit.subscriber(app, "ops@example.com")
        let maintenance = try await StatusTestKit.maintenance(app, "Mail relay upgrade", from: "2026-03-29T02:00", until: "2026-03-29T04:00",
                                                              components: [email.id ?? ""], by: staff)
        return (staff, email, maintenance)
    }

    static func reload(_ app: Application, _ incident: StatusIncident) async throws -> StatusIncident {
        try #require(try await StatusIncident.find(incident.id, on: app.db))
    }

    static func component(_ app: Application, _ component: StatusComponent) async throws -> ComponentStatus {
        try #require(try await StatusComponent.find(component.id, on: app.db)).componentStatus
    }

    @Test("STS-2: on the DST night a 01:00-03:00 UTC maintenance shows as 02:00-04:00 BST, is reminded at 00:00 UTC, starts at exactly 01:00 and ends at exactly 03:00")
    func onTheNight() async throws {
        try await withTrustDesk { app in
            let (_, email, maintenance) = try await Self.world(app)
            #expect(maintenance.scheduledFor == Self.start && maintenance.scheduledUntil == Self.end)
            #expect(maintenance.nextDueAt == Self.start.addingTimeInterval(-3600))
            let page = try await StatusTestKit.get(app, "/status")
            #expect(page.text.contains("Mar 29, 2026 02:00 BST – Mar 29, 2026 04:00 BST"))
            #expect(page.text.contains("Europe/London"))
            try await StatusTestKit.run(StatusJobs.notifications, app)
            #expect(try await TestData.mail(app, to: "ops@example.com").map(\.subject) == ["[TrustDesk status] Scheduled: Mail relay upgrade"])

            app.clock.set(Self.start.addingTimeInterval(-3601))
            try await StatusTestKit.run(StatusJobs.maintenance, app)
            try await StatusTestKit.run(StatusJobs.notifications, app)
            #expect(try await TestData.mail(app, to: "ops@example.com").count == 1)
            app.clock.set(Self.start.addingTimeInterval(-3600))
            try await StatusTestKit.run(StatusJobs.maintenance, app)
            try await StatusTestKit.run(StatusJobs.notifications, app)
            let reminder = try #require(try await TestData.mail(app, to: "ops@example.com").last)
            #expect(reminder.subject.contains("Reminder") && reminder.body.contains("Mar 29, 2026 02:00 BST to Mar 29, 2026 04:00 BST"))
            // A second pass at the same moment sends nothing more.
            try await StatusTestKit.run(StatusJobs.maintenance, app)
            try await StatusTestKit.run(StatusJobs.notifications, app)
            #expect(try await TestData.mail(app, to: "ops@example.com").count == 2)

            app.clock.set(Self.start.addingTimeInterval(-1))
            try await StatusTestKit.run(StatusJobs.maintenance, app)
            #expect(try await Self.reload(app, maintenance).status == "scheduled")
            app.clock.set(Self.start)
            try await StatusTestKit.run(StatusJobs.maintenance, app)
            #expect(try await Self.reload(app, maintenance).status == "in_progress")
            #expect(try await Self.component(app, email) == .underMaintenance)
            try await StatusTestKit.run(StatusJobs.notifications, app)
            let live = try await StatusTestKit.get(app, "/api/v2/scheduled-maintenances/active.json").json["scheduled_maintenances"] as? [[String: Any]]
            #expect(live?.count == 1)
            let status = try await StatusTestKit.get(app, "/api/v2/status.json").json["status"] as? [String: Any]
            #expect(status?["description"] as? String == "Service Under Maintenance")

            app.clock.set(Self.end.addingTimeInterval(-1))
            try await StatusTestKit.run(StatusJobs.maintenance, app)
            #expect(try await Self.reload(app, maintenance).status == "in_progress")
            app.clock.set(Self.end)
            try await StatusTestKit.run(StatusJobs.maintenance, app)
            let done = try await Self.reload(app, maintenance)
            #expect(done.status == "completed" && done.nextDueAt == nil)
            #expect(try await Self.component(app, email) == .operational)
            let changes = try await StatusComponentChange.query(on: app.db).filter(\.$componentID == email.id ?? "").sort(\.$at).all()
            #expect(changes.map(\.toStatus) == ["operational", "under_maintenance", "operational"])
            #expect(changes.dropFirst().allSatisfy { $0.actor == "system" && $0.incidentID == maintenance.id })
            try await StatusTestKit.run(StatusJobs.notifications, app)
            #expect(try await TestData.mail(app, to: "ops@example.com").map(\.subject).suffix(2)
                == ["[TrustDesk status] In progress: Mail relay upgrade", "[TrustDesk status] Completed: Mail relay upgrade"])
        }
    }

    @Test("STS-2: a node down past the start starts it late without a stale reminder; down past the end, it completes without touching components")
    func lateRuns() async throws {
        try await withTrustDesk { app in
            let (staff, email, maintenance) = try await Self.world(app)
            app.clock.set(Self.start.addingTimeInterval(600))
            try await StatusTestKit.run(StatusJobs.maintenance, app)
            #expect(try await Self.reload(app, maintenance).status == "in_progress")
            #expect(try await Self.reload(app, maintenance).remindedAt == nil)
            try await StatusTestKit.run(StatusJobs.notifications, app)
            #expect(!(try await TestData.mail(app, to: "ops@example.com").contains { $0.subject.contains("Reminder") }))

            let second = try await StatusTestKit.maintenance(app, "Second window", from: "2026-03-30T10:00", until: "2026-03-30T11:00",
                                                             components: [email.id ?? ""], by: staff)
            app.clock.set(Date(timeIntervalSince1970: 1_774_875_600))  // 2026-03-30 13:00 UTC, three hours after its end
            try await StatusTestKit.run(StatusJobs.maintenance, app)
            let missed = try await Self.reload(app, second)
            #expect(missed.status == "completed")
            let updates = try await StatusIncidentUpdate.query(on: app.db).filter(\.$incidentID == second.id ?? "").all()
            #expect(updates.contains { $0.body == StatusMail.maintenanceWindowPassed && !$0.deliverNotifications })
            #expect(try await StatusComponentChange.query(on: app.db).filter(\.$incidentID == second.id).all().isEmpty)
        }
    }

    @Test("STS-2: staff complete a maintenance ahead of time; components come back and the job has nothing left to do")
    func completedEarly() async throws {
        try await withTrustDesk { app in
            let (staff, email, maintenance) = try await Self.world(app)
            app.clock.set(Self.start)
            try await StatusTestKit.run(StatusJobs.maintenance, app)
            #expect(try await Self.component(app, email) == .underMaintenance)
            app.clock.set(Self.start.addingTimeInterval(1800))
            try await StatusTestKit.update(app, maintenance, status: "verifying", by: staff)
            #expect(try await Self.component(app, email) == .underMaintenance)
            try await StatusTestKit.update(app, maintenance, status: "completed", body: "Done early.", by: staff)
            let done = try await Self.reload(app, maintenance)
            #expect(done.status == "completed" && done.nextDueAt == nil)
            #expect(try await Self.component(app, email) == .operational)
            app.clock.set(Self.end)
            try await StatusTestKit.run(StatusJobs.maintenance, app)
            #expect(try await StatusIncidentUpdate.query(on: app.db).filter(\.$incidentID == maintenance.id ?? "").count() == 4)
            var errors = FormErrors()
            let refused = try await app.statusIncidents(now: app.now).check(UpdateInput(status: "in_progress", body: "Again"), for: done, errors: &errors)
            #expect(refused == nil && errors.first?.code == 22001)
        }
    }
}
