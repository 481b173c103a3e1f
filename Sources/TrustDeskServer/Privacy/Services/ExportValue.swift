import Foundation
import SQLKit

/// A cell as it goes into an export: read from either database without knowing the column's
/// type up front (the inventory lists names, not types), and written as JSON or CSV.
enum ExportValue: Encodable, Sendable {
    case null
    case int(Int)
    case double(Double)
    case bool(Bool)
    case date(Date)
    case text(String)

    /// How a column was found to decode; remembered so each cell is read once.
    enum Kind: CaseIterable { case date, int, double, bool, uuid, text }

    static func isDateColumn(_ name: String) -> Bool {
        name == "at" || name.hasSuffix("_at") || name.hasSuffix("_on") || name == "range_from" || name == "range_to"
    }

    /// Reads `column`, trying the remembered kind first.
    static func read(_ row: any SQLRow, _ column: String, kinds: inout [String: Kind]) -> ExportValue {
        if (try? row.decodeNil(column: column)) ?? true { return .null }
        if let kind = kinds[column], let value = decode(row, column, as: kind) { return value }
        let order: [Kind] = isDateColumn(column) ? [.date, .text] : [.int, .double, .bool, .uuid, .text]
        for kind in order {
            if let value = decode(row, column, as: kind) {
                kinds[column] = kind
                return value
            }
        }
        return .null
    }

    private static func decode(_ row: any SQLRow, _ column: String, as kind: Kind) -> ExportValue? {
        switch kind {
        case .date: (try? row.decode(column: column, as: Date.self)).map(ExportValue.date)
        case .int: (try? row.decode(column: column, as: Int.self)).map(ExportValue.int)
        case .double: (try? row.decode(column: column, as: Double.self)).map(ExportValue.double)
        case .bool: (try? row.decode(column: column, as: Bool.self)).map(ExportValue.bool)
        case .uuid: (try? row.decode(column: column, as: UUID.self)).map { ExportValue.text($0.uuidString.lowercased()) }
        case .text: (try? row.decode(column: column, as: String.self)).map(ExportValue.text)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .int(value): try container.encode(value)
        case let .double(value): try container.encode(value)
        case let .bool(value): try container.encode(value)
        case let .date(value): try container.encode(Self.iso.string(from: value))
        case let .text(value): try container.encode(value)
        }
    }

    /// The cell as CSV: quoted when it needs to be (RFC 4180).
    var csv: String {
        let text: String
        switch self {
        case .null: return ""
        case let .int(value): text = String(value)
        case let .double(value): text = String(value)
        case let .bool(value): text = value ? "true" : "false"
        case let .date(value): text = Self.iso.string(from: value)
        case let .text(value): text = value
        }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    nonisolated(unsafe) private static let iso: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }()
}
