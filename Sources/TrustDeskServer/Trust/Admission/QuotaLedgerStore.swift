import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// PT-4's ledger in the database: per account and hour the units granted (`trust_quota_buckets`),
/// per node its leases with their reservations (`trust_quota_leases`) and whether the node is
/// alive (`trust_quota_holders`), all changed in short transactions. How much to grant, reserve,
/// return or reclaim is decided in the core (`QuotaRule`, `QuotaLease`, `LeaseHolderRule`); this
/// only loads and stores.
struct QuotaLedgerStore {
    let database: any Database
    let now: Date
    let rule: MessageLimitRule
    let publicURL: String

    struct Grant: Sendable {
        let granted: Int
        /// Of `granted`, the units already recorded as reserved for the holder.
        let reserved: Int
        /// The limit in force; nil is unlimited.
        let limit: Int?
    }

    /// Grants up to `requested` messages of `account` for `bucket` to `holder`, with the first
    /// reservation, in one transaction. An account seen for the first time joins the program
    /// first (PT-8).
    func grant(_ account: Account, requested: Int, bucket: Int64, holder: String) async throws -> Grant {
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
            let inWindow = try await Self.granted(account.sid, from: QuotaRule.windowStart(for: bucket), before: nil, on: sql)
            let amount = QuotaRule.grant(requested: requested, grantedInWindow: inWindow, limit: limit)
            guard amount > 0 else { return Grant(granted: 0, reserved: 0, limit: limit) }
            let reserved = QuotaRule.reservation(unreserved: amount, grant: amount)
            try await sql.raw("""
                INSERT INTO trust_quota_buckets (id, account_sid, bucket, granted)
                VALUES (\(bind: UUID()), \(bind: account.sid), \(bind: bucket), \(bind: Int64(amount)))
                ON CONFLICT (account_sid, bucket) DO UPDATE SET granted = trust_quota_buckets.granted + excluded.granted
                """).run()
            // The holder's row says it is alive before its lease exists, so no node takes a
            // fresh lease for a gone holder's.
            try await heartbeat(holder, on: sql)
            try await sql.raw("""
                INSERT INTO trust_quota_leases (id, account_sid, bucket, holder, granted, reserved)
                VALUES (\(bind: UUID()), \(bind: account.sid), \(bind: bucket), \(bind: holder), \(bind: Int64(amount)), \(bind: Int64(reserved)))
                ON CONFLICT (account_sid, bucket, holder) DO UPDATE
                SET granted = trust_quota_leases.granted + excluded.granted, reserved = trust_quota_leases.reserved + excluded.reserved
                """).run()
            return Grant(granted: amount, reserved: reserved, limit: limit)
        }
    }

    /// Records `count` more units of the holder's lease as reserved, before any is admitted.
    /// False when the lease no longer holds them: another node reclaimed it.
    func reserve(_ account: String, bucket: Int64, holder: String, count: Int) async throws -> Bool {
        guard count > 0 else { return false }
        // `QuotaLease.reserve` as one conditional statement: racing a reclaim, one of them wins.
        let rows = try await database.sql.raw("""
            UPDATE trust_quota_leases SET reserved = reserved + \(bind: Int64(count))
            WHERE account_sid = \(bind: account) AND bucket = \(bind: bucket) AND holder = \(bind: holder)
              AND reserved + \(bind: Int64(count)) <= granted
            RETURNING reserved
            """).all()
        return !rows.isEmpty
    }

    /// The holder ends its lease: everything it did not use goes back to the bucket, in one
    /// transaction with the lease's end. A lease another node reclaimed meanwhile returns only
    /// what is still recorded for it.
    func release(_ account: String, _ release: AccountAdmission.Release, holder: String) async throws {
        try await database.transaction { db in
            let sql = try db.sql
            let rows = try await sql.raw("""
                DELETE FROM trust_quota_leases WHERE account_sid = \(bind: account) AND bucket = \(bind: release.bucket) AND holder = \(bind: holder)
                RETURNING granted, reserved
                """).all()
            for row in rows {
                let lease = try Self.lease(row)
                try await giveBack(account, bucket: release.bucket, units: lease.returnedOnRelease(unusedReserved: release.unusedReserved), on: sql)
            }
        }
    }

    /// This node is alive (every second, and with each grant).
    func heartbeat(_ holder: String) async throws {
        try await heartbeat(holder, on: database.sql)
    }

    private func heartbeat(_ holder: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO trust_quota_holders (holder, heartbeat_at) VALUES (\(bind: holder), \(bind: now))
            ON CONFLICT (holder) DO UPDATE SET heartbeat_at = excluded.heartbeat_at
            """).run()
    }

    /// A stopping node, after giving its leases back: whatever it could not return is
    /// reclaimed by the next node that looks, not after the reclaim delay.
    func retire(_ holder: String) async throws {
        try await database.sql.raw("""
            UPDATE trust_quota_holders SET heartbeat_at = \(bind: Date(timeIntervalSince1970: 0)) WHERE holder = \(bind: holder)
            """).run()
    }

    struct Reclaimed: Sendable, Equatable {
        var holders = 0
        var leases = 0
        var units = 0
    }

    /// Gives back the unreserved part of every lease whose holder is gone (no heartbeat for
    /// `LeaseHolderRule.reclaimAfter`), one holder per transaction; the condition is checked in
    /// the same statement that ends the leases, so a holder that comes back meanwhile keeps them,
    /// and two nodes reclaiming at once return each lease once.
    func reclaimGone() async throws -> Reclaimed {
        let cutoff = LeaseHolderRule.cutoff(now: now)
        let gone = try await QuotaLeaseHolder.query(on: database).filter(\.$heartbeatAt < cutoff).limit(100).all()
        var reclaimed = Reclaimed()
        for holder in gone {
            guard let id = holder.id else { continue }
            let units = try await database.transaction { db -> (leases: Int, units: Int) in
                let sql = try db.sql
                let rows = try await sql.raw("""
                    DELETE FROM trust_quota_leases WHERE holder = \(bind: id)
                      AND EXISTS (SELECT 1 FROM trust_quota_holders WHERE holder = \(bind: id) AND heartbeat_at < \(bind: cutoff))
                    RETURNING account_sid, bucket, granted, reserved
                    """).all()
                var units = 0
                for row in rows {
                    let lease = try Self.lease(row)
                    try await giveBack(try row.decode(column: "account_sid", as: String.self), bucket: try row.decode(column: "bucket", as: Int64.self),
                                       units: lease.returnedOnReclaim, on: sql)
                    units += lease.returnedOnReclaim
                }
                try await sql.raw("""
                    DELETE FROM trust_quota_holders WHERE holder = \(bind: id) AND heartbeat_at < \(bind: cutoff)
                      AND NOT EXISTS (SELECT 1 FROM trust_quota_leases WHERE holder = \(bind: id))
                    """).run()
                return (rows.count, units)
            }
            reclaimed.holders += 1
            reclaimed.leases += units.leases
            reclaimed.units += units.units
        }
        return reclaimed
    }

    /// A lease row's accounting, as the core reasons about it.
    private static func lease(_ row: any SQLRow) throws -> QuotaLease {
        QuotaLease(granted: Int(try row.decode(column: "granted", as: Int64.self)), reserved: Int(try row.decode(column: "reserved", as: Int64.self)))
    }

    /// Units a holder reserved for a lease that had already ended in its memory: never admitted.
    func giveBackReserved(_ account: String, bucket: Int64, units: Int) async throws {
        try await giveBack(account, bucket: bucket, units: units, on: database.sql)
    }

    private func giveBack(_ account: String, bucket: Int64, units: Int, on sql: any SQLDatabase) async throws {
        guard units > 0 else { return }
        try await sql.raw("""
            UPDATE trust_quota_buckets SET granted = granted - \(bind: Int64(units))
            WHERE account_sid = \(bind: account) AND bucket = \(bind: bucket)
            """).run()
    }

    /// Messages granted in the rolling window ending now (the "used" a customer sees, PT-8/PT-9).
    func usedInWindow(_ account: String) async throws -> Int {
        try await Self.granted(account, from: QuotaRule.windowStart(for: QuotaRule.bucket(now)), before: nil, on: database.sql)
    }

    /// Units granted to `account` in the buckets `[from, before)` (no end: up to now).
    private static func granted(_ account: String, from: Int64, before: Int64?, on sql: any SQLDatabase) async throws -> Int {
        let end: SQLQueryString = before.map { "AND bucket < \(bind: $0)" } ?? ""
        let row = try await sql.raw("""
            SELECT CAST(COALESCE(SUM(granted), 0) AS BIGINT) AS total FROM trust_quota_buckets
            WHERE account_sid = \(bind: account) AND bucket >= \(bind: from) \(end)
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

    /// Admitted SMS (net grants of the ledger) in `[from, to)`, whole hours.
    func admittedVolume(_ account: String, from: Date, to: Date) async throws -> Int {
        try await Self.granted(account, from: QuotaRule.bucket(from), before: QuotaRule.bucket(to), on: database.sql)
    }

    /// Daily admitted volume for the days `[from, to)`, oldest first (the 60-day chart).
    func dailyVolumes(_ account: String, from: Date, to: Date) async throws -> [(day: Date, admitted: Int)] {
        let rows = try await database.sql.raw("""
            SELECT bucket, granted FROM trust_quota_buckets
            WHERE account_sid = \(bind: account) AND bucket >= \(bind: QuotaRule.bucket(from)) AND bucket < \(bind: QuotaRule.bucket(to))
            """).all()
        var byDay: [Int64: Int] = [:]
        for row in rows {
            let bucket = try row.decode(column: "bucket", as: Int64.self)
            byDay[bucket / 24, default: 0] += Int(try row.decode(column: "granted", as: Int64.self))
        }
        var result: [(Date, Int)] = []
        var day = UTCDay.start(of: from)
        while day < to {
            result.append((day, byDay[Int64(day.timeIntervalSince1970 / 86_400)] ?? 0))
            day = day.addingTimeInterval(86_400)
        }
        return result
    }

    /// Ledger rows before `bucket` are no longer read (the daily job keeps the 60-day average's
    /// window and a margin).
    func prune(before bucket: Int64) async throws {
        try await database.sql.raw("DELETE FROM trust_quota_buckets WHERE bucket < \(bind: bucket)").run()
    }

    struct NearCap: Sendable {
        let sid: String
        let score: Int
        let limit: Int
        let used: Int
        var percent: Int { limit > 0 ? used * 100 / limit : 100 }
    }

    /// Accounts that used 80% or more of their computed limit in the current window, fullest
    /// first (at most 200).
    func nearCap() async throws -> [NearCap] {
        let rows = try await database.sql.raw("""
            SELECT p.account_sid AS sid, p.score AS score, p.daily_limit AS daily_limit,
                   CAST(SUM(b.granted) AS BIGINT) AS used
            FROM trust_profiles p JOIN trust_quota_buckets b ON b.account_sid = p.account_sid
            WHERE p.daily_limit IS NOT NULL AND b.bucket >= \(bind: QuotaRule.windowStart(for: QuotaRule.bucket(now)))
            GROUP BY p.account_sid, p.score, p.daily_limit
            HAVING SUM(b.granted) * 100 >= p.daily_limit * 80
            ORDER BY p.account_sid LIMIT 200
            """).all()
        return try rows.map { row in
            NearCap(sid: try row.decode(column: "sid", as: String.self), score: try row.decode(column: "score", as: Int.self),
                    limit: try row.decode(column: "daily_limit", as: Int.self), used: Int(try row.decode(column: "used", as: Int64.self)))
        }.sorted { $0.percent > $1.percent }
    }
}
