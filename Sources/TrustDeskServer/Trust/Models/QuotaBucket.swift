import Fluent
import Foundation
import TrustDeskCore

/// PT-4's shared ledger: SMS quota granted to nodes per account and UTC hour bucket, net of
/// returned units. Net grants of past hours are the admitted volume (PT-3) except units stranded
/// by a crashed node, which count as sent: that errs toward a higher average, never toward
/// admitting more in a window.
final class QuotaBucket: Model, @unchecked Sendable {
    static let schema = "trust_quota_buckets"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_sid") var accountSID: String
    /// Hours since 1970-01-01 UTC.
    @Field(key: "bucket") var bucket: Int64
    @Field(key: "granted") var granted: Int64

    init() {}
}

struct CreateQuotaBuckets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(QuotaBucket.schema)
            .id()
            .field("account_sid", .string, .required)
            .field("bucket", .int64, .required)
            .field("granted", .int64, .required)
            .create()
        try await database.index("trust_quota_buckets_account_bucket_idx", on: QuotaBucket.schema, columns: ["account_sid", "bucket"], unique: true)
        try await database.index("trust_quota_buckets_bucket_idx", on: QuotaBucket.schema, columns: ["bucket"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(QuotaBucket.schema).delete()
    }
}

extension QuotaBucket {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.account("account_sid")], note: "Hourly counts only: no personal data; Progressive Trust needs them (PT-3), so they stay.", columns: [
        "id": .notPersonal,
        "account_sid": .notPersonal,
        "bucket": .notPersonal,
        "granted": .notPersonal,
    ])
}
