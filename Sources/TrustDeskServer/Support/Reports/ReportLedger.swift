import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// What the report rows are keyed by, of a `Ticket` or of a narrower row of one.
protocol ReportedTicket {
    var organisationSID: String { get }
    var plan: String { get }
    var priority: Int { get }
    var groupName: String { get }
}

extension Ticket: ReportedTicket {}

/// Adds each ended target and each first response to the daily figures of every report zone,
/// for the whole desk and for the ticket's organisation, in the caller's transaction (SUP-16).
/// Reports then read a few rows per day however many tickets there are.
struct ReportLedger {
    let database: any Database
    let now: Date

    static let allScope = "*"

    /// The report zones, looked up once: a breach pass asks for them thousands of times.
    private static let zones: [(String, TimeZone?)] = SupportReport.zones.map { ($0, TimeZone(identifier: $0)) }

    struct Key: Hashable {
        let zone: String
        let day: String
        let scope: String
        let plan: String
        let priority: Int
        let group: String
    }

    func keys(for ticket: some ReportedTicket, at instant: Date) -> [Key] {
        Self.zones.flatMap { zone, timeZone -> [Key] in
            let day = timeZone.map { ReportPeriod.localDate(of: instant, in: $0).description } ?? ""
            return [Self.allScope, ticket.organisationSID].map { scope in
                Key(zone: zone, day: day, scope: scope, plan: ticket.plan, priority: ticket.priority, group: ticket.groupName)
            }
        }
    }

    /// A target ended achieved or breached (on the day it ended: a breach counts on its due day).
    func targetEnded(_ ticket: Ticket, achieved: Bool, at instant: Date) async throws {
        try await targetsEnded([(ticket, instant)], achieved: achieved)
    }

    /// Many targets ended alike (a breach pass): each day's row is added to once with the sum,
    /// in multi-row upserts, instead of once per target for every zone and scope.
    func targetsEnded<Ended: ReportedTicket>(_ ended: [(ticket: Ended, at: Date)], achieved: Bool) async throws {
        var counts: [Key: Int] = [:]
        for (ticket, instant) in ended {
            for key in keys(for: ticket, at: instant) { counts[key, default: 0] += 1 }
        }
        let rows = counts.sorted { ($0.key.zone, $0.key.day, $0.key.scope, $0.key.priority) < ($1.key.zone, $1.key.day, $1.key.scope, $1.key.priority) }
        let sql = try database.sql
        for start in stride(from: 0, to: rows.count, by: Self.rowsPerUpsert) {
            var values: [any SQLExpression] = []
            for (key, count) in rows[start..<min(start + Self.rowsPerUpsert, rows.count)] {
                values.append(SQLGroupExpression([
                    SQLBind(key.zone), SQLBind(key.day), SQLBind(key.scope), SQLBind(key.plan), SQLBind(key.priority), SQLBind(key.group),
                    SQLBind(achieved ? count : 0), SQLBind(achieved ? 0 : count), SQLLiteral.numeric("0"), SQLLiteral.string(""), SQLLiteral.string(""), SQLBind(now),
                ] as [any SQLExpression]))
            }
            try await sql.raw("""
                INSERT INTO support_report_days (zone, day, scope, plan, priority, group_name, sla_achieved, sla_breached, first_responses, calendar_minutes, business_minutes, updated_at)
                VALUES \(SQLList(values))
                ON CONFLICT (zone, scope, day, plan, priority, group_name) DO UPDATE SET
                    sla_achieved = support_report_days.sla_achieved + excluded.sla_achieved,
                    sla_breached = support_report_days.sla_breached + excluded.sla_breached,
                    updated_at = excluded.updated_at
                """).run()
        }
    }

    /// Twelve values a row: far below SQLite's 32,766 bound parameters.
    static let rowsPerUpsert = 200

    /// A first public staff reply: minutes since the ticket was opened, on the clock and on the
    /// ticket's business calendar.
    func firstResponse(_ ticket: Ticket, at instant: Date, businessMinutes: Int) async throws {
        let calendarMinutes = max(0, Int((instant.timeIntervalSince(ticket.createdAt) / 60).rounded(.down)))
        for key in keys(for: ticket, at: instant) {
            try await ensureRow(key)
            struct Row: Decodable {
                let calendar_minutes: String
                let business_minutes: String
            }
            // Read, add, write under the row's lock (PostgreSQL; SQLite has one writer at a time).
            let row = try await database.sql.select().column("calendar_minutes").column("business_minutes").from(CreateSupportReportDays.table)
                .where("zone", .equal, key.zone).where("scope", .equal, key.scope).where("day", .equal, key.day)
                .where("plan", .equal, key.plan).where("priority", .equal, key.priority).where("group_name", .equal, key.group)
                .for(.update).first(decoding: Row.self)
            var calendar = try MinuteHistogram(encoded: row?.calendar_minutes ?? "")
            var business = try MinuteHistogram(encoded: row?.business_minutes ?? "")
            calendar.add(calendarMinutes)
            business.add(businessMinutes)
            try await database.sql.update(CreateSupportReportDays.table)
                .set("first_responses", to: SQLBinaryExpression(SQLColumn("first_responses"), .add, SQLLiteral.numeric("1")))
                .set("calendar_minutes", to: calendar.encoded).set("business_minutes", to: business.encoded).set("updated_at", to: now)
                .where("zone", .equal, key.zone).where("scope", .equal, key.scope).where("day", .equal, key.day)
                .where("plan", .equal, key.plan).where("priority", .equal, key.priority).where("group_name", .equal, key.group)
                .run()
        }
    }

    private func ensureRow(_ key: Key) async throws {
        try await database.sql.raw("""
            INSERT INTO support_report_days (zone, day, scope, plan, priority, group_name, sla_achieved, sla_breached, first_responses, calendar_minutes, business_minutes, updated_at)
            VALUES (\(bind: key.zone), \(bind: key.day), \(bind: key.scope), \(bind: key.plan), \(bind: key.priority), \(bind: key.group), 0, 0, 0, '', '', \(bind: now))
            ON CONFLICT (zone, scope, day, plan, priority, group_name) DO NOTHING
            """).run()
    }
}
