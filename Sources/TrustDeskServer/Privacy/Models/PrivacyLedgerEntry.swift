import Fluent
import Foundation
import TrustDeskCore

/// PRV-9: the append-only report of every export and deletion: which tables and fields, how
/// many rows, the archive's hash, the legal holds that stopped it. Never a value.
final class PrivacyLedgerEntry: Model, @unchecked Sendable {
    static let schema = "privacy_ledger"

    @ID(key: .id) var id: UUID?
    @OptionalField(key: "request_id") var requestID: UUID?
    @OptionalField(key: "account_sid") var accountSID: String?
    @OptionalField(key: "user_sid") var userSID: String?
    /// `export`, `deletion`, `retention_<step>`, `usage_deletion`, `underage_removal`, `held`.
    @Field(key: "action") var action: String
    /// JSON array of `{table, fields, rows}`.
    @Field(key: "tables") var tables: String
    @Field(key: "rows_total") var rowsTotal: Int
    @OptionalField(key: "archive_sha256") var archiveSHA256: String?
    @OptionalField(key: "legal_hold_cases") var legalHoldCases: String?
    /// `system`, or the SID of the staff member or user who acted.
    @Field(key: "actor") var actor: String
    @Field(key: "at") var at: Date

    init() {}

    var entries: [LedgerTable] {
        get throws(CorruptStoredValue) {
            try StoredJSON.decode([LedgerTable].self, tables, table: Self.schema, column: "tables", row: id?.uuidString.lowercased() ?? "")
        }
    }
}

/// One table's part of a ledger entry: its name, the fields touched and the row count.
struct LedgerTable: Codable, Sendable, Equatable {
    let table: String
    let fields: [String]
    let rows: Int
}

struct CreatePrivacyLedger: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PrivacyLedgerEntry.schema)
            .id()
            .field("request_id", .uuid)
            .field("account_sid", .string)
            .field("user_sid", .string)
            .field("action", .string, .required)
            .field("tables", .string, .required)
            .field("rows_total", .int, .required)
            .field("archive_sha256", .string)
            .field("legal_hold_cases", .string)
            .field("actor", .string, .required)
            .field("at", .datetime, .required)
            .create()
        try await database.index("privacy_ledger_account_idx", on: PrivacyLedgerEntry.schema, columns: ["account_sid", "at"])
        try await database.index("privacy_ledger_user_idx", on: PrivacyLedgerEntry.schema, columns: ["user_sid", "at"])
        try await database.index("privacy_ledger_request_idx", on: PrivacyLedgerEntry.schema, columns: ["request_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PrivacyLedgerEntry.schema).delete()
    }
}

extension PrivacyLedgerEntry {
    /// PRV-1: SIDs, table names and counts only.
    static let inventory = TableInventory(schema, key: "id", columns: [
        "id": .notPersonal, "request_id": .notPersonal, "account_sid": .notPersonal, "user_sid": .notPersonal,
        "action": .notPersonal, "tables": .notPersonal, "rows_total": .notPersonal, "archive_sha256": .notPersonal,
        "legal_hold_cases": .notPersonal, "actor": .notPersonal, "at": .notPersonal,
    ])
}
