import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// The hourly backlog snapshot (SUP-16): unsolved tickets by status, group, plan and priority,
/// for the whole desk and for each personalized organisation. Running it twice in an hour
/// replaces that hour's rows; older hours that end no day in a report zone are pruned after
/// three days.
struct BacklogSnapshotter {
    let database: any Database
    let now: Date

    struct Count: Decodable {
        let organisation_sid: String
        let status: String
        let group_name: String
        let plan: String
        let priority: Int
        let tickets: Int
    }

    /// Takes this hour's snapshot; returns the rows written.
    @discardableResult
    func take() async throws -> Int {
        try await take(at: [BacklogSnapshots.takenAt(now)])
    }

    /// Writes the backlog as it is now under each of `hours` (the benchmark seeds history so).
    @discardableResult
    func take(at hours: [Date]) async throws -> Int {
        let counts = try await database.sql.select()
            .columns("organisation_sid", "status", "group_name", "plan", "priority")
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "tickets")
            .from(Ticket.schema).where("unsolved", .equal, true)
            .groupBy("organisation_sid").groupBy("status").groupBy("group_name").groupBy("plan").groupBy("priority")
            .all(decoding: Count.self)
        struct Key: Hashable {
            let scope: String
            let status: String
            let group: String
            let plan: String
            let priority: Int
        }
        var rows: [Key: Int] = [:]
        for count in counts {
            rows[Key(scope: ReportLedger.allScope, status: count.status, group: count.group_name, plan: count.plan, priority: count.priority), default: 0] += count.tickets
            if count.plan == SupportPlan.personalized.id {
                rows[Key(scope: count.organisation_sid, status: count.status, group: count.group_name, plan: count.plan, priority: count.priority), default: 0] += count.tickets
            }
        }
        let counted = rows
        try await database.transaction { db in
            for takenAt in hours {
                let endsDay = BacklogSnapshots.endsDay(takenAt, zones: SupportReport.zones)
                try await db.sql.delete(from: CreateSupportBacklogSnapshots.table).where("taken_at", .equal, takenAt).run()
                let entries = Array(counted)
                for start in stride(from: 0, to: entries.count, by: 300) {
                    var insert = try db.sql.insert(into: CreateSupportBacklogSnapshots.table)
                        .columns("taken_at", "scope", "status", "group_name", "plan", "priority", "tickets", "day_end")
                    for (key, tickets) in entries[start..<min(start + 300, entries.count)] {
                        insert = insert.values(SQLBind(takenAt), SQLBind(key.scope), SQLBind(key.status), SQLBind(key.group), SQLBind(key.plan),
                                               SQLBind(key.priority), SQLBind(tickets), SQLBind(endsDay))
                    }
                    try await insert.run()
                }
            }
            try await db.sql.delete(from: CreateSupportBacklogSnapshots.table)
                .where("taken_at", .lessThan, now.addingTimeInterval(-BacklogSnapshots.keepAllFor)).where("day_end", .equal, false).run()
            try await db.sql.delete(from: CreateSupportBacklogSnapshots.table)
                .where("taken_at", .lessThan, now.addingTimeInterval(-BacklogSnapshots.keepDayEndsFor)).run()
        }
        return rows.count * hours.count
    }
}

enum SupportReportJobs {
    static let backlogSnapshot = ScheduledJob(name: "support_backlog_snapshot", interval: 900) { app, now in
        try await BacklogSnapshotter(database: app.db, now: now).take()
    }
}
