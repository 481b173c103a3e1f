import Fluent
import Foundation
import NIOCore
import SQLKit
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("SUP-16 reports")
struct ReportTests {
    /// Three days of work: tickets of both plans at every priority, answered after varying
    /// delays, some breached by the job, a few never answered.
    static func history(_ app: Application, _ world: SupportWorld) async throws {
        let start = Date.utc("2026-03-02T13:00:00Z")
        var index = 0
        for day in 0..<3 {
            for (customer, priority, delay) in [(world.acme, 1, 20), (world.acme, 2, 200), (world.acme, 3, 45), (world.harbor, 1, 30), (world.harbor, 3, 700), (world.acme, 2, -1)] {
                index += 1
                let opened = start.addingTimeInterval(Double(day) * 86_400 + Double(index) * 420)
                app.clock.set(opened)
                let response = try await SupportWorld.apiTicket(app, customer, SupportWorld.voiceBody(priority: priority, now: opened))
                let number = try #require(response.json["number"] as? Int)
                guard delay >= 0 else { continue }
                let answered = opened.addingTimeInterval(Double(delay) * 60 + 17)
                // The breach job runs before a late answer, as it would every minute.
                _ = try await app.db.transaction { db in try await app.tickets(now: answered.addingTimeInterval(-1), on: db).breachDue() }
                let ticket = try #require(try await Ticket.find(number, on: app.db))
                try await app.tickets(now: answered).reply(to: ticket, by: TicketActor(user: world.parker), body: "Looking into it.", isPublic: true)
            }
        }
        app.clock.set(.utc("2026-03-05T12:00:00Z"))
        _ = try await app.tickets(now: app.now).breachDue()
    }

    static func nearestRank(_ values: [Int], _ percent: Int) -> Int? {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return nil }
        return sorted[max(1, Int((Double(percent) / 100 * Double(sorted.count)).rounded(.up))) - 1]
    }

    static func rows(_ table: ReportTable) -> [[String]] { table.rows.map { $0.map(\.display) } }

    @Test("SUP-16: SLA compliance and first responses match a recount of the raw targets and tickets, in UTC and New York days, for the desk and one organisation",
          arguments: ["UTC", "America/New_York"])
    func matchesRawData(zone: String) async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            try await Self.history(app, world)
            let period = try ReportPeriod.parse(from: "2026-03-02", to: "2026-03-04", zone: zone, allowedZones: SupportReport.zones, now: app.now)
            let reports = SupportReports(database: app.db, now: app.now)
            let tickets = try await Ticket.query(on: app.db).all()
            let byNumber = Dictionary(uniqueKeysWithValues: tickets.map { ($0.number, $0) })
            let targets = try await TicketSLARecord.query(on: app.db).all()
            let directory = SupportDirectory(database: app.db, now: app.now)
            for scope in [ReportLedger.allScope, world.acme.account.sid] {
                let inScope = { (ticket: Ticket) in scope == ReportLedger.allScope || ticket.organisationSID == scope }
                // SLA compliance: every ended target, on the day it ended.
                var counts: [String: (Int, Int)] = [:]
                for target in targets where target.status == "achieved" || target.status == "breached" {
                    guard let ticket = byNumber[target.ticketNumber], inScope(ticket), let ended = target.endedAt, ended >= period.start, ended < period.end else { continue }
                    let key = "\(ticket.priority)|\(ticket.plan)"
                    counts[key, default: (0, 0)].0 += target.status == "achieved" ? 1 : 0
                    counts[key, default: (0, 0)].1 += target.status == "breached" ? 1 : 0
                }
                #expect(counts.values.contains { $0.1 > 0 } && counts.values.contains { $0.0 > 0 })
                let expectedSLA = counts.keys.sorted().map { key -> [String] in
                    let (achieved, breached) = counts[key] ?? (0, 0)
                    let parts = key.split(separator: "|").map(String.init)
                    return [parts[0], parts[1], String(achieved), String(breached), Compliance.percent(achieved: achieved, breached: breached).map { String(format: "%.1f", $0) } ?? ""]
                }
                let sla = try await reports.build(.slaCompliance, period: period, filter: ReportFilter(), scope: scope)
                #expect(Self.rows(sla.table) == expectedSLA, "\(scope) \(zone)")
                // First response: minutes from opening to the first public staff reply.
                var calendar: [String: [Int]] = [:]
                var business: [String: [Int]] = [:]
                for ticket in tickets where inScope(ticket) {
                    guard let first = ticket.firstResponseAt, first >= period.start, first < period.end else { continue }
                    let key = "\(ticket.priority)|\(ticket.plan)"
                    calendar[key, default: []].append(Int(first.timeIntervalSince(ticket.createdAt) / 60))
                    let (workCalendar, _) = try await directory.workingCalendar(assignee: ticket.assigneeSID, group: ticket.groupName)
                    business[key, default: []].append(workCalendar.businessMinutes(from: ticket.createdAt, to: first))
                }
                let expectedFR = calendar.keys.sorted().map { key -> [String] in
                    let parts = key.split(separator: "|").map(String.init)
                    let stats = { (values: [Int]) in [50, 90, 100].map { Self.nearestRank(values, $0).map(String.init) ?? "" } }
                    return [parts[0], parts[1], String(calendar[key]?.count ?? 0)] + stats(calendar[key] ?? []) + stats(business[key] ?? [])
                }
                let firstResponse = try await reports.build(.firstResponse, period: period, filter: ReportFilter(), scope: scope)
                #expect(Self.rows(firstResponse.table) == expectedFR, "\(scope) \(zone)")
                #expect(!expectedFR.isEmpty)
            }
            // A filter narrows the figures to its rows.
            let p1 = try await reports.build(.slaCompliance, period: period, filter: ReportFilter(plan: .personalized, priority: .businessCritical), scope: ReportLedger.allScope)
            #expect(Self.rows(p1.table).allSatisfy { $0[0] == "1" && $0[1] == "personalized" } && !p1.table.rows.isEmpty)
        }
    }

    @Test("SUP-16: the backlog now is a live count; each past day is the day's last hourly snapshot")
    func backlog() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(.utc("2026-03-02T10:00:00Z"))
            for _ in 0..<3 { _ = try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(now: app.now)) }
            // The job's last run of 2 March (UTC) is at 23:10; of New York's 2 March at 04:20 on the 3rd.
            for instant in ["2026-03-02T10:05:00Z", "2026-03-02T23:10:00Z"] { try await BacklogSnapshotter(database: app.db, now: .utc(instant)).take() }
            app.clock.set(.utc("2026-03-03T02:00:00Z"))
            _ = try await SupportWorld.apiTicket(app, world.harbor, SupportWorld.voiceBody(now: app.now))
            try await BacklogSnapshotter(database: app.db, now: .utc("2026-03-03T04:20:00Z")).take()
            app.clock.set(.utc("2026-03-03T15:00:00Z"))
            let reports = SupportReports(database: app.db, now: app.now)
            let utcPeriod = try ReportPeriod.parse(from: "2026-03-01", to: "2026-03-03", zone: "UTC", allowedZones: SupportReport.zones, now: app.now)
            let utc = try await reports.build(.backlog, period: utcPeriod, filter: ReportFilter(), scope: ReportLedger.allScope)
            #expect(Self.rows(utc.daily) == [["2026-03-01", ""], ["2026-03-02", "3"], ["2026-03-03", "4"]])
            #expect(Self.rows(utc.table).reduce(0) { $0 + (Int($1[2]) ?? 0) } == 4)
            #expect(Self.rows(utc.table).contains(["new", SupportGroup.general, "1"]))
            let newYork = try await reports.build(.backlog, period: try ReportPeriod.parse(from: "2026-03-02", to: "2026-03-02", zone: "America/New_York",
                                                                                            allowedZones: SupportReport.zones, now: app.now),
                                                  filter: ReportFilter(), scope: ReportLedger.allScope)
            #expect(Self.rows(newYork.daily) == [["2026-03-02", "4"]])
            let acme = try await reports.build(.backlog, period: utcPeriod, filter: ReportFilter(), scope: world.acme.account.sid)
            #expect(Self.rows(acme.daily).last == ["2026-03-03", "3"])
            // A run in the same hour replaces that hour; old snapshots that end no day are pruned after three days.
            try await BacklogSnapshotter(database: app.db, now: .utc("2026-03-02T10:40:00Z")).take()
            try await BacklogSnapshotter(database: app.db, now: .utc("2026-03-06T13:00:00Z")).take()
            let kept = try await app.db.sql.select().column("taken_at").from(CreateSupportBacklogSnapshots.table).distinct().all(decoding: SnapshotTime.self).map(\.taken_at)
            #expect(!kept.contains(.utc("2026-03-02T10:00:00Z")) && kept.contains(.utc("2026-03-02T23:00:00Z")) && kept.contains(.utc("2026-03-03T04:00:00Z")))
        }
    }

    struct SnapshotTime: Decodable {
        let taken_at: Date
    }

    @Test("SUP-16: escalations by reason with time to acknowledge")
    func escalations() async throws {
        try await withTrustDesk { app in
            let world = try await ChannelWorld.make(app)
            var minutes: [Int] = []
            for (index, reason) in ["critical_blocker", "critical_blocker", "no_meaningful_response"].enumerated() {
                let number = try await ChannelWorld.ticket(app, world.desk)
                _ = try await ChannelWorld.post(app, world.desk.acme, "/v1/Tickets/\(number)/Escalations", ["reason": reason])
                guard index < 2 else { continue }
                let escalation = try #require(try await TicketEscalation.query(on: app.db).filter(\.$ticketNumber == number).first())
                let ticket = try #require(try await Ticket.find(number, on: app.db))
                let wait = 7 + index * 30
                minutes.append(wait)
                try await app.db.transaction { db in
                    try await Escalations(database: db, now: app.now.addingTimeInterval(Double(wait) * 60 + 5), settings: app.trustDeskConfiguration.supportSettings)
                        .acknowledge(escalation, ticket: ticket, by: TicketActor(user: world.sasha))
                }
            }
            let report = try await SupportReports(database: app.db, now: app.now).build(
                .escalations, period: try ReportPeriod.parse(from: "2026-03-02", to: "2026-03-02", zone: "UTC", allowedZones: SupportReport.zones, now: app.now),
                filter: ReportFilter(), scope: ReportLedger.allScope)
            #expect(Self.rows(report.table) == [["no_meaningful_response", "1", "0", "", "", "", "0"], ["critical_blocker", "2", "2", "7", "37", "37", "0"]])
            #expect(Self.rows(report.daily) == [["2026-03-02", "3", "37"]])
            #expect(minutes == [7, 37])
        }
    }

    @Test("SUP-16: the reports page for support managers with charts and CSV; other roles are refused; over 400 days is 20001")
    func staffPage() async throws {
        try await withTrustDesk { app in
            let world = try await ChannelWorld.make(app)
            try await Self.history(app, world.desk)
            let sasha = try await SupportWorld.staffBrowser(app, world.sasha)
            let page = try await sasha.get("/staff/support/reports?from=2026-03-02&to=2026-03-04&zone=UTC")
            #expect(page.status == .ok)
            for name in ["sla-compliance", "first-response", "backlog", "escalations"] {
                #expect(page.text.contains("id=\"report-\(name)\"") && page.text.contains("<svg class=\"trend\" id=\"chart-\(name)\""), "\(name)")
            }
            #expect(page.text.contains("class=\"target\"") && page.text.contains("goal 95%") && page.text.contains("2 Mar"))
            let csv = try await sasha.get("/staff/support/reports/sla-compliance.csv?from=2026-03-02&to=2026-03-04&zone=UTC")
            #expect(csv.headers.first(name: .contentType)?.hasPrefix("text/csv") == true)
            #expect(csv.text.hasPrefix("priority,plan,achieved,breached,compliance_percent\r\n"))
            let daily = try await sasha.get("/staff/support/reports/sla-compliance.csv?from=2026-03-02&to=2026-03-04&zone=UTC&table=daily")
            #expect(daily.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 4)
            let long = try await sasha.get("/staff/support/reports?from=2025-01-01&to=2026-03-04&zone=UTC")
            #expect(long.errorCode == 20001 && long.text.contains("id=\"to-error\"") && long.text.contains("value=\"2025-01-01\""))
            let longCSV = try await sasha.get("/staff/support/reports/backlog.csv?from=2025-01-01&to=2026-03-04")
            #expect(longCSV.errorCode == 20001)
            let parker = try await SupportWorld.staffBrowser(app, world.desk.parker)
            #expect(try await parker.get("/staff/support/reports").errorCode == 20006)
        }
    }

    @Test("SUP-16: a personalized customer sees their own organisation's reports, a standard one is refused; the APIs answer the same figures")
    func customerAndAPI() async throws {
        try await withTrustDesk { app in
            let world = try await ChannelWorld.make(app)
            try await Self.history(app, world.desk)
            let avery = try await SupportWorld.customerBrowser(app, "avery")
            let own = try await avery.get("/console/support/reports/sla-compliance.csv?from=2026-03-02&to=2026-03-04&zone=UTC")
            let period = try ReportPeriod.parse(from: "2026-03-02", to: "2026-03-04", zone: "UTC", allowedZones: SupportReport.zones, now: app.now)
            let expected = try await SupportReports(database: app.db, now: app.now).build(.slaCompliance, period: period, filter: ReportFilter(), scope: world.desk.acme.account.sid)
            #expect(own.text == expected.table.csv)
            #expect(!own.text.contains(",standard,"))
            let harper = try await SupportWorld.customerBrowser(app, "harper")
            #expect(try await harper.get("/console/support/reports").errorCode == 20006)

            let api = try await ChannelWorld.get(app, world.desk.acme, "/v1/Reports/SlaCompliance?from=2026-03-02&to=2026-03-04&zone=UTC")
            #expect(api.status == .ok && api.json["scope"] as? String == world.desk.acme.account.sid)
            #expect(((api.json["table"] as? [String: Any])?["rows"] as? [[Any]])?.count == expected.table.rows.count)
            #expect(try await ChannelWorld.get(app, world.desk.harbor, "/v1/Reports/SlaCompliance").errorCode == 20006)
            #expect(try await ChannelWorld.get(app, world.desk.acme, "/v1/Reports/Nope").status == .notFound)

            let (key, secret) = try await StaffCredentials(database: app.db, now: app.now).create(for: world.sasha, friendlyName: "reports")
            let staff = try await app.testing().sendRequest(.GET, "/v1/Staff/Reports/FirstResponse?from=2026-03-02&to=2026-03-04&zone=America/New_York",
                                                            headers: TestData.basic(key.sid, secret))
            #expect(staff.status == .ok && staff.json["scope"] as? String == "*" && staff.json["zone"] as? String == "America/New_York")
            let (pseKey, pseSecret) = try await StaffCredentials(database: app.db, now: app.now).create(for: world.desk.parker, friendlyName: "reports")
            #expect(try await app.testing().sendRequest(.GET, "/v1/Staff/Reports/Backlog", headers: TestData.basic(pseKey.sid, pseSecret)).errorCode == 20006)
            #expect(try await app.testing().sendRequest(.GET, "/v1/Staff/Reports/Backlog?from=2020-01-01", headers: TestData.basic(key.sid, secret)).errorCode == 20001)
        }
    }
}
