import ConsoleKit
import Fluent
import Foundation
import SQLKit
import TrustDeskCore
import Vapor

/// `trustdesk bench-status`: seeds a status page (50 components, 20 unresolved incidents of 10
/// updates, 10 maintenances), then measures against same-run baselines: an update's fan-out to
/// `subscribers` subscribers (baseline: a raw multi-row INSERT of as many outbox rows) with the
/// SLA breach pass running beside it as the scheduler runs it, the snapshot rebuild, and the
/// history's deep page at `incidents` incidents. Run it on an empty database; never in CI.
struct StatusBenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "subscribers", help: "Confirmed subscribers to mail (default 100000).")
        var subscribers: Int?
        @Option(name: "incidents", help: "Past incidents in the history (default 10000).")
        var incidents: Int?
        @Option(name: "samples", help: "Timed operations per measurement (default 200).")
        var samples: Int?
        @Flag(name: "page-only", help: "Only seed the page (for the HTTP benchmark) and stop.")
        var pageOnly: Bool
    }

    var help: String { "Seeds a status page into an empty database and measures fan-out, snapshot and history." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await DatabaseSetup.createSchemaIfNeeded(app)
        try await app.autoMigrate()
        guard try await StatusComponent.query(on: app.db).count() == 0 else {
            context.console.error("bench-status needs an empty status page: point TRUSTDESK_DATA_DIR or DATABASE_URL at a fresh database.")
            return
        }
        let bench = StatusBench(app: app, console: context.console, samples: signature.samples ?? 200)
        let staff = try await bench.seedPage()
        if signature.pageOnly {
            context.console.print("seeded: 50 components, 20 unresolved incidents of 10 updates, 10 maintenances")
            return
        }
        try await bench.run(staff: staff, subscribers: signature.subscribers ?? 100_000, incidents: signature.incidents ?? 10_000)
    }
}

struct StatusBench {
    let app: Application
    let console: any Console
    let samples: Int

    /// 50 components in 5 groups, 20 unresolved incidents with 10 updates each, 10 maintenances.
    func seedPage() async throws -> User {
        let now = app.clock.now()
        let staff = User(sid: SID.generate(.user), username: "bench.status.\(Int(now.timeIntervalSince1970))", email: "bench.status@example.com",
                         fullName: "Status Bench", passwordHash: "-", staffRole: .admin, now: now)
        try await staff.create(on: app.db)
        let components = StatusComponents(database: app.db, now: now)
        var leaves: [String] = []
        for group in 1...5 {
            let groupID = try await add(components, "Group \(group)", position: group, group: "", isGroup: true, by: staff)
            for member in 1...9 {
                leaves.append(try await add(components, "Component \(group).\(member)", position: member, group: groupID, isGroup: false, by: staff))
            }
        }
        let incidents = app.statusIncidents(now: now)
        for index in 0..<20 {
            var errors = FormErrors()
            let input = IncidentInput(kind: .incident, name: "Bench incident \(index)", status: "investigating", body: String(repeating: "Looking into it. ", count: 8),
                                      components: [leaves[index % leaves.count]: ComponentStatus.degradedPerformance.rawValue], notify: false)
            guard let checked = try await incidents.check(input, errors: &errors) else { continue }
            let incident = try await incidents.open(checked, by: staff)
            for step in 1..<10 {
                var stepErrors = FormErrors()
                let update = UpdateInput(status: step % 2 == 0 ? "identified" : "investigating", body: "Update \(step): still working on it.", notify: false)
                guard let checkedUpdate = try await incidents.check(update, for: incident, errors: &stepErrors) else { continue }
                try await incidents.post(checkedUpdate, to: incident, by: staff)
            }
        }
        let zone = app.statusSettings.timeZone
        for index in 0..<10 {
            let start = now.addingTimeInterval(Double(index + 2) * 86_400)
            var errors = FormErrors()
            let input = IncidentInput(kind: .maintenance, name: "Bench maintenance \(index)", body: "Planned work.",
                                      components: [leaves[index]: "affected"], scheduledFor: StatusDateDisplay.field(start, zone: zone),
                                      scheduledUntil: StatusDateDisplay.field(start.addingTimeInterval(7_200), zone: zone), notify: false)
            guard let checked = try await incidents.check(input, errors: &errors) else { continue }
            _ = try await incidents.open(checked, by: staff)
        }
        app.statusSnapshots.invalidate()
        return staff
    }

    private func add(_ components: StatusComponents, _ name: String, position: Int, group: String, isGroup: Bool, by staff: User) async throws -> String {
        let input = ComponentInput(name: name, description: "", product: StatusProduct.sms.rawValue, position: String(position),
                                   status: ComponentStatus.operational.rawValue, groupID: group, isGroup: isGroup, showcase: true, onlyShowIfDegraded: false)
        var errors = FormErrors()
        guard let checked = try await components.check(input, editing: nil, errors: &errors) else {
            throw DomainError(.invalidParameter, errors.items.first?.message ?? "component")
        }
        return try await components.create(checked, input: input, by: staff).id ?? ""
    }

    func run(staff: User, subscribers: Int, incidents: Int) async throws {
        let database = (app.db as? any SQLDatabase)?.dialect.name ?? "sql"
        console.print("bench-status on \(database): \(subscribers) subscribers, \(incidents) past incidents")
        var rows: [(String, String)] = []

        var started = ContinuousClock.now
        try await seedSubscribers(subscribers)
        rows.append(("raw insert: subscribers", rate(subscribers, SupportBench.seconds(since: started))))

        // Baseline: the same number of outbox rows in raw multi-row INSERTs, 1,000 per transaction.
        let now = app.clock.now()
        started = ContinuousClock.now
        for start in stride(from: 0, to: subscribers, by: StatusMailings.batchSize) {
            let mails = (start..<min(start + StatusMailings.batchSize, subscribers)).map {
                Outbox.Mail(recipient: "baseline\($0)@example.com", subject: "Baseline", body: String(repeating: "x", count: 600), headers: [])
            }
            try await app.db.transaction { db in try await Outbox(database: db, now: now).enqueueAll(mails, kind: "bench_baseline") }
        }
        let baseline = SupportBench.seconds(since: started)
        rows.append(("baseline: raw multi-row INSERT of \(subscribers) outbox rows", rate(subscribers, baseline)))
        try await OutboxMessage.query(on: app.db).filter(\.$kind == "bench_baseline").delete()

        // The fan-out, with the SLA breach pass beside it as the scheduler runs them: one after
        // the other each tick, the tick every second.
        let component = try await StatusComponent.query(on: app.db).filter(\.$isGroup == false).first()
        var errors = FormErrors()
        let input = IncidentInput(kind: .incident, name: "Fan-out bench", status: "investigating", body: "We are investigating elevated errors.",
                                  components: [component?.id ?? "": ComponentStatus.partialOutage.rawValue], notify: true)
        guard let checked = try await app.statusIncidents(now: now).check(input, errors: &errors) else { return }
        _ = try await app.statusIncidents(now: now).open(checked, by: staff)
        started = ContinuousClock.now
        var gaps: [Double] = []
        var slaDurations: [Double] = []
        var lastSLA = ContinuousClock.now
        var passes = 0
        while try await StatusMailing.query(on: app.db).filter(\.$dueAt != nil).count() > 0 {
            try await StatusJobs.notifications.run(app, app.clock.now())
            let slaStart = ContinuousClock.now
            gaps.append(SupportBench.seconds(since: lastSLA))
            lastSLA = slaStart
            try await SupportJobs.slaBreach.run(app, app.clock.now())
            slaDurations.append(SupportBench.seconds(since: slaStart) * 1000)
            passes += 1
            try await Task.sleep(for: .milliseconds(Int(app.trustDeskConfiguration.schedulerTick * 1000)))
        }
        let fanOut = SupportBench.seconds(since: started)
        let written = try await OutboxMessage.query(on: app.db).filter(\.$kind == "status_update").count()
        rows.append(("fan-out: update to \(subscribers) subscribers in the outbox", String(format: "%.1f s (%d rows, %d passes; %.1fx the baseline's time)",
                                                                                             fanOut, written, passes, fanOut / max(baseline, 0.001))))
        gaps.sort()
        slaDurations.sort()
        rows.append(("SLA breach pass meanwhile: gap between passes", String(format: "max %.2f s, p50 %.2f s (ideal: the 1 s tick)", gaps.last ?? 0, gaps[gaps.count / 2])))
        rows.append(("SLA breach pass meanwhile: duration", String(format: "max %.1f ms, p50 %.1f ms", slaDurations.last ?? 0, slaDurations[slaDurations.count / 2])))

        started = ContinuousClock.now
        try await seedHistory(incidents)
        rows.append(("raw insert: past incidents with an update each", rate(incidents, SupportBench.seconds(since: started))))
        rows.append(("snapshot rebuild (8 documents, page view)", try await time { _ in
            _ = try await StatusSnapshotBuilder(database: app.db, now: app.clock.now(), settings: app.statusSettings).build()
        }))
        let deep = try await deepCursor(incidents)
        rows.append(("history: deep page (query, 25 incidents with updates and components)", try await time { _ in
            _ = try await StatusHistory(database: app.db).page(before: deep)
        }))
        console.print("")
        console.print("| measurement | result |")
        console.print("| --- | --- |")
        for (name, value) in rows { console.print("| \(name) | \(value) |") }
        console.print("deep history page: /status/history?before=\(deep?.token ?? "")")
    }

    private func seedSubscribers(_ count: Int) async throws {
        let now = app.clock.now()
        let sql = try app.db.sql
        for start in stride(from: 0, to: count, by: 500) {
            var insert = sql.insert(into: StatusSubscriber.schema)
                .columns("id", "email", "components", "confirmed_at", "pending_components", "unsubscribe_token", "created_at")
            for index in start..<min(start + 500, count) {
                insert = insert.values(SQLBind(UUID()), SQLBind("subscriber\(index)@example.com"), SQLBind(""), SQLBind(now), SQLBind(""),
                                       SQLBind(Secrets.generate(.link)), SQLBind(now))
            }
            try await insert.run()
        }
    }

    /// Past incidents, one a day backwards, each with one resolved update.
    private func seedHistory(_ count: Int) async throws {
        let now = app.clock.now()
        let sql = try app.db.sql
        for start in stride(from: 0, to: count, by: 500) {
            let range = start..<min(start + 500, count)
            let ids = range.map { _ in StatusID.generate() }
            var incidents = sql.insert(into: StatusIncident.schema).columns("id", "kind", "name", "status", "impact", "impact_overridden", "started_at",
                                                                           "resolved_at", "created_by", "created_at", "updated_at")
            var updates = sql.insert(into: StatusIncidentUpdate.schema).columns("id", "incident_id", "status", "body", "display_at", "deliver_notifications",
                                                                               "affected_components", "created_by", "created_at", "updated_at")
            for (offset, index) in range.enumerated() {
                let started = StatusTime.wholeSeconds(now.addingTimeInterval(-Double(index + 30) * 86_400 / 4))
                incidents = incidents.values(SQLBind(ids[offset]), SQLBind("incident"), SQLBind("Past incident \(index)"), SQLBind("resolved"), SQLBind("minor"),
                                             SQLBind(false), SQLBind(started), SQLBind(started.addingTimeInterval(3600)), SQLBind("bench"), SQLBind(started), SQLBind(started))
                updates = updates.values(SQLBind(StatusID.generate()), SQLBind(ids[offset]), SQLBind("resolved"), SQLBind("This incident has been resolved."),
                                         SQLBind(started.addingTimeInterval(3600)), SQLBind(false), SQLBind("[]"), SQLBind("bench"), SQLBind(started), SQLBind(started))
            }
            try await incidents.run()
            try await updates.run()
        }
    }

    /// The cursor of the page 9/10 of the way back.
    private func deepCursor(_ incidents: Int) async throws -> StatusHistoryCursor? {
        let offset = incidents * 9 / 10
        let row = try await StatusIncident.query(on: app.db).sort(\.$startedAt, .descending).sort(\.$id, .descending).range(offset..<(offset + 1)).first()
        return row.map { StatusHistoryCursor(startedAt: $0.startedAt, id: $0.id ?? "") }
    }

    private func time(_ operation: (Int) async throws -> Void) async throws -> String {
        var durations: [Double] = []
        for index in 0..<samples {
            let start = ContinuousClock.now
            try await operation(index)
            durations.append(SupportBench.seconds(since: start) * 1000)
        }
        durations.sort()
        return String(format: "p50 %.2f ms, p95 %.2f ms (n=%d)", durations[durations.count / 2],
                      durations[min(durations.count - 1, durations.count * 95 / 100)], durations.count)
    }

    private func rate(_ count: Int, _ seconds: Double) -> String {
        String(format: "%.0f rows/s (%.1f s)", Double(count) / max(seconds, 0.001), seconds)
    }
}
