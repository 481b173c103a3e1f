import ConsoleKit
import Fluent
import Foundation
import SQLKit
import TrustDeskCore
import Vapor

/// Recomputes `support_report_days` from the raw records: every ended target and every
/// recorded first response (SUP-16). For a database that had tickets before reports existed,
/// and for the benchmark's seeded history. Tickets are read in number order, a batch at a time;
/// days that no later ticket can reach any more are written and forgotten as it goes, so memory
/// stays bounded however long the history.
struct ReportRebuild {
    let database: any Database
    let now: Date

    private struct Figures {
        var achieved = 0
        var breached = 0
        var calendar = MinuteHistogram()
        var business = MinuteHistogram()
    }

    struct TicketRow: Decodable {
        let number: Int
        let organisation_sid: String
        let plan: String
        let priority: Int
        let group_name: String
        let assignee_sid: String?
        let created_at: Date
        let first_response_at: Date?
    }

    struct TargetRow: Decodable {
        let ticket_number: Int
        let status: String
        let ended_at: Date?
    }

    /// Returns the number of tickets read.
    @discardableResult
    func run(batch: Int = 5_000) async throws -> Int {
        let sql = try database.sql
        try await sql.delete(from: CreateSupportReportDays.table).run()
        let directory = SupportDirectory(database: database, now: now)
        var calendars: [String: BusinessCalendar] = [:]
        var pending: [ReportLedger.Key: Figures] = [:]
        var after = 0
        var read = 0
        while true {
            let tickets = try await sql.select()
                .columns("number", "organisation_sid", "plan", "priority", "group_name", "assignee_sid", "created_at", "first_response_at")
                .from(Ticket.schema).where("number", .greaterThan, after).orderBy("number").limit(batch).all(decoding: TicketRow.self)
            guard let last = tickets.last else { break }
            let targets = try await sql.select().columns("ticket_number", "status", "ended_at").from(TicketSLARecord.schema)
                .where("ticket_number", .greaterThan, after).where("ticket_number", .lessThanOrEqual, last.number)
                .where("status", .in, [SLAStatus.achieved.rawValue, SLAStatus.breached.rawValue]).all(decoding: TargetRow.self)
            let byNumber = Dictionary(tickets.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
            for target in targets {
                guard let ticket = byNumber[target.ticket_number], let ended = target.ended_at else { continue }
                for key in Self.keys(ticket, at: ended) {
                    if target.status == SLAStatus.achieved.rawValue { pending[key, default: Figures()].achieved += 1 } else { pending[key, default: Figures()].breached += 1 }
                }
            }
            for ticket in tickets {
                guard let first = ticket.first_response_at else { continue }
                let calendarKey = "\(ticket.assignee_sid ?? "")|\(ticket.group_name)"
                if calendars[calendarKey] == nil {
                    calendars[calendarKey] = try await directory.workingCalendar(assignee: ticket.assignee_sid, group: ticket.group_name).0
                }
                let calendarMinutes = max(0, Int((first.timeIntervalSince(ticket.created_at) / 60).rounded(.down)))
                let businessMinutes = calendars[calendarKey]?.businessMinutes(from: ticket.created_at, to: first) ?? calendarMinutes
                for key in Self.keys(ticket, at: first) {
                    pending[key, default: Figures()].calendar.add(calendarMinutes)
                    pending[key, default: Figures()].business.add(businessMinutes)
                }
            }
            read += tickets.count
            after = last.number
            // Tickets come in opening order, and a target ends after its ticket opened: no later
            // ticket adds to a day two days before this batch's last opening (zones included).
            let horizon = ReportPeriod.localDate(of: last.created_at, in: TimeZone(secondsFromGMT: 0) ?? .current).dayNumber - 2
            let done = pending.filter { (LocalDate($0.key.day)?.dayNumber ?? 0) < horizon }
            try await write(done, on: sql)
            for key in done.keys { pending[key] = nil }
        }
        try await write(pending, on: sql)
        return read
    }

    private static func keys(_ ticket: TicketRow, at instant: Date) -> [ReportLedger.Key] {
        SupportReport.zones.flatMap { zone -> [ReportLedger.Key] in
            let day = TimeZone(identifier: zone).map { ReportPeriod.localDate(of: instant, in: $0).description } ?? ""
            return [ReportLedger.allScope, ticket.organisation_sid].map {
                ReportLedger.Key(zone: zone, day: day, scope: $0, plan: ticket.plan, priority: ticket.priority, group: ticket.group_name)
            }
        }
    }

    private func write(_ figures: [ReportLedger.Key: Figures], on sql: any SQLDatabase) async throws {
        let rows = Array(figures)
        for start in stride(from: 0, to: rows.count, by: 400) {
            var insert = sql.insert(into: CreateSupportReportDays.table).columns(
                "zone", "day", "scope", "plan", "priority", "group_name", "sla_achieved", "sla_breached", "first_responses", "calendar_minutes", "business_minutes", "updated_at")
            for (key, value) in rows[start..<min(start + 400, rows.count)] {
                insert = insert.values(SQLBind(key.zone), SQLBind(key.day), SQLBind(key.scope), SQLBind(key.plan), SQLBind(key.priority), SQLBind(key.group),
                                       SQLBind(value.achieved), SQLBind(value.breached), SQLBind(value.calendar.total), SQLBind(value.calendar.encoded),
                                       SQLBind(value.business.encoded), SQLBind(now))
            }
            try await insert.run()
        }
    }
}

/// `trustdesk support-reports-rebuild`: recomputes the reports' daily figures from the tickets
/// (after upgrading a database that had tickets before reports, or to repair it).
struct ReportsRebuildCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Recomputes the support reports' daily figures from the ticket history (SUP-16)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let read = try await ReportRebuild(database: app.db, now: app.clock.now()).run()
        context.console.print("Support reports rebuilt from \(read) tickets.")
    }
}
