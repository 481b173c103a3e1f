import Foundation
import TrustDeskCore

/// The filters every report takes besides its period (SUP-16).
struct ReportFilter: Sendable, Equatable {
    var plan: SupportPlan?
    var priority: TicketPriority?
    var group: String?

    /// Each filter is empty (any) or one value, white space around it ignored: exactly what
    /// openapi.yaml's `ReportPlan`, `ReportPriority` and `ReportGroup` patterns say, so the API
    /// and the report page's form accept the same.
    static func parse(plan: String, priority: String, group: String) throws(DomainError) -> ReportFilter {
        var filter = ReportFilter()
        let planText = whitespaceTrimmed(plan)
        if !planText.isEmpty { filter.plan = try SupportPlan.named(planText) }
        let priorityText = whitespaceTrimmed(priority)
        if !priorityText.isEmpty {
            guard let level = Int(priorityText), priorityText.count == 1, let parsed = TicketPriority(rawValue: level) else {
                throw DomainError(.unknownPriority, "priority: use 1 (Business Critical), 2 (Degraded Service) or 3 (General Issue), or leave it empty for every priority.")
            }
            filter.priority = parsed
        }
        let groupText = whitespaceTrimmed(group)
        if !groupText.isEmpty {
            guard groupText.count <= 64, groupText.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                throw DomainError(.invalidParameter, "group: use a group name like pse or general.")
            }
            filter.group = groupText
        }
        return filter
    }

    private static func whitespaceTrimmed(_ text: String) -> String {
        String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}

/// One cell of a report: the same values go to the page, the CSV file and the JSON API.
enum ReportValue: Codable, Sendable, Equatable {
    case text(String)
    case integer(Int)
    case decimal(Double)
    case missing

    var display: String {
        switch self {
        case let .text(value): value
        case let .integer(value): String(value)
        case let .decimal(value): String(format: "%.1f", value)
        case .missing: ""
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .missing
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .decimal(value)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .text(value): try container.encode(value)
        case let .integer(value): try container.encode(value)
        case let .decimal(value): try container.encode((value * 10).rounded() / 10)
        case .missing: try container.encodeNil()
        }
    }
}

struct ReportTable: Encodable, Sendable {
    let columns: [String]
    let rows: [[ReportValue]]

    var csv: String {
        var writer = CSVWriter(header: columns)
        for row in rows { writer.append(row.map(\.display)) }
        return writer.text
    }
}

/// A report's daily trend: one value per day, and the target line drawn with it.
struct ReportTrend: Sendable {
    let label: String
    let unit: String
    let target: Double
    let targetLabel: String
    let points: [(day: LocalDate, value: Double?)]
    /// The top of the value axis when the values have one (100 for percentages).
    var ceiling: Double? = nil
}

struct ReportResult: Sendable {
    let report: SupportReport
    let period: ReportPeriod
    let filter: ReportFilter
    /// The period's figures by dimension: the page's table and the CSV file.
    let table: ReportTable
    /// One row per day: the trend's numbers.
    let daily: ReportTable
    let trend: ReportTrend
    let note: String
}
