import ConsoleKit
import Fluent
import Foundation
import SQLKit
import TrustDeskCore
import Vapor

/// `trustdesk bench-support-reports`: seeds the `bench-support` history (tickets every 30 s back
/// from now; solved and closed ones answered after 3 to 300 minutes), their ended response
/// targets, escalations and the daily backlog snapshots, rebuilds the report figures, then times
/// a 90-day report against the same-run baseline: a naive GROUP BY of `ticket_sla_targets`
/// joined to `tickets` (docs/performance.md). Run it on an empty database; never in CI.
struct ReportsBenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "tickets", help: "Tickets to seed (default 1000000).")
        var tickets: Int?
        @Option(name: "samples", help: "Timed reports per measurement (default 100).")
        var samples: Int?
        @Flag(name: "reuse", help: "Time the reports on a database this command already seeded (after a change, or to alternate binaries).")
        var reuse: Bool
    }

    var help: String { "Seeds a support history and times the 90-day reports against a naive GROUP BY." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let count = signature.tickets ?? 1_000_000
        try await DatabaseSetup.createSchemaIfNeeded(app)
        try await app.autoMigrate()
        let seeded = try await Ticket.query(on: app.db).count()
        guard seeded == 0 || signature.reuse else {
            context.console.error("bench-support-reports needs an empty database: point TRUSTDESK_DATA_DIR or DATABASE_URL at a fresh one (or pass --reuse).")
            return
        }
        let now = app.clock.now()
        let sql = try app.db.sql
        let bench = SupportBench(app: app, console: context.console, samples: signature.samples ?? 100)
        let dialect = (app.db as? any SQLDatabase)?.dialect.name ?? "sql"
        var rows: [(String, String)] = []
        let organisation: String
        if seeded > 0 {
            guard let first = try await Ticket.find(1, on: app.db) else {
                context.console.error("--reuse needs a database this command seeded (ticket 1 is missing).")
                return
            }
            organisation = first.organisationSID
            context.console.print("bench-support-reports on \(dialect): reusing \(seeded) seeded tickets")
        } else {
            organisation = try await seed(count, bench: bench, now: now, sql: sql, rows: &rows)
            context.console.print("bench-support-reports on \(dialect): \(count) tickets over \(count * 30 / 86_400) days")
        }
        let reports = SupportReports(database: app.db, now: now)
        let utc = try ReportPeriod.parse(from: "", to: "", zone: "UTC", allowedZones: SupportReport.zones, now: now)
        let ninety = ReportPeriod(first: LocalDate(dayNumber: utc.last.dayNumber - 89), last: utc.last, timeZone: utc.timeZone, zoneName: utc.zoneName)
        let newYork = TimeZone(identifier: "America/New_York") ?? utc.timeZone
        let ninetyNY = ReportPeriod(first: LocalDate(dayNumber: ReportPeriod.localDate(of: now, in: newYork).dayNumber - 89),
                                    last: ReportPeriod.localDate(of: now, in: newYork), timeZone: newYork)
        struct Naive: Decodable {
            let priority: Int
            let plan: String
            let status: String
            let n: Int
        }
        rows.append(("baseline: naive GROUP BY of ticket_sla_targets JOIN tickets, 90 days", try await bench.time { _ in
            _ = try await sql.raw("""
                SELECT t.priority AS priority, t.plan AS plan, s.status AS status, COUNT(*) AS n
                FROM ticket_sla_targets s JOIN tickets t ON t.number = s.ticket_number
                WHERE s.ended_at >= \(bind: ninety.start) AND s.ended_at < \(bind: ninety.end) AND s.status IN ('achieved', 'breached')
                GROUP BY t.priority, t.plan, s.status
                """).all(decoding: Naive.self)
        }))
        for report in SupportReport.allCases {
            rows.append(("\(report.rawValue), 90 days (UTC, whole desk)", try await bench.time { _ in
                _ = try await reports.build(report, period: ninety, filter: ReportFilter(), scope: ReportLedger.allScope)
            }))
        }
        for report in SupportReport.allCases {
            rows.append(("\(report.rawValue), 90 days (UTC, one organisation)", try await bench.time { _ in
                _ = try await reports.build(report, period: ninety, filter: ReportFilter(), scope: organisation)
            }))
        }
        rows.append(("the reports page: all four, 90 days (UTC, whole desk)", try await bench.time { _ in
            for report in SupportReport.allCases { _ = try await reports.build(report, period: ninety, filter: ReportFilter(), scope: ReportLedger.allScope) }
        }))
        rows.append(("all four, 90 days (New York days, whole desk)", try await bench.time { _ in
            for report in SupportReport.allCases { _ = try await reports.build(report, period: ninetyNY, filter: ReportFilter(), scope: ReportLedger.allScope) }
        }))
        rows.append(("all four, 90 days (UTC, one organisation)", try await bench.time { _ in
            for report in SupportReport.allCases { _ = try await reports.build(report, period: ninety, filter: ReportFilter(), scope: organisation) }
        }))
        context.console.print("")
        context.console.print("| measurement | result |")
        context.console.print("| --- | --- |")
        for (name, value) in rows { context.console.print("| \(name) | \(value) |") }
    }

    /// Seeds the history and its report figures; returns the organisation the one-organisation
    /// measurement reads.
    private func seed(_ count: Int, bench: SupportBench, now: Date, sql: any SQLDatabase, rows: inout [(String, String)]) async throws -> String {
        let app = bench.app
        let setup = try await bench.prepare(now: now)
        var started = ContinuousClock.now
        try await bench.seedTickets(count, setup: setup, now: now, sql: sql)
        try await seedEndedTargets(count, now: now, sql: sql)
        try await seedEscalations(count, setup: setup, now: now, sql: sql)
        rows.append(("seed: tickets, ended targets, escalations", String(format: "%.1f s", SupportBench.seconds(since: started))))
        started = ContinuousClock.now
        let hours = Set((0..<95).flatMap { back -> [Date] in
            SupportReport.zones.compactMap(TimeZone.init(identifier:)).map { zone in
                BacklogSnapshots.snapshot(for: LocalDate(dayNumber: ReportPeriod.localDate(of: now, in: zone).dayNumber - back - 1), in: zone)
            }
        })
        let snapshotRows = try await BacklogSnapshotter(database: app.db, now: now).take(at: hours.sorted())
        rows.append(("seed: backlog snapshots (\(hours.count) day ends, \(snapshotRows) rows)", String(format: "%.1f s", SupportBench.seconds(since: started))))
        started = ContinuousClock.now
        try await ReportRebuild(database: app.db, now: now).run()
        let dayRows = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(CreateSupportReportDays.table).first(decodingColumn: "n", as: Int.self) ?? 0
        rows.append(("rebuild of the daily figures (\(dayRows) rows)", String(format: "%.1f s", SupportBench.seconds(since: started))))
        return setup.organisations[0].sid
    }

    /// One first-response target per solved or closed ticket, ended when `seedTickets` says it
    /// was answered: achieved within 120 minutes, else breached at its due time.
    private func seedEndedTargets(_ count: Int, now: Date, sql: any SQLDatabase) async throws {
        var index = 0
        while index < count {
            var insert = sql.insert(into: TicketSLARecord.schema).columns(
                "id", "ticket_number", "metric", "status", "target_minutes", "around_the_clock", "used_seconds", "ended_at", "started_at")
            var rows = 0
            for n in index..<min(index + SupportBench.batch, count) {
                guard let delay = SupportBench.answerMinutes(n) else { continue }
                let created = SupportBench.created(n, count: count, now: now)
                let achieved = delay <= 120
                insert = insert.values([
                    UUID(), n + 1, SLAMetric.firstResponse.rawValue, achieved ? SLAStatus.achieved.rawValue : SLAStatus.breached.rawValue, 120, false,
                    Double(min(delay, 120) * 60), created.addingTimeInterval(Double(min(delay, 120)) * 60), created,
                ] as [any Encodable & Sendable])
                rows += 1
            }
            if rows > 0 { try await insert.run() }
            index += SupportBench.batch
        }
    }

    /// An escalation on every 500th ticket, acknowledged after 1 to 90 minutes.
    private func seedEscalations(_ count: Int, setup: SupportBench.Setup, now: Date, sql: any SQLDatabase) async throws {
        var insert = sql.insert(into: TicketEscalation.schema).columns(
            "id", "ticket_number", "organisation_sid", "plan", "priority", "group_name", "reason", "note", "status", "raised_by_sid", "raised_by_name",
            "alerted", "created_at", "acknowledged_at")
        var rows = 0
        for n in stride(from: 0, to: count, by: 500) {
            let created = SupportBench.created(n, count: count, now: now).addingTimeInterval(600)
            insert = insert.values([
                UUID(), n + 1, setup.organisations[n % setup.organisations.count].sid, "personalized", 1 + n % 3, SupportGroup.pse,
                EscalationReason.allCases[n % 2].rawValue, "", EscalationStatus.acknowledged.rawValue, setup.owner.sid, "Bench Owner", "",
                created, created.addingTimeInterval(Double(1 + (n / 500) % 90) * 60),
            ] as [any Encodable & Sendable])
            rows += 1
            if rows == SupportBench.batch {
                try await insert.run()
                insert = sql.insert(into: TicketEscalation.schema).columns(
                    "id", "ticket_number", "organisation_sid", "plan", "priority", "group_name", "reason", "note", "status", "raised_by_sid", "raised_by_name",
                    "alerted", "created_at", "acknowledged_at")
                rows = 0
            }
        }
        if rows > 0 { try await insert.run() }
    }
}
