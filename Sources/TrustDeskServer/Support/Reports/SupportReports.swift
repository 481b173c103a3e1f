import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// Builds the support desk's reports (SUP-16) from the daily figures `ReportLedger` keeps, the
/// hourly backlog snapshots and the escalations: a 90-day report reads a few rows per day
/// however many tickets there are. `scope` is `*` for the whole desk or an organisation SID.
struct SupportReports {
    let database: any Database
    let now: Date
    /// The live backlog as this node last counted it (`LiveBacklogs`); nil counts every time.
    var liveBacklogs: LiveBacklogs? = nil

    func build(_ report: SupportReport, period: ReportPeriod, filter: ReportFilter, scope: String) async throws -> ReportResult {
        switch report {
        case .slaCompliance: try await slaCompliance(period, filter, scope)
        case .firstResponse: try await firstResponse(period, filter, scope)
        case .backlog: try await backlog(period, filter, scope)
        case .escalations: try await escalations(period, filter, scope)
        }
    }

    // MARK: Daily figures

    struct DayRow: Decodable {
        let day: String
        let plan: String
        let priority: Int
        let group_name: String
        let sla_achieved: Int
        let sla_breached: Int
        let calendar_minutes: String
        let business_minutes: String
    }

    private func dayRows(_ period: ReportPeriod, _ filter: ReportFilter, _ scope: String) async throws -> [DayRow] {
        var query = try database.sql.select()
            .columns("day", "plan", "priority", "group_name", "sla_achieved", "sla_breached", "calendar_minutes", "business_minutes")
            .from(CreateSupportReportDays.table)
            .where("zone", .equal, period.zoneName).where("scope", .equal, scope)
            .where("day", .greaterThanOrEqual, period.first.description).where("day", .lessThanOrEqual, period.last.description)
        if let plan = filter.plan { query = query.where("plan", .equal, plan.id) }
        if let priority = filter.priority { query = query.where("priority", .equal, priority.rawValue) }
        if let group = filter.group { query = query.where("group_name", .equal, group) }
        return try await query.all(decoding: DayRow.self)
    }

    private static func dimension(_ row: DayRow) -> String { "\(row.priority)|\(row.plan)" }

    private static func dimensionCells(_ key: String) -> [ReportValue] {
        let parts = key.split(separator: "|").map(String.init)
        return [.integer(Int(parts.first ?? "") ?? 0), .text(parts.count > 1 ? parts[1] : "")]
    }

    // MARK: SLA compliance

    private func slaCompliance(_ period: ReportPeriod, _ filter: ReportFilter, _ scope: String) async throws -> ReportResult {
        let rows = try await dayRows(period, filter, scope)
        var byDimension: [String: (achieved: Int, breached: Int)] = [:]
        var byDay: [String: (achieved: Int, breached: Int)] = [:]
        for row in rows where row.sla_achieved + row.sla_breached > 0 {
            byDimension[Self.dimension(row), default: (0, 0)].achieved += row.sla_achieved
            byDimension[Self.dimension(row), default: (0, 0)].breached += row.sla_breached
            byDay[row.day, default: (0, 0)].achieved += row.sla_achieved
            byDay[row.day, default: (0, 0)].breached += row.sla_breached
        }
        func cells(_ counts: (achieved: Int, breached: Int)) -> [ReportValue] {
            [.integer(counts.achieved), .integer(counts.breached), Compliance.percent(achieved: counts.achieved, breached: counts.breached).map(ReportValue.decimal) ?? .missing]
        }
        let table = ReportTable(columns: ["priority", "plan", "achieved", "breached", "compliance_percent"],
                                rows: byDimension.keys.sorted().map { Self.dimensionCells($0) + cells(byDimension[$0] ?? (0, 0)) })
        let days = period.days
        let daily = ReportTable(columns: ["day", "achieved", "breached", "compliance_percent"],
                                rows: days.map { [.text($0.description)] + cells(byDay[$0.description] ?? (0, 0)) })
        let trend = ReportTrend(label: "Targets met", unit: "%", target: Compliance.goalPercent, targetLabel: "goal \(Int(Compliance.goalPercent))%",
                                points: days.map { day in (day, byDay[day.description].flatMap { Compliance.percent(achieved: $0.achieved, breached: $0.breached) }) },
                                ceiling: 100)
        return ReportResult(report: .slaCompliance, period: period, filter: filter, table: table, daily: daily, trend: trend,
                            note: "Each response target counts on the day it ended: achieved when support answered in time, breached on the day it fell due.")
    }

    // MARK: First response

    private func firstResponse(_ period: ReportPeriod, _ filter: ReportFilter, _ scope: String) async throws -> ReportResult {
        let rows = try await dayRows(period, filter, scope)
        var calendar: [String: MinuteHistogram] = [:]
        var business: [String: MinuteHistogram] = [:]
        var dailyCalendar: [String: MinuteHistogram] = [:]
        var dailyBusiness: [String: MinuteHistogram] = [:]
        for row in rows where !row.calendar_minutes.isEmpty {
            let calendarDay = try MinuteHistogram(encoded: row.calendar_minutes)
            let businessDay = try MinuteHistogram(encoded: row.business_minutes)
            calendar[Self.dimension(row), default: MinuteHistogram()].merge(calendarDay)
            business[Self.dimension(row), default: MinuteHistogram()].merge(businessDay)
            dailyCalendar[row.day, default: MinuteHistogram()].merge(calendarDay)
            dailyBusiness[row.day, default: MinuteHistogram()].merge(businessDay)
        }
        func stats(_ histogram: MinuteHistogram?) -> [ReportValue] {
            guard let histogram, !histogram.isEmpty else { return [.missing, .missing, .missing] }
            return [histogram.percentile(50), histogram.percentile(90), histogram.maximum].map { $0.map(ReportValue.integer) ?? .missing }
        }
        let table = ReportTable(
            columns: ["priority", "plan", "responses", "calendar_p50_minutes", "calendar_p90_minutes", "calendar_max_minutes",
                      "business_p50_minutes", "business_p90_minutes", "business_max_minutes"],
            rows: calendar.keys.sorted().map { key in
                Self.dimensionCells(key) + [.integer(calendar[key]?.total ?? 0)] + stats(calendar[key]) + stats(business[key])
            })
        let target = FirstResponseTrend.target(plan: filter.plan, priority: filter.priority)
        let measure = target.aroundTheClock ? dailyCalendar : dailyBusiness
        let days = period.days
        let daily = ReportTable(columns: ["day", "responses", "calendar_p90_minutes", "business_p90_minutes"], rows: days.map { day in
            let key = day.description
            return [.text(key), .integer(dailyCalendar[key]?.total ?? 0),
                    dailyCalendar[key]?.percentile(90).map(ReportValue.integer) ?? .missing, dailyBusiness[key]?.percentile(90).map(ReportValue.integer) ?? .missing]
        })
        let trend = ReportTrend(label: "First response p90", unit: target.aroundTheClock ? "min" : "business min", target: Double(target.minutes),
                                targetLabel: "target \(target.text)", points: days.map { day in (day, measure[day.description]?.percentile(90).map(Double.init)) })
        return ReportResult(report: .firstResponse, period: period, filter: filter, table: table, daily: daily, trend: trend,
                            note: "Minutes from opening to the first public reply from support, on the day of that reply; business minutes count the ticket's calendar (assignee's, else group's).")
    }

    // MARK: Backlog

    struct BacklogRow: Decodable, Sendable {
        let status: String
        let group_name: String
        let tickets: Int
    }

    struct FirstSnapshot: Decodable {
        let taken_at: Date?
    }

    struct SnapshotTotal: Decodable {
        let taken_at: Date
        let tickets: Int
    }

    /// Unsolved tickets now by status and group, read live through the backlog index.
    func liveBacklog(_ filter: ReportFilter, _ scope: String) async throws -> [BacklogRow] {
        var query = try database.sql.select().column("status").column("group_name")
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "tickets")
            .from(Ticket.schema).where("unsolved", .equal, true)
        if scope != ReportLedger.allScope { query = query.where("organisation_sid", .equal, scope) }
        if let plan = filter.plan { query = query.where("plan", .equal, plan.id) }
        if let priority = filter.priority { query = query.where("priority", .equal, priority.rawValue) }
        if let group = filter.group { query = query.where("group_name", .equal, group) }
        return try await query.groupBy("status").groupBy("group_name").all(decoding: BacklogRow.self)
    }

    private func backlog(_ period: ReportPeriod, _ filter: ReportFilter, _ scope: String) async throws -> ReportResult {
        let counted = { try await liveBacklog(filter, scope) }
        let key = [scope, filter.plan?.id ?? "", filter.priority.map { "\($0.rawValue)" } ?? "", filter.group ?? ""].joined(separator: " ")
        let rows = if let liveBacklogs { try await liveBacklogs.value(key, now: now, read: counted) } else { try await counted() }
        let live = rows.sorted { ($0.group_name, $0.status) < ($1.group_name, $1.status) }
        let table = ReportTable(columns: ["status", "group", "tickets"], rows: live.map { [.text($0.status), .text($0.group_name), .integer($0.tickets)] })
        let days = period.days
        let instants = days.map { BacklogSnapshots.snapshot(for: $0, in: period.timeZone) }
        var query = try database.sql.select().column("taken_at").column(SQLRaw("CAST(SUM(tickets) AS BIGINT)"), as: "tickets")
            .from(CreateSupportBacklogSnapshots.table).where("scope", .equal, scope).where("taken_at", .in, instants.filter { $0 <= now })
        if let plan = filter.plan { query = query.where("plan", .equal, plan.id) }
        if let priority = filter.priority { query = query.where("priority", .equal, priority.rawValue) }
        if let group = filter.group { query = query.where("group_name", .equal, group) }
        let totals = instants.contains(where: { $0 <= now }) ? try await query.groupBy("taken_at").all(decoding: SnapshotTotal.self) : []
        let byInstant = Dictionary(totals.map { ($0.taken_at.timeIntervalSince1970, $0.tickets) }, uniquingKeysWith: +)
        // Before the first snapshot the backlog is unknown, not zero.
        let firstSnapshot = try await database.sql.select().column(SQLFunction("MIN", args: SQLColumn("taken_at")), as: "taken_at")
            .from(CreateSupportBacklogSnapshots.table).first(decoding: FirstSnapshot.self)?.taken_at
        let liveTotal = live.reduce(0) { $0 + $1.tickets }
        let today = ReportPeriod.localDate(of: now, in: period.timeZone)
        let values: [Int?] = zip(days, instants).map { day, instant in
            if day == today { return liveTotal }
            guard instant <= now, let firstSnapshot, instant >= firstSnapshot else { return nil }
            return byInstant[instant.timeIntervalSince1970] ?? 0
        }
        let daily = ReportTable(columns: ["day", "unsolved_tickets"], rows: zip(days, values).map { [.text($0.description), $1.map(ReportValue.integer) ?? .missing] })
        let start = values.compactMap { $0 }.first ?? liveTotal
        let trend = ReportTrend(label: "Unsolved tickets at the end of each day", unit: "tickets", target: Double(start), targetLabel: "no growth (\(start))",
                                points: zip(days, values).map { ($0, $1.map(Double.init)) })
        return ReportResult(report: .backlog, period: period, filter: filter, table: table, daily: daily, trend: trend,
                            note: "The table is the backlog now (counted at most \(Int(liveBacklogs?.lifetime ?? 0)) s ago); each past day shows the last hourly snapshot before that day ended.")
    }

    // MARK: Escalations

    /// What the escalations report reads of an escalation: four columns, not the whole row as a
    /// model (a 90-day report reads hundreds of them).
    struct EscalationRow: Decodable {
        let reason: String
        let created_at: Date
        let acknowledged_at: Date?
        let resolved_at: Date?
    }

    private func escalations(_ period: ReportPeriod, _ filter: ReportFilter, _ scope: String) async throws -> ReportResult {
        var query = try database.sql.select().columns("reason", "created_at", "acknowledged_at", "resolved_at").from(TicketEscalation.schema)
            .where("created_at", .greaterThanOrEqual, period.start).where("created_at", .lessThan, period.end)
        if scope != ReportLedger.allScope { query = query.where("organisation_sid", .equal, scope) }
        if let plan = filter.plan { query = query.where("plan", .equal, plan.id) }
        if let priority = filter.priority { query = query.where("priority", .equal, priority.rawValue) }
        if let group = filter.group { query = query.where("group_name", .equal, group) }
        let rows = try await query.orderBy("created_at").limit(100_000).all(decoding: EscalationRow.self)
        func acknowledgeMinutes(_ row: EscalationRow) -> Int? {
            row.acknowledged_at.map { max(0, Int(($0.timeIntervalSince(row.created_at) / 60).rounded(.down))) }
        }
        let table = ReportTable(
            columns: ["reason", "escalations", "acknowledged", "acknowledge_p50_minutes", "acknowledge_p90_minutes", "acknowledge_max_minutes", "resolved"],
            rows: EscalationReason.allCases.map { reason in
                let matching = rows.filter { $0.reason == reason.rawValue }
                var minutes = MinuteHistogram()
                for row in matching { if let value = acknowledgeMinutes(row) { minutes.add(value) } }
                return [.text(reason.rawValue), .integer(matching.count), .integer(minutes.total),
                        minutes.percentile(50).map(ReportValue.integer) ?? .missing, minutes.percentile(90).map(ReportValue.integer) ?? .missing,
                        minutes.maximum.map(ReportValue.integer) ?? .missing, .integer(matching.filter { $0.resolved_at != nil }.count)]
            })
        let days = period.days
        var perDay: [String: (count: Int, minutes: MinuteHistogram)] = [:]
        for row in rows {
            let day = ReportPeriod.localDate(of: row.created_at, in: period.timeZone).description
            perDay[day, default: (0, MinuteHistogram())].count += 1
            if let value = acknowledgeMinutes(row) { perDay[day, default: (0, MinuteHistogram())].minutes.add(value) }
        }
        let daily = ReportTable(columns: ["day", "escalations", "acknowledge_p90_minutes"], rows: days.map { day in
            let entry = perDay[day.description]
            return [.text(day.description), .integer(entry?.count ?? 0), entry?.minutes.percentile(90).map(ReportValue.integer) ?? .missing]
        })
        let trend = ReportTrend(label: "Time to acknowledge, p90", unit: "min", target: Double(EscalationPolicy.acknowledgeTargetMinutes),
                                targetLabel: "target \(EscalationPolicy.acknowledgeTargetMinutes) min",
                                points: days.map { day in (day, perDay[day.description]?.minutes.percentile(90).map(Double.init)) })
        return ReportResult(report: .escalations, period: period, filter: filter, table: table, daily: daily, trend: trend,
                            note: "Escalations raised in the period, by reason; time to acknowledge is from the escalation to the first staff acknowledgement.")
    }
}
