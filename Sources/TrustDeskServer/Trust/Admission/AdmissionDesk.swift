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

/// Admits SMS from memory: per-account lease state in 64 shards chosen by the account SID's
/// low bits, each a flat open-addressing table behind its own lock, so that many accounts do
/// not contend on one lock and a decision touches one cache line (`AdmissionTable`). Only a
/// spent reservation or lease goes to the database (`QuotaLedgerStore`), and an account's
/// standing and callback are cached for `policyTTL` seconds. One per process; its leases are
/// recorded under `holder`, so another node can reclaim them if this process dies.
final class AdmissionDesk: Sendable {
    static let shardCount = 64
    static let policyTTL: Int64 = 2
    static let refillRounds = 200

    struct Policy: Sendable {
        let standing: String
        let callbackURL: String?
        let callbackSecret: String?

        var isActive: Bool { standing == "active" }
    }

    /// What the fast path answers without leaving the lock.
    enum FastDecision: Equatable {
        case admitted
        case refused
        /// No account state yet, a stale or non-active policy, or a spent reservation or lease: take `admit`.
        case slow
    }

    /// One admission's answer, and the journal entry to wait for before giving it (a message
    /// SID to record, or a refusal to call back).
    struct Decision: Sendable {
        let result: AdmissionResult
        let journaled: AdmissionJournal.Mark?
    }

    final class Shard: Sendable {
        let table = Mutex(AdmissionTable())
    }

    private let shards: [Shard] = (0..<AdmissionDesk.shardCount).map { _ in Shard() }
    let journal: AdmissionJournal
    /// This process as a lease holder: new at every start, so a restarted node never mistakes
    /// the leases of the process it replaces for its own.
    let holder: String
    let lastPolicyPoll = Mutex<Date?>(nil)

    init(holder: String = AdmissionDesk.newHolder(), journal: AdmissionJournal = .detached) {
        self.holder = holder
        self.journal = journal
    }

    static func newHolder() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// SIDs are random, so the low bits of the key pick the shard without hashing.
    @inline(__always)
    private func shard(_ key: AccountKey) -> Shard {
        shards[Int(truncatingIfNeeded: key.low) & (Self.shardCount - 1)]
    }

    /// The whole in-memory decision of a request whose account is known, active and has a
    /// lease: one shard lock, one table probe, integer arithmetic. `admit` starts with it; the
    /// benchmark measures it.
    @inline(__always)
    func decideFast(_ key: AccountKey, channel: MessageChannel, atSecond second: Int64) -> FastDecision {
        shard(key).table.withLock { table in table.decideFast(key, limited: channel.isLimited, atSecond: second) }
    }

    /// Installs a grant and an active policy directly (benchmarks and tests seed leases with it).
    func installLocally(_ account: String, granted: Int, atSecond second: Int64) {
        let key = AccountKey(account)
        shard(key).table.withLock { table in
            let slot = table.insert(key)
            _ = table[slot: slot].admission.install(granted: granted, bucket: QuotaRule.bucket(atSecond: second), atSecond: second)
            table.setPolicy(Policy(standing: "active", callbackURL: nil, callbackSecret: nil), at: slot, loadedAt: second)
        }
    }

    func admit(_ accountSID: String, channel: MessageChannel, messageSID: String?, context: TrustContext) async throws -> Decision {
        try await admit(AccountKey(accountSID), accountSID, channel: channel, messageSID: messageSID, context: context)
    }

    func admit(_ key: AccountKey, _ accountSID: String, channel: MessageChannel, messageSID: String?, context: TrustContext) async throws -> Decision {
        let now = context.now
        let second = Int64(now.timeIntervalSince1970.rounded(.down))
        let shard = self.shard(key)
        if decideFast(key, channel: channel, atSecond: second) == .admitted {
            return Decision(result: .admitted, journaled: messageSID.map { recordAdmitted($0, accountSID, now: now) })
        }
        // The cached policy; a stale one is refreshed by one request while the rest use it.
        let (cached, refresh) = shard.table.withLock { table -> (Policy?, Bool) in
            guard let slot = table.find(key), let policy = table.cold[slot].policy else { return (nil, true) }
            if second < table.cold[slot].policyLoadedAt + Self.policyTTL || table.cold[slot].policyRefreshing { return (policy, false) }
            table.cold[slot].policyRefreshing = true
            return (policy, true)
        }
        var policy = cached
        if refresh {
            let loaded: Policy?
            do {
                loaded = try await loadPolicy(accountSID, database: context.database)
            } catch {
                shard.table.withLock { table in table.find(key).map { table.cold[$0].policyRefreshing = false } }
                throw error
            }
            guard let loaded else {
                shard.table.withLock { table in table.find(key).map { table.cold[$0].policyRefreshing = false } }
                return Decision(result: .unknownAccount, journaled: nil)
            }
            shard.table.withLock { table in
                let slot = table.insert(key)
                table.setPolicy(loaded, at: slot, loadedAt: second)
                table.cold[slot].policyRefreshing = false
            }
            policy = loaded
        }
        guard let policy else { return Decision(result: .unknownAccount, journaled: nil) }
        guard policy.isActive else { return Decision(result: .notActive(standing: policy.standing), journaled: nil) }
        guard channel.isLimited else {
            return Decision(result: .admitted, journaled: messageSID.map { recordAdmitted($0, accountSID, now: now) })
        }

        // A spent reservation or lease is refilled by one task per account (single flight);
        // every request that finds it spent awaits that task, then decides again. Each round
        // some request is admitted or the ledger says "nothing left", so the bound only stops
        // a request that keeps losing the race under heavy contention.
        for _ in 0..<Self.refillRounds {
            let decision = shard.table.withLock { table in table[slot: table.insert(key)].admission.decide(atSecond: second) }
            let refill: @Sendable () async throws -> Void
            switch decision {
            case .admitted:
                return Decision(result: .admitted, journaled: messageSID.map { recordAdmitted($0, accountSID, now: now) })
            case .refused:
                let limit = self.limit(key)
                return Decision(result: .refused(limit: limit), journaled: recordRefusal(messageSID, accountSID, policy, now, limit))
            case let .needLease(size):
                refill = { try await self.refill(key, accountSID, size: size, second: second, context: context) }
            case let .needReservation(count):
                refill = { try await self.reserve(key, accountSID, count: count, second: second, context: context) }
            }
            let task = shard.table.withLock { table -> Task<Void, any Error> in
                let slot = table.insert(key)
                if let running = table.cold[slot].leaseTask { return running }
                let task = Task { try await refill() }
                table.cold[slot].leaseTask = task
                return task
            }
            try await task.value
        }
        let limit = self.limit(key)
        return Decision(result: .refused(limit: limit), journaled: recordRefusal(messageSID, accountSID, policy, now, limit))
    }

    /// The limit the ledger last reported for the account (nil: unlimited or not asked yet).
    func limit(_ key: AccountKey) -> Int? {
        shard(key).table.withLock { table in table.find(key).flatMap { table.cold[$0].limit } }
    }

    /// An admitted message's SID, for outcome matching (PT-7): answer once it is written.
    func recordAdmitted(_ messageSID: String, _ accountSID: String, now: Date) -> AdmissionJournal.Mark {
        journal.append(admitted: messageSID, account: accountSID, at: now)
    }

    /// Takes a lease from the ledger (with its first reservation) and installs it; the old
    /// hour's unused units go back.
    private func refill(_ key: AccountKey, _ accountSID: String, size: Int, second: Int64, context: TrustContext) async throws {
        let shard = self.shard(key)
        do {
            guard let account = try await Account.find(accountSID, on: context.database) else { throw DomainError.notFound("account") }
            let bucket = QuotaRule.bucket(atSecond: second)
            let grant = try await context.ledger.grant(account, requested: size, bucket: bucket, holder: holder)
            let release = shard.table.withLock { table in
                let slot = table.insert(key)
                table.cold[slot].limit = grant.limit
                table.cold[slot].leaseTask = nil
                return table[slot: slot].admission.install(granted: grant.granted, reserved: grant.reserved, bucket: bucket, atSecond: second)
            }
            if let release { try await context.ledger.release(accountSID, release, holder: holder) }
        } catch {
            shard.table.withLock { table in table.find(key).map { table.cold[$0].leaseTask = nil } }
            throw error
        }
    }

    /// Records more of the lease as reserved before using it; a refusal means another node
    /// reclaimed the lease (this node looked gone), so only a new lease helps.
    private func reserve(_ key: AccountKey, _ accountSID: String, count: Int, second: Int64, context: TrustContext) async throws {
        let shard = self.shard(key)
        let bucket = QuotaRule.bucket(atSecond: second)
        do {
            let reserved = try await context.ledger.reserve(accountSID, bucket: bucket, holder: holder, count: count)
            let orphaned = shard.table.withLock { table -> Bool in
                let slot = table.insert(key)
                table.cold[slot].leaseTask = nil
                guard reserved else {
                    table[slot: slot].admission.reservationRefused(bucket: bucket)
                    return false
                }
                let admission = table[slot: slot].admission
                // The lease ended while the reservation was on its way (the policy changed, the
                // hour ended): its release returned everything but these units, which the ledger
                // already counted as reserved. Nobody admitted them, so they go back.
                guard admission.leaseBucket == bucket, admission.leaseGranted - admission.leaseReserved >= count else { return true }
                table[slot: slot].admission.reserve(count, bucket: bucket)
                return false
            }
            if orphaned { try await context.ledger.giveBackReserved(accountSID, bucket: bucket, units: count) }
        } catch {
            shard.table.withLock { table in table.find(key).map { table.cold[$0].leaseTask = nil } }
            throw error
        }
    }

    private func recordRefusal(_ message: String?, _ account: String, _ policy: Policy, _ now: Date, _ limit: Int?) -> AdmissionJournal.Mark? {
        guard let url = policy.callbackURL, let secret = policy.callbackSecret else { return nil }
        return journal.append(AdmissionJournal.Refused(message: message, account: account, url: url, secret: secret, at: now, limit: limit))
    }

    private func loadPolicy(_ accountSID: String, database: any Database) async throws -> Policy? {
        guard let account = try await Account.find(accountSID, on: database) else { return nil }
        let profile = try await TrustProfile.find(accountSID, on: database)
        return Policy(standing: account.standing, callbackURL: profile?.callbackURL, callbackSecret: profile?.callbackSecret)
    }

    // MARK: Maintenance (each node, every second; see TrustMaintenance)

    /// Leases whose hour is over give their unused units back.
    func releaseExpired(atSecond second: Int64) -> [(String, AccountAdmission.Release)] {
        everyAccount { admission in admission.releaseExpired(atSecond: second) }
    }

    /// The account's policy changed elsewhere (score, limit, override, callback): end its lease
    /// and forget its cached policy, so the next message sees the new one.
    func invalidate(_ account: String) -> AccountAdmission.Release? {
        let key = AccountKey(account)
        return shard(key).table.withLock { table in
            guard let slot = table.find(key) else { return nil }
            table.forgetPolicy(at: slot)
            return table[slot: slot].admission.releaseLease()
        }
    }

    /// Every lease ends (shutdown).
    func releaseAll() -> [(String, AccountAdmission.Release)] {
        everyAccount { admission in admission.releaseLease() }
    }

    private func everyAccount(_ body: @Sendable (inout AccountAdmission) -> AccountAdmission.Release?) -> [(String, AccountAdmission.Release)] {
        var releases: [(String, AccountAdmission.Release)] = []
        for shard in shards {
            shard.table.withLock { table in
                table.forEachOccupied { slot in
                    if let release = body(&slot.admission) { releases.append((slot.key.sid, release)) }
                }
            }
        }
        return releases
    }

    /// Units this node holds in the account's current lease, not yet used.
    func outstanding(_ account: String) -> Int {
        let key = AccountKey(account)
        return shard(key).table.withLock { table in table.find(key).map { table[slot: $0].admission.leaseRemaining } ?? 0 }
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
        // The journal writes through the application's databases and clock, not the
        // application itself, which would then hold itself through its storage.
        let databases = self.databases, clock = self.clock, logger = self.logger
        let desk = AdmissionDesk(journal: AdmissionJournal { batch in
            guard let database = databases.database(logger: logger, on: databases.eventLoopGroup.any()) else {
                throw DatabaseConfigurationError(description: "No database for the admission journal.")
            }
            try await AdmissionJournal.write(batch, on: database, now: clock.now())
        })
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
