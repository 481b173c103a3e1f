import Foundation

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
