import Foundation

/// The channels the messaging pipeline asks about. Only SMS is limited (PT-6).
public enum MessageChannel: String, CaseIterable, Sendable, Codable {
    case sms, mms, voice, whatsapp, email

    public var isLimited: Bool { self == .sms }
}

/// PT-4: how quota is granted from the shared ledger.
///
/// The ledger (the database) holds, per account, the messages granted in each UTC hour bucket.
/// A node takes a lease of `k` messages for the current hour bucket only if the grants of every
/// bucket from 24 buckets before it onwards, plus `k`, stay within the limit; a lease is only
/// used inside its own hour. A rolling 24-hour window touches at most 25 hour buckets, and the
/// last grant made in any such window saw every other grant of that window, so no window can
/// hold more than the limit. Unused units are returned when a lease ends. A node killed without
/// a word returns nothing; another node then gives back the part of its leases it never
/// reserved (`QuotaLease`, `LeaseHolderRule`). Returned units were never admitted, so a window
/// holds at most what its last grant saw: returns make a node admit fewer, never more.
public enum QuotaRule {
    public static let bucketSeconds: Int64 = 3_600
    /// Buckets a grant is checked against: its own and the 24 before it.
    public static let windowBuckets: Int64 = 25
    /// Below this many remaining messages, a lease is a fraction of what remains, so nodes
    /// stranding quota near the limit lose only a little.
    public static let nearLimitShare = 16
    /// The largest lease; bounds what one node can strand.
    public static let maximumLease = 65_536
    /// A node reserves a quarter of its latest grant at a time: what a node killed without a
    /// word strands (until it ages out of the window) is at most that, not the whole lease.
    public static let reservationShare = 4

    /// How many units to reserve next, of `unreserved` left in a lease whose latest grant was
    /// `grant` units (grants follow the account's rate and shrink near its limit).
    public static func reservation(unreserved: Int, grant: Int) -> Int {
        min(max(0, unreserved), max(1, grant / reservationShare))
    }

    public static func bucket(atSecond second: Int64) -> Int64 {
        second >= 0 ? second / bucketSeconds : (second - bucketSeconds + 1) / bucketSeconds
    }

    public static func bucket(_ date: Date) -> Int64 {
        bucket(atSecond: Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    /// The first bucket whose grants count against a grant in `bucket`.
    public static func windowStart(for bucket: Int64) -> Int64 { bucket - (windowBuckets - 1) }

    /// How many of `requested` may be granted when `grantedInWindow` (every bucket from
    /// `windowStart` on) is already out; `nil` limit is unlimited (score 1).
    public static func grant(requested: Int, grantedInWindow: Int, limit: Int?) -> Int {
        let wanted = min(max(1, requested), maximumLease)
        guard let limit else { return wanted }
        let remaining = limit - grantedInWindow
        guard remaining > 0 else { return 0 }
        return min(wanted, remaining, max(1, remaining / nearLimitShare))
    }
}

/// What one node knows about one account's quota: its current lease and how fast the account
/// sends. A value type so the decision is pure and testable; the server keeps one per account in
/// a sharded in-memory table. Time is whole seconds since 1970 so the hot path is integer math.
///
/// A lease has two levels (PT-4 across crashes): `leaseGranted` units are counted in the ledger
/// for this node, and `leaseReserved` of them are recorded in the ledger as reserved for use
/// (`QuotaLease`). Only reserved units are admitted, so when a node dies without a word another
/// node can give back what the dead node provably never used: granted minus reserved.
public struct AccountAdmission: Sendable, Equatable {
    public enum Decision: Sendable, Equatable {
        case admitted
        /// Record this many more of the lease as reserved in the ledger, then decide again.
        case needReservation(Int)
        /// Take a lease of this many from the ledger, then decide again.
        case needLease(Int)
        /// The ledger recently had nothing left: refuse without asking it again until then.
        case refused
    }

    // Laid out in 40 bytes so that the server's table slot (key + this + the policy's expiry) is
    // one 64-byte cache line: with many accounts each decision then costs one cache miss. An
    // hour bucket fits 32 bits until the year 246,000; a lease is at most `maximumLease`; the
    // refusal pause and the lease time are seconds after the start of the lease's hour.
    private var bucket32: Int32 = .min
    private var nextLeaseSize32: Int32 = 1
    public private(set) var leaseGranted = 0
    public private(set) var leaseUsed = 0
    public private(set) var leaseReserved = 0
    private var reservationSize32: Int32 = 1
    private var refusedUntilOffset: Int16 = .min
    private var leaseTakenAtOffset: Int16 = 0

    public var leaseBucket: Int64 { bucket32 == .min ? .min : Int64(bucket32) }
    public var nextLeaseSize: Int { Int(nextLeaseSize32) }

    private var bucketStart: Int64 { Int64(bucket32) * QuotaRule.bucketSeconds }

    /// Refusals are answered from memory until this second, then the ledger is asked again.
    public var refusedUntil: Int64 { refusedUntilOffset == .min ? .min : bucketStart + Int64(refusedUntilOffset) }
    private var leaseTakenAt: Int64 { bucketStart + Int64(leaseTakenAtOffset) }

    public static let refusalPause: Int64 = 1

    public init() {}

    /// Units counted for this node in the ledger and not admitted yet.
    public var leaseRemaining: Int { leaseGranted - leaseUsed }

    /// Admits from the reserved part of the lease when it belongs to the current hour and has
    /// room; never I/O.
    @inline(__always)
    public mutating func decide(atSecond second: Int64) -> Decision {
        if leaseUsed < leaseReserved, Int64(bucket32) == QuotaRule.bucket(atSecond: second) {
            leaseUsed &+= 1
            return .admitted
        }
        return next(atSecond: second)
    }

    /// What the node must do before it can admit again.
    private func next(atSecond second: Int64) -> Decision {
        if leaseReserved < leaseGranted, Int64(bucket32) == QuotaRule.bucket(atSecond: second) {
            return .needReservation(min(leaseGranted - leaseReserved, Int(reservationSize32)))
        }
        if second < refusedUntil { return .refused }
        return .needLease(Int(nextLeaseSize32))
    }

    /// Installs a grant for `bucket`, of which `reserved` units (all when nil) are already
    /// recorded as reserved. A grant for the lease's own bucket adds to it; a grant for a newer
    /// bucket replaces it and returns the old lease's unused units (to give back to the ledger).
    /// Zero granted means the limit is reached: refusals are answered from memory for
    /// `refusalPause`.
    public mutating func install(granted: Int, reserved: Int? = nil, bucket: Int64, atSecond second: Int64) -> Release? {
        var released: Release?
        let stored = Int32(clamping: bucket)
        if stored != bucket32 {
            released = releaseLease()
            bucket32 = stored
            leaseTakenAtOffset = Int16(clamping: second - bucketStart)
        }
        if granted <= 0 {
            refusedUntilOffset = Int16(clamping: second + Self.refusalPause - bucketStart)
            nextLeaseSize32 = 1
            return released
        }
        // Rate-driven sizing: a lease spent within 2 s doubles the next one; a slow one halves it.
        let elapsed = second - leaseTakenAt
        if leaseGranted > 0, leaseUsed >= leaseGranted {
            nextLeaseSize32 = Int32(elapsed <= 2 ? min(QuotaRule.maximumLease, nextLeaseSize * 2) : max(1, nextLeaseSize / 2))
        }
        leaseGranted += granted
        leaseReserved += min(granted, max(0, reserved ?? granted))
        reservationSize32 = Int32(clamping: QuotaRule.reservation(unreserved: granted, grant: granted))
        leaseTakenAtOffset = Int16(clamping: second - bucketStart)
        refusedUntilOffset = .min
        return released
    }

    /// The ledger recorded `count` more units of the lease for `bucket` as reserved. Ignored
    /// when the lease has moved on to another hour meanwhile.
    public mutating func reserve(_ count: Int, bucket: Int64) {
        guard Int64(bucket32) == bucket else { return }
        leaseReserved = min(leaseGranted, leaseReserved + max(0, count))
    }

    /// The ledger refused the reservation: another node reclaimed the unreserved part of this
    /// lease (this node looked dead to it). What was reserved may still be used; the rest is gone.
    public mutating func reservationRefused(bucket: Int64) {
        guard Int64(bucket32) == bucket else { return }
        leaseGranted = leaseReserved
    }

    /// The lease's unused units when its hour is over (or the node stops): return them.
    public mutating func releaseExpired(atSecond second: Int64) -> Release? {
        guard Int64(bucket32) < QuotaRule.bucket(atSecond: second) else { return nil }
        return releaseLease()
    }

    /// Ends the lease now, whatever its hour (the account's policy changed, or shutdown). A
    /// lease that held any units is released even when all were used, so its ledger record ends.
    public mutating func releaseLease() -> Release? {
        let release = Release(bucket: leaseBucket, unused: leaseGranted - leaseUsed, unusedReserved: leaseReserved - leaseUsed)
        let held = leaseGranted > 0
        leaseGranted = 0
        leaseUsed = 0
        leaseReserved = 0
        refusedUntilOffset = .min
        return held ? release : nil
    }

    public struct Release: Sendable, Equatable {
        public let bucket: Int64
        /// Granted and not admitted: what goes back when the ledger agrees with this node.
        public let unused: Int
        /// Of those, the units that were reserved (the ledger knows the rest as unreserved).
        public let unusedReserved: Int

        public init(bucket: Int64, unused: Int, unusedReserved: Int? = nil) {
            self.bucket = bucket
            self.unused = unused
            self.unusedReserved = unusedReserved ?? unused
        }
    }
}

/// One node's lease of one account's quota for one hour bucket, as the ledger records it: how
/// many units it holds and how many of them it reserved for use (PT-4). A node admits only
/// reserved units and records a reservation before it uses it, so the ledger always knows an
/// upper bound of what the holder admitted.
public struct QuotaLease: Sendable, Equatable {
    public var granted: Int
    public var reserved: Int

    public init(granted: Int, reserved: Int) {
        self.granted = granted
        self.reserved = reserved
    }

    /// Reserves `count` more units: refused when the lease does not hold them (it was reclaimed,
    /// or a bug asks for more than was granted).
    public mutating func reserve(_ count: Int) -> Bool {
        guard count > 0, reserved + count <= granted else { return false }
        reserved += count
        return true
    }

    /// What the holder gives back when it ends the lease with `unusedReserved` of its
    /// reservations not admitted: everything never reserved, and the reserved units it says it
    /// did not use (never more than it reserved).
    public func returnedOnRelease(unusedReserved: Int) -> Int {
        (granted - reserved) + min(max(0, unusedReserved), reserved)
    }

    /// What another node gives back for a holder that is gone: only what was never reserved,
    /// because every reserved unit may have been admitted.
    public var returnedOnReclaim: Int { granted - reserved }
}

/// When a lease holder counts as gone (PT-4 across crashes). Each node heartbeats every second
/// while it runs; a holder silent for `reclaimAfter` has its leases reclaimed by another node.
/// Safety does not depend on this delay or on clocks: a holder that was only slow finds its
/// next reservation refused and keeps to what it had reserved. The delay only decides how soon
/// a dead node's quota comes back, and how often a slow one loses its unreserved units.
public enum LeaseHolderRule {
    public static let heartbeatInterval: Int64 = 1
    public static let reclaimAfter: Int64 = 30

    /// Holders whose last heartbeat is before this are gone.
    public static func cutoff(now: Date) -> Date { now.addingTimeInterval(-TimeInterval(reclaimAfter)) }

    public static func isGone(lastHeartbeat: Date, now: Date) -> Bool { lastHeartbeat < cutoff(now: now) }
}

/// A reference ledger in memory: what the database's quota tables do (buckets and each holder's
/// leases), for tests, benchmarks and single-process use.
public struct QuotaLedger: Sendable {
    public struct LeaseKey: Hashable, Sendable {
        public let holder: String
        public let bucket: Int64
    }

    public private(set) var granted: [Int64: Int] = [:]
    public private(set) var leases: [LeaseKey: QuotaLease] = [:]

    public init() {}

    public func grantedInWindow(for bucket: Int64) -> Int {
        let start = QuotaRule.windowStart(for: bucket)
        return granted.reduce(0) { $0 + ($1.key >= start ? $1.value : 0) }
    }

    /// A grant without a holder record (single process): every unit reserved.
    public mutating func grant(requested: Int, bucket: Int64, limit: Int?) -> Int {
        let amount = QuotaRule.grant(requested: requested, grantedInWindow: grantedInWindow(for: bucket), limit: limit)
        if amount > 0 { granted[bucket, default: 0] += amount }
        return amount
    }

    /// A grant to `holder`, recorded in its lease with the first reservation.
    public mutating func grant(requested: Int, bucket: Int64, limit: Int?, holder: String) -> (granted: Int, reserved: Int) {
        let amount = grant(requested: requested, bucket: bucket, limit: limit)
        guard amount > 0 else { return (0, 0) }
        let reserved = QuotaRule.reservation(unreserved: amount, grant: amount)
        leases[LeaseKey(holder: holder, bucket: bucket), default: QuotaLease(granted: 0, reserved: 0)].granted += amount
        leases[LeaseKey(holder: holder, bucket: bucket), default: QuotaLease(granted: 0, reserved: 0)].reserved += reserved
        return (amount, reserved)
    }

    public mutating func reserve(_ count: Int, holder: String, bucket: Int64) -> Bool {
        leases[LeaseKey(holder: holder, bucket: bucket)]?.reserve(count) ?? false
    }

    /// The holder ends its lease; returns what went back to the bucket.
    @discardableResult
    public mutating func release(_ release: AccountAdmission.Release, holder: String) -> Int {
        guard let lease = leases.removeValue(forKey: LeaseKey(holder: holder, bucket: release.bucket)) else { return 0 }
        let returned = lease.returnedOnRelease(unusedReserved: release.unusedReserved)
        granted[release.bucket, default: 0] -= returned
        return returned
    }

    /// Another node gives back the unreserved part of every lease of a holder that is gone;
    /// returns how many units went back.
    @discardableResult
    public mutating func reclaim(holder: String) -> Int {
        var returned = 0
        for (key, lease) in leases where key.holder == holder {
            leases[key] = nil
            granted[key.bucket, default: 0] -= lease.returnedOnReclaim
            returned += lease.returnedOnReclaim
        }
        return returned
    }

    public mutating func giveBack(_ release: AccountAdmission.Release) {
        granted[release.bucket, default: 0] -= release.unused
    }

    /// Drops buckets that no grant can count any more.
    public mutating func prune(before bucket: Int64) {
        granted = granted.filter { $0.key >= QuotaRule.windowStart(for: bucket) }
    }
}

/// Whether a list of admission times ever has more than `limit` in a rolling 24 hours (PT-4).
public enum RollingWindow {
    public static func maximumInAnyDay(_ sortedSeconds: [Int64]) -> Int {
        var best = 0, start = 0
        for end in sortedSeconds.indices {
            while sortedSeconds[end] - sortedSeconds[start] >= 86_400 { start += 1 }
            best = max(best, end - start + 1)
        }
        return best
    }
}
