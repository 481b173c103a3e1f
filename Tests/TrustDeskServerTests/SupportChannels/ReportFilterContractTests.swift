import Foundation
import Testing
import TrustDeskCore
@testable import TrustDeskServer

/// The report filters accept exactly what openapi.yaml's parameter patterns say (the contract
/// fuzz sends values on both sides of each pattern).
@Suite("Contract: report filters as openapi.yaml documents them")
struct ReportFilterContractTests {
    static func pattern(of parameter: String) throws -> NSRegularExpression {
        let yaml = try String(contentsOf: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/TrustDeskServer/Resources/openapi.yaml"), encoding: .utf8)
        let block = try #require(yaml.range(of: "    \(parameter):\n"))
        let rest = yaml[block.upperBound...]
        let line = try #require(rest.split(separator: "\n").first { $0.contains("pattern: ") })
        let quoted = try #require(line.range(of: #"pattern: "(.*)""#, options: .regularExpression))
        // YAML double-quoted: \\ is a backslash, \t a tab.
        let raw = line[quoted].dropFirst("pattern: \"".count).dropLast()
            .replacingOccurrences(of: "\\\\", with: "\u{1}").replacingOccurrences(of: "\\t", with: "\t").replacingOccurrences(of: "\u{1}", with: "\\")
        return try NSRegularExpression(pattern: raw)
    }

    static func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static let candidates = ["", " ", "\t", "1", " 2\t", "3 ", "0", "4", "01", "p1", "P1", "business_critical", "1.0", "-1",
                             "personalized", " standard ", "Standard", "enterprise", "pse", "general", " pse\t", "a b", "pse!",
                             String(repeating: "g", count: 64), String(repeating: "g", count: 65), "\n1", "1\n"]

    @Test("Contract: plan, priority and group are accepted exactly when they match their openapi.yaml pattern")
    func filters() throws {
        let plan = try Self.pattern(of: "ReportPlan")
        let priority = try Self.pattern(of: "ReportPriority")
        let group = try Self.pattern(of: "ReportGroup")
        for value in Self.candidates {
            let planAccepted = (try? ReportFilter.parse(plan: value, priority: "", group: "")) != nil
            #expect(planAccepted == Self.matches(plan, value), "plan \(value.debugDescription)")
            let priorityAccepted = (try? ReportFilter.parse(plan: "", priority: value, group: "")) != nil
            #expect(priorityAccepted == Self.matches(priority, value), "priority \(value.debugDescription)")
            let groupAccepted = (try? ReportFilter.parse(plan: "", priority: "", group: value)) != nil
            #expect(groupAccepted == Self.matches(group, value), "group \(value.debugDescription)")
        }
        #expect(try ReportFilter.parse(plan: " standard ", priority: "\t2", group: "pse") == ReportFilter(plan: .standard, priority: .degradedService, group: "pse"))
    }

    @Test("Contract: zone is accepted exactly when it matches its openapi.yaml pattern; empty is UTC")
    func zones() throws {
        let zone = try Self.pattern(of: "ReportZone")
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        for value in ["", " UTC ", "UTC", "utc", "Europe/London", "Europe/Berlin", "America/New_York\t", "GMT", "Asia/Kolkata", "Australia/Sydney", "x"] {
            let accepted = (try? ReportPeriod.parse(from: "", to: "", zone: value, allowedZones: SupportReport.zones, now: now)) != nil
            #expect(accepted == Self.matches(zone, value), "zone \(value.debugDescription)")
        }
        #expect(try ReportPeriod.parse(from: "", to: "", zone: "", allowedZones: SupportReport.zones, now: now).zoneName == "UTC")
    }
}
