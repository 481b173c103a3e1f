import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// PT-4's ledger in the database: leases granted and returned in short transactions. The
/// decision of how much to grant is `QuotaRule.grant`; this only loads and stores.
struct QuotaLedgerStore {
    let database: any Database
    let now: Date
    let rule: MessageLimitRule
    let publicURL: String

    struct Grant: Sendable {
        let granted: Int
        /// The limit in force; nil is unlimited.
        let limit: Int?
    }

    /// Grants up to `requested` messages of `account` for `bucket`. An account seen for the
    /// first time joins the program first (PT-8).
    func grant(_ account: Account, requested: Int, bucket: Int64) async throws -> Grant {
        if try await TrustProfile.find(account.sid, on: database) == nil {
            // Enrolment is an insert-or-ignore: another node enrolling it at the same moment is harmless.
            try await TrustScores(database: database, now: now, rule: rule, publicURL: publicURL).refresh(account, source: "enrolment")
        }
        return try await database.transaction { db in
            let sql = try db.sql
            // Taking the profile's row lock serialises grants of this account across nodes.
            try await sql.raw("UPDATE trust_profiles SET lease_seq = lease_seq + 1 WHERE account_sid = \(bind: account.sid)").run()
            guard let profile = try await TrustProfile.find(account.sid, on: db) else {
                throw DomainError.notFound("account")
            }
            let limit = profile.effectiveLimit(at: now)
            let row = try await sql.raw("""
                SELECT CAST(COALESCE(SUM(granted), 0) AS BIGINT) AS total FROM trust_quota_buckets
                WHERE account_sid = \(bind: account.sid) AND bucket >= \(bind: QuotaRule.windowStart(for: bucket))
                """).first()
            let inWindow = Int(try row?.decode(column: "total", as: Int64.self) ?? 0)
            let amount = QuotaRule.grant(requested: requested, grantedInWindow: inWindow, limit: limit)
            if amount > 0 {
                try await sql.raw("""
                    INSERT INTO trust_quota_buckets (id, account_sid, bucket, granted)
                    VALUES (\(bind: UUID()), \(bind: account.sid), \(bind: bucket), \(bind: Int64(amount)))
                    ON CONFLICT (account_sid, bucket) DO UPDATE SET granted = trust_quota_buckets.granted + excluded.granted
                    """).run()
            }
            return Grant(granted: amount, limit: limit)
        }
    }

    /// Gives a lease's unused units back to its bucket.
    func giveBack(_ account: String, _ release: AccountAdmission.Release) async throws {
        try await database.sql.raw("""
            UPDATE trust_quota_buckets SET granted = granted - \(bind: Int64(release.unused))
            WHERE account_sid = \(bind: account) AND bucket = \(bind: release.bucket)
            """).run()
    }

    /// Messages granted in the rolling window ending now (the "used" a customer sees, PT-8/PT-9).
    func usedInWindow(_ account: String) async throws -> Int {
        let row = try await database.sql.raw("""
            SELECT CAST(COALESCE(SUM(granted), 0) AS BIGINT) AS total FROM trust_quota_buckets
            WHERE account_sid = \(bind: account) AND bucket >= \(bind: QuotaRule.windowStart(for: QuotaRule.bucket(now)))
            """).first()
        return Int(try row?.decode(column: "total", as: Int64.self) ?? 0)
    }

    /// Which of `accounts` had SMS admitted in any hour bucket overlapping `[from, to]`: the
    /// accounts an SMS incident can have touched (STS-4).
    static func accountsWithAdmissions(among accounts: [String], from: Date, to: Date, on database: any Database) async throws -> Set<String> {
        guard !accounts.isEmpty else { return [] }
        let rows = try await database.sql.select().distinct().column("account_sid").from(QuotaBucket.schema)
            .where("account_sid", .in, accounts)
            .where("bucket", .greaterThanOrEqual, QuotaRule.bucket(from))
            .where("bucket", .lessThanOrEqual, QuotaRule.bucket(to))
            .where("granted", .greaterThan, 0)
            .all()
        return Set(try rows.map { try $0.decode(column: "account_sid", as: String.self) })
    }
}
