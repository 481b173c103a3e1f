import Foundation

/// Writes CSV as RFC 4180 asks (CRLF line ends; fields with a comma, quote or line break in
/// quotes, quotes doubled) and guards against formula injection: a cell that starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return would run as a formula in a spreadsheet, so it
/// gets a leading `'` (OWASP's advice) (SUP-16).
public struct CSVWriter: Sendable {
    public private(set) var text = ""

    public init(header: [String]) {
        append(header)
    }

    public mutating func append(_ row: [String]) {
        text += row.map(Self.cell).joined(separator: ",") + "\r\n"
    }

    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    public static func cell(_ value: String) -> String {
        var safe = value
        if let first = safe.unicodeScalars.first, formulaStarts.contains(first) { safe = "'" + safe }
        // Scalars, not Characters: "\r\n" is one Character that equals neither "\r" nor "\n".
        guard safe.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return safe }
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
