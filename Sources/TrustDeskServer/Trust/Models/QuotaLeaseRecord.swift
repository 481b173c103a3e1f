import Fluent
import Foundation
import TrustDeskCore

/// One node's lease of one account's quota for one hour bucket (PT-4): the units counted for it
/// in `trust_quota_buckets`, and how many of them it reserved before admitting any. The holder
/// deletes the row when it gives the lease back; when the holder is gone (no heartbeat in
/// `trust_quota_holders` for `LeaseHolderRule.reclaimAfter`), another node deletes it and gives
/// back the unreserved part. Only `QuotaLedgerStore` reads or writes it.
final class QuotaLeaseRecord: Model, @unchecked Sendable {
    static let schema = "trust_quota_leases"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_sid") var accountSID: String
    /// Hours since 1970-01-01 UTC, as in `trust_quota_buckets`.
    @Field(key: "bucket") var bucket: Int64
    /// `QuotaLeaseHolder.id` of the node that holds it.
    @Field(key: "holder") var holder: String
    @Field(key: "granted") var granted: Int64
    @Field(key: "reserved") var reserved: Int64

    init() {}
}

struct CreateQuotaLeases: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(QuotaLeaseRecord.schema)
            .id()
            .field("account_sid", .string, .required)
            .field("bucket", .int64, .required)
            .field("holder", .string, .required)
            .field("granted", .int64, .required)
            .field("reserved", .int64, .required)
            .create()
        try await database.index("trust_quota_leases_lease_idx", on: QuotaLeaseRecord.schema, columns: ["account_sid", "bucket", "holder"], unique: true)
        try await database.index("trust_quota_leases_holder_idx", on: QuotaLeaseRecord.schema, columns: ["holder"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(QuotaLeaseRecord.schema).delete()
    }
}

/// A node that holds quota leases, and when it last said it is alive (every second while it
/// runs). A stopping node sets `heartbeat_at` to the epoch, so anything it could not give back
/// is reclaimed at once. Only `QuotaLedgerStore` reads or writes it.
final class QuotaLeaseHolder: Model, @unchecked Sendable {
    static let schema = "trust_quota_holders"

    @ID(custom: "holder", generatedBy: .user) var id: String?
    @Field(key: "heartbeat_at") var heartbeatAt: Date

    init() {}
}

struct CreateQuotaLeaseHolders: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(QuotaLeaseHolder.schema)
            .field("holder", .string, .identifier(auto: false))
            .field("heartbeat_at", .datetime, .required)
            .create()
        try await database.index("trust_quota_holders_heartbeat_idx", on: QuotaLeaseHolder.schema, columns: ["heartbeat_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(QuotaLeaseHolder.schema).delete()
    }
}

extension QuotaLeaseRecord {
    /// PRV-1: counts a node holds for an account's window; gone when the lease is returned.
    static let inventory = TableInventory(schema, key: "id", links: [.account("account_sid")], note: "Counts only; a lease lives minutes.", columns: [
        "id": .notPersonal,
        "account_sid": .notPersonal,
        "bucket": .notPersonal,
        "holder": .notPersonal,
        "granted": .notPersonal,
        "reserved": .notPersonal,
    ])
}

extension QuotaLeaseHolder {
    /// PRV-1: a node's heartbeat, nobody's personal data.
    static let inventory = TableInventory(schema, key: "holder", columns: [
        "holder": .notPersonal,
        "heartbeat_at": .notPersonal,
    ])
}
