import Foundation
import PropertyBased
import Testing
import TrustDeskCore

@Suite("SUP-16 reports")
struct ReportRulesTests {
    let zones = ["UTC", "America/New_York", "Asia/Kolkata"]

    @Test("SUP-16: a report period is local days in a report zone, 400 days at most")
    func period() throws {
        let now = utc("2026-03-02T03:00:00")
        // 03:00 UTC is still Sunday 1 March in New York.
        let defaultNY = try ReportPeriod.parse(from: "", to: "", zone: "America/New_York", allowedZones: zones, now: now)
        #expect(defaultNY.last == LocalDate(year: 2026, month: 3, day: 1) && defaultNY.dayCount == 30)
        let march = try ReportPeriod.parse(from: "2026-03-01", to: "2026-03-31", zone: "America/New_York", allowedZones: zones, now: now)
        #expect(march.start == utc("2026-03-01T05:00:00"))
        // The period ends at midnight EDT: 1 April 04:00 UTC.
        #expect(march.end == utc("2026-04-01T04:00:00"))
        #expect(march.days.count == 31)
        let kolkata = try ReportPeriod.parse(from: "2026-03-02", to: "2026-03-02", zone: "Asia/Kolkata", allowedZones: zones, now: now)
        #expect(kolkata.start == utc("2026-03-01T18:30:00") && kolkata.end == utc("2026-03-02T18:30:00"))
        #expect(try ReportPeriod.parse(from: "2025-01-27", to: "2026-03-02", zone: "UTC", allowedZones: zones, now: now).dayCount == 400)
        let long = #expect(throws: DomainError.self) { try ReportPeriod.parse(from: "2025-01-26", to: "2026-03-02", zone: "UTC", allowedZones: zones, now: now) }
        #expect(long?.code == .invalidParameter && long?.field == "to")
        #expect((#expect(throws: DomainError.self) { try ReportPeriod.parse(from: "2026-03-05", to: "2026-03-01", zone: "UTC", allowedZones: zones, now: now) })?.field == "from")
        #expect((#expect(throws: DomainError.self) { try ReportPeriod.parse(from: "", to: "", zone: "Europe/Paris", allowedZones: zones, now: now) })?.field == "zone")
        #expect((#expect(throws: DomainError.self) { try ReportPeriod.parse(from: "March", to: "", zone: "UTC", allowedZones: zones, now: now) })?.field == "from")
    }

    @Test("SUP-16: percentiles are nearest-rank over every minute counted")
    func percentiles() throws {
        var histogram = MinuteHistogram()
        for value in [1, 2, 3, 4] { histogram.add(value) }
        #expect(histogram.percentile(50) == 2 && histogram.percentile(90) == 4 && histogram.maximum == 4)
        #expect(MinuteHistogram().percentile(50) == nil)
        let stored = try MinuteHistogram(encoded: histogram.encoded)
        #expect(stored == histogram && histogram.encoded == "1:1,2:1,3:1,4:1")
        #expect(throws: MinuteHistogram.Corrupt.self) { try MinuteHistogram(encoded: "1:1,x") }
    }

    @Test("SUP-16: stored days with waits past a day read back, merge and rank exactly like the raw values")
    func longWaitsMatchRawValues() async {
        await propertyCheck(count: 100, input: Gen.int(in: 0...5_000).array(of: 1...80), Gen.int(in: 1...5)) { values, days in
            var merged = MinuteHistogram()
            for day in 0..<days {
                var daily = MinuteHistogram()
                for (index, value) in values.enumerated() where index % days == day { daily.add(value) }
                merged.merge(try MinuteHistogram(encoded: daily.encoded))
            }
            let raw = Dictionary(grouping: values, by: { $0 })
            #expect(merged.encoded == raw.keys.sorted().map { "\($0):\(raw[$0]?.count ?? 0)" }.joined(separator: ","))
            let sorted = values.sorted()
            for percent in [1, 50, 90, 99, 100] {
                // Nearest rank: the ceiling of percent% of the count, at least the first value.
                let rank = max(1, (percent * sorted.count + 99) / 100)
                #expect(merged.percentile(percent) == sorted[rank - 1])
            }
            #expect(merged.maximum == sorted.last && merged.total == values.count)
        }
    }

    @Test("SUP-16: a stored histogram that is not minutes:count pairs is refused, naming the entry")
    func corruptHistograms() throws {
        for text in ["1:1,x", "1:2:3", ":4", "5:", "-1:2", "3:+1", "1:1,99999999999999999999:1"] {
            #expect(throws: MinuteHistogram.Corrupt.self, "\(text)") { try MinuteHistogram(encoded: text) }
        }
        #expect(try MinuteHistogram(encoded: "").isEmpty && MinuteHistogram(encoded: "4:0").isEmpty)
        #expect(try MinuteHistogram(encoded: "2:1,,2000:3,").encoded == "2:1,2000:3")
    }

    @Test("SUP-16: merged daily histograms give the percentiles of all the raw values")
    func percentilesMatchRawValues() async {
        await propertyCheck(count: 100, input: Gen.int(in: 0...600).array(of: 1...60), Gen.int(in: 1...5)) { values, days in
            var merged = MinuteHistogram()
            for day in 0..<days {
                var daily = MinuteHistogram()
                for (index, value) in values.enumerated() where index % days == day { daily.add(value) }
                merged.merge(daily)
            }
            let sorted = values.sorted()
            for percent in [50, 90, 100] {
                let rank = Int((Double(percent) / 100 * Double(sorted.count)).rounded(.up))
                #expect(merged.percentile(percent) == sorted[max(1, rank) - 1])
            }
            #expect(merged.total == values.count)
        }
    }

    @Test("SUP-16: compliance is the share of targets achieved")
    func compliance() {
        #expect(Compliance.percent(achieved: 2, breached: 1) == 66.7)
        #expect(Compliance.percent(achieved: 0, breached: 0) == nil)
        #expect(Compliance.percent(achieved: 19, breached: 1) == 95.0)
    }

    @Test("SUP-16: CSV cells that would run as spreadsheet formulas get a leading quote", arguments: ["=1+2", "+1 415", "-5", "@SUM(A1)", "\tx", "\rx"])
    func formulaInjection(cell: String) {
        #expect(CSVWriter.cell(cell).hasPrefix("'") || CSVWriter.cell(cell).hasPrefix("\"'"))
    }

    @Test("SUP-16: CSV follows RFC 4180")
    func csv() {
        var writer = CSVWriter(header: ["day", "note"])
        writer.append(["2026-03-01", "a, b"])
        writer.append(["2026-03-02", "say \"hi\"\r\nnext"])
        writer.append(["2026-03-03", "=HYPERLINK(\"x\")"])
        #expect(writer.text == "day,note\r\n2026-03-01,\"a, b\"\r\n2026-03-02,\"say \"\"hi\"\"\r\nnext\"\r\n2026-03-03,\"'=HYPERLINK(\"\"x\"\")\"\r\n")
        #expect(CSVWriter.cell("plain") == "plain")
    }

    @Test("SUP-16: report names as the API and CSV files use them")
    func names() {
        #expect(SupportReport.named("slacompliance") == .slaCompliance)
        #expect(SupportReport.named("first-response") == .firstResponse)
        #expect(SupportReport.named("nope") == nil)
    }
}

@Suite("SUP-16 report rules")
struct ReportAccessTests {
    @Test("SUP-16: support managers, TAMs and admins read the desk's reports; personalized customers their own")
    func access() {
        #expect(throws: Never.self) { try SupportReportAccess.checkStaff(.supportManager) }
        #expect(throws: Never.self) { try SupportReportAccess.checkStaff(.tam) }
        for role in [StaffRole.agent, .pse, .consumerTrust, .trustSafety] {
            #expect((#expect(throws: DomainError.self) { try SupportReportAccess.checkStaff(role) })?.code == .permissionDenied)
        }
        #expect((#expect(throws: DomainError.self) { try SupportReportAccess.checkStaff(nil) })?.code == .permissionDenied)
        #expect(throws: Never.self) { try SupportReportAccess.checkCustomer(plan: .personalized) }
        #expect((#expect(throws: DomainError.self) { try SupportReportAccess.checkCustomer(plan: .standard) })?.code == .permissionDenied)
    }

    @Test("SUP-16: the first-response target line follows the chosen plan and priority")
    func trendTarget() {
        #expect(FirstResponseTrend.target(plan: nil, priority: nil) == ResponseTarget(minutes: 120, aroundTheClock: false))
        #expect(FirstResponseTrend.target(plan: .personalized, priority: .businessCritical) == ResponseTarget(minutes: 60, aroundTheClock: true))
        #expect(FirstResponseTrend.target(plan: .standard, priority: .generalIssue) == ResponseTarget(minutes: 1440, aroundTheClock: false))
    }

    @Test("SUP-16: the backlog of a day is its last hourly snapshot in the zone, half-hour zones and DST included")
    func backlogSnapshots() {
        let newYork = TimeZone(identifier: "America/New_York")!
        // 2026-03-08 is 23 hours long in New York: it ends at 04:00 UTC on the 9th.
        #expect(BacklogSnapshots.snapshot(for: LocalDate(year: 2026, month: 3, day: 8), in: newYork) == utc("2026-03-09T03:00:00"))
        #expect(BacklogSnapshots.snapshot(for: LocalDate(year: 2026, month: 3, day: 2), in: newYork) == utc("2026-03-03T04:00:00"))
        let kolkata = TimeZone(identifier: "Asia/Kolkata")!
        #expect(BacklogSnapshots.snapshot(for: LocalDate(year: 2026, month: 3, day: 2), in: kolkata) == utc("2026-03-02T18:00:00"))
        #expect(BacklogSnapshots.takenAt(utc("2026-03-02T18:59:59")) == utc("2026-03-02T18:00:00"))
        let zones = ["UTC", "America/New_York", "Asia/Kolkata"]
        #expect(BacklogSnapshots.endsDay(utc("2026-03-02T23:00:00"), zones: zones))
        #expect(BacklogSnapshots.endsDay(utc("2026-03-02T18:00:00"), zones: zones))
        #expect(!BacklogSnapshots.endsDay(utc("2026-03-02T12:00:00"), zones: zones))
    }
}
