import Foundation

/// A JSON column that does not decode. We wrote it, so it decoded once: now it is corrupt (a
/// hand edit, a bad migration, a bug). It names the table, column and row, and it is not a
/// `DomainError` on purpose: the error middleware logs it with the request ID and answers
/// 20500, and a job logs it and skips the row, instead of a page or an answer quietly showing
/// (and acting on) an empty value.
struct CorruptStoredValue: Error, CustomStringConvertible {
    let table: String
    let column: String
    let row: String
    let reason: String

    var description: String { "\(table).\(column) of row \(row) does not decode: \(reason)" }
}

/// Reads the JSON columns the server wrote itself (explanations, findings, details, ledgers).
enum StoredJSON {
    static func decode<T: Decodable>(_ type: T.Type, _ text: String, table: String, column: String, row: String) throws(CorruptStoredValue) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw CorruptStoredValue(table: table, column: column, row: row, reason: String(describing: error))
        }
    }
}


extension JSONEncoder {
    /// For stored JSON columns (intake details, mail headers, ledger tables, affected
    /// components): their bytes are a storage format with explicit keys, deliberately not the
    /// API's `trustDesk` convention, so existing rows keep reading whatever the API does.
    static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
