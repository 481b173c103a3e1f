import Fluent
import Foundation
import Synchronization
import TrustDeskCore
import Vapor

/// The answer to "may this message go?" (PT-4, PT-5, PT-6).
enum AdmissionResult: Sendable, Equatable {
    case admitted
    /// Over the limit (63038); the limit in force.
    case refused(limit: Int?)
    /// The account can't send at all (its standing, STD-2).
    case notActive(standing: String)
    case unknownAccount
}

/// Admits SMS from memory: a table of per-account lease state, split into 64 shards by the
/// account SID's hash so that many accounts do not contend on one lock. Only a spent lease goes
/// to the database (`QuotaLedgerStore`), and an account's standing and callback are cached for
/// `policyTTL` seconds. One per process.
final class AdmissionDesk: Sendable {
    static let shardCount = 64
    static let policyTTL: Int64 = 2

    struct Policy: Sendable {
        let standing: String
        let callbackURL: String?
        let callbackSecret: String?
    }

    struct Entry {
        var admission = AccountAdmission()
        var policy: Policy?
        var policyLoadedAt: Int64 = .min
        var limit: Int?
        /// One lease request per account at a time on this node; the others await it.
        var leaseTask: Task<Void, any Error>?
        /// One policy refresh at a time; meanwhile the others use the cached policy.
        var policyRefreshing = false
    }

    final class Shard: Sendable {
        let entries = Mutex<[AccountKey: Entry]>([:])
    }

    /// What admissions leave for the database, written in batches by `flush`.
    struct Journal {
        var admitted: [(message: String, account: String, at: Date)] = []
        var refused: [(message: String?, account: String, url: String, secret: String, at: Date, limit: Int?)] = []
    }

    private let shards: [Shard] = (0..<AdmissionDesk.shardCount).map { _ in Shard() }
    private let journal = Mutex(Journal())
    let lastPolicyPoll = Mutex<Date?>(nil)

    /// SIDs are random, so the low bits of the key pick the shard without hashing.
    @inline(__always)
    private func shard(_ key: AccountKey) -> Shard {
        shards[Int(key.low & UInt64(Self.shardCount - 1))]
    }

    /// The in-memory decision alone, for benchmarks: admits while the current lease lasts.
    @inline(__always)
    func decideLocally(_ key: AccountKey, atSecond second: Int64) -> AccountAdmission.Decision {
        shard(key).entries.withLock { $0[key, default: Entry()].admission.decide(atSecond: second) }
    }

    /// Installs a grant directly (benchmarks and tests seed leases with it).
    func installLocally(_ account: String, granted: Int, atSecond second: Int64) {
        let key = AccountKey(account)
        _ = shard(key).entries.withLock {
            $0[key, default: Entry()].admission.install(granted: granted, bucket: QuotaRule.bucket(atSecond: second), atSecond: second)
        }
    }

    func admit(_ accountSID: String, channel: MessageChannel, messageSID: String?, context: TrustContext) async throws -> AdmissionResult {
        let now = context.now
        let second = Int64(now.timeIntervalSince1970.rounded(.down))
        let key = AccountKey(accountSID)
        let shard = self.shard(key)
        // The cached policy; a stale one is refreshed by one request while the rest use it.
        let (cached, refresh) = shard.entries.withLock { entries -> (Policy?, Bool) in
            guard let entry = entries[key], let policy = entry.policy else { return (nil, true) }
            if second < entry.policyLoadedAt + Self.policyTTL || entry.policyRefreshing { return (policy, false) }
            entries[key]?.policyRefreshing = true
            return (policy, true)
        }
        var policy = cached
        if refresh {
            let loaded: Policy?
            do {
                loaded = try await loadPolicy(accountSID, database: context.database)
            } catch {
                shard.entries.withLock { $0[key]?.policyRefreshing = false }
                throw error
            }
            guard let loaded else {
                shard.entries.withLock { $0[key]?.policyRefreshing = false }
                return .unknownAccount
            }
            shard.entries.withLock {
                $0[key, default: Entry()].policy = loaded
                $0[key, default: Entry()].policyLoadedAt = second
                $0[key, default: Entry()].policyRefreshing = false
            }
            policy = loaded
        }
        guard let policy else { return .unknownAccount }
        guard policy.standing == "active" else { return .notActive(standing: policy.standing) }
        guard channel.isLimited else { return .admitted }

        // A spent lease is refilled by one task per account (single flight); every request that
        // finds the lease spent awaits that task, then decides again.
        for _ in 0..<20 {
            let decision = shard.entries.withLock { $0[key, default: Entry()].admission.decide(atSecond: second) }
            switch decision {
            case .admitted:
                if let messageSID { journal.withLock { $0.admitted.append((messageSID, accountSID, now)) } }
                return .admitted
            case .refused:
                let limit = shard.entries.withLock { $0[key]?.limit }
                recordRefusal(messageSID, accountSID, policy, now, limit)
                return .refused(limit: limit)
            case let .needLease(size):
                let task = shard.entries.withLock { entries -> Task<Void, any Error> in
                    if let running = entries[key]?.leaseTask { return running }
                    let task = Task { try await self.refill(key, accountSID, size: size, second: second, context: context) }
                    entries[key, default: Entry()].leaseTask = task
                    return task
                }
                try await task.value
            }
        }
        let limit = shard.entries.withLock { $0[key]?.limit }
        recordRefusal(messageSID, accountSID, policy, now, limit)
        return .refused(limit: limit)
    }

    /// Takes a lease from the ledger and installs it; the old hour's unused units go back.
    private func refill(_ key: AccountKey, _ accountSID: String, size: Int, second: Int64, context: TrustContext) async throws {
        let shard = self.shard(key)
        do {
            guard let account = try await Account.find(accountSID, on: context.database) else { throw DomainError.notFound("account") }
            let bucket = QuotaRule.bucket(atSecond: second)
            let grant = try await context.ledger.grant(account, requested: size, bucket: bucket)
            let release = shard.entries.withLock { entries in
                entries[key, default: Entry()].limit = grant.limit
                entries[key, default: Entry()].leaseTask = nil
                return entries[key, default: Entry()].admission.install(granted: grant.granted, bucket: bucket, atSecond: second)
            }
            if let release { try await context.ledger.giveBack(accountSID, release) }
        } catch {
            shard.entries.withLock { $0[key]?.leaseTask = nil }
            throw error
        }
    }

    private func recordRefusal(_ message: String?, _ account: String, _ policy: Policy, _ now: Date, _ limit: Int?) {
        guard let url = policy.callbackURL, let secret = policy.callbackSecret else { return }
        journal.withLock { $0.refused.append((message, account, url, secret, now, limit)) }
    }

    private func loadPolicy(_ accountSID: String, database: any Database) async throws -> Policy? {
        guard let account = try await Account.find(accountSID, on: database) else { return nil }
        let profile = try await TrustProfile.find(accountSID, on: database)
        return Policy(standing: account.standing, callbackURL: profile?.callbackURL, callbackSecret: profile?.callbackSecret)
    }

    // MARK: Maintenance (each node, every second; see TrustMaintenance)

    /// Leases whose hour is over give their unused units back.
    func releaseExpired(atSecond second: Int64) -> [(String, AccountAdmission.Release)] {
        var releases: [(String, AccountAdmission.Release)] = []
        for shard in shards {
            shard.entries.withLock { entries in
                for key in entries.keys {
                    if let release = entries[key]?.admission.releaseExpired(atSecond: second) { releases.append((key.sid, release)) }
                }
            }
        }
        return releases
    }

    /// The account's policy changed elsewhere (score, limit, override, callback): end its lease
    /// and forget its cached policy, so the next message sees the new one.
    func invalidate(_ account: String) -> AccountAdmission.Release? {
        let key = AccountKey(account)
        return shard(key).entries.withLock { entries in
            let release = entries[key]?.admission.releaseLease()
            entries[key]?.policyLoadedAt = .min
            return release
        }
    }

    /// Every lease ends (shutdown).
    func releaseAll() -> [(String, AccountAdmission.Release)] {
        var releases: [(String, AccountAdmission.Release)] = []
        for shard in shards {
            shard.entries.withLock { entries in
                for key in entries.keys {
                    if let release = entries[key]?.admission.releaseLease() { releases.append((key.sid, release)) }
                }
            }
        }
        return releases
    }

    /// Units this node holds in the account's current lease, not yet used.
    func outstanding(_ account: String) -> Int {
        let key = AccountKey(account)
        return shard(key).entries.withLock { $0[key]?.admission.leaseRemaining ?? 0 }
    }

    func takeJournal() -> Journal {
        journal.withLock { journal in
            defer { journal = Journal() }
            return journal
        }
    }
}

/// What one admission needs from the request or job: the database, the clock and the ledger.
struct TrustContext {
    let database: any Database
    let now: Date
    let ledger: QuotaLedgerStore

    init(database: any Database, now: Date, configuration: TrustDeskConfiguration) {
        self.database = database
        self.now = now
        self.ledger = QuotaLedgerStore(database: database, now: now, rule: MessageLimitRule(defaultLimit: configuration.smsLimitFloor, floor: configuration.smsLimitFloor),
                                       publicURL: configuration.publicURL)
    }
}

extension Application {
    private struct AdmissionDeskKey: StorageKey { typealias Value = AdmissionDesk }

    var admissionDesk: AdmissionDesk {
        if let desk = storage[AdmissionDeskKey.self] { return desk }
        let desk = AdmissionDesk()
        storage[AdmissionDeskKey.self] = desk
        return desk
    }

    func trustContext(now: Date) -> TrustContext {
        TrustContext(database: db, now: now, configuration: trustDeskConfiguration)
    }

    var messageLimitRule: MessageLimitRule {
        MessageLimitRule(defaultLimit: trustDeskConfiguration.smsLimitFloor, floor: trustDeskConfiguration.smsLimitFloor)
    }

    func trustScores(now: Date, database: (any Database)? = nil) -> TrustScores {
        TrustScores(database: database ?? db, now: now, rule: messageLimitRule, publicURL: trustDeskConfiguration.publicURL)
    }
}

extension Request {
    var trustContext: TrustContext { application.trustContext(now: now).with(database: db) }
}

extension TrustContext {
    func with(database: any Database) -> TrustContext {
        var copy = self
        copy = TrustContext(database: database, now: now, ledger: QuotaLedgerStore(database: database, now: now, rule: ledger.rule, publicURL: ledger.publicURL))
        return copy
    }

    init(database: any Database, now: Date, ledger: QuotaLedgerStore) {
        self.database = database
        self.now = now
        self.ledger = ledger
    }
}

/// An account SID as two integers: the 32 hex digits are 128 bits. Hashing and comparing them is
/// much cheaper than a 34-character string, and keeps the table's keys inline (no allocation).
struct AccountKey: Hashable, Sendable {
    let high: UInt64
    let low: UInt64

    /// `sid` is validated (ACC-1) before it gets here; anything else maps to a key no real SID has.
    @inline(__always)
    init(_ sid: String) {
        var sid = sid
        // Native strings are contiguous UTF-8: read the bytes directly.
        if let key = sid.withUTF8({ bytes -> AccountKey? in
            guard bytes.count == 34 else { return nil }
            var high: UInt64 = 0, low: UInt64 = 0
            for index in 2..<18 { high = high << 4 | Self.nibble(bytes[index]) }
            for index in 18..<34 { low = low << 4 | Self.nibble(bytes[index]) }
            return AccountKey(high: high, low: low)
        }) {
            self = key
            return
        }
        var high: UInt64 = 0, low: UInt64 = 0, index = 0
        for byte in sid.utf8 {
            defer { index += 1 }
            guard index >= 2 else { continue }
            let digit: UInt64 = switch byte {
            case 0x30...0x39: UInt64(byte - 0x30)
            case 0x61...0x66: UInt64(byte - 0x61 + 10)
            default: 0
            }
            if index < 18 { high = high << 4 | digit } else { low = low << 4 | digit }
        }
        self.high = high
        self.low = low
    }

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    @inline(__always)
    static func nibble(_ byte: UInt8) -> UInt64 {
        // '0'-'9' and 'a'-'f'; the SID was validated, so no other byte arrives here.
        UInt64(byte <= 0x39 ? byte &- 0x30 : byte &- 0x57) & 0xF
    }

    var sid: String {
        func hex(_ value: UInt64) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }
        return "AC" + hex(high) + hex(low)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(high ^ (low &* 0x9E37_79B9_7F4A_7C15))
    }
}
