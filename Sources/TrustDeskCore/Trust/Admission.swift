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
/// hold more than the limit. Unused units are returned when a lease ends; a crash strands them,
/// which admits fewer, never more.
public enum QuotaRule {
    public static let bucketSeconds: Int64 = 3_600
    /// Buckets a grant is checked against: its own and the 24 before it.
    public static let windowBuckets: Int64 = 25
    /// Below this many remaining messages, a lease is a fraction of what remains, so nodes
    /// stranding quota near the limit lose only a little.
    public static let nearLimitShare = 16
    /// The largest lease; bounds what one node can strand.
    public static let maximumLease = 65_536

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
public struct AccountAdmission: Sendable, Equatable {
    public enum Decision: Sendable, Equatable {
        case admitted
        /// Take a lease of this many from the ledger, then decide again.
        case needLease(Int)
        /// The ledger recently had nothing left: refuse without asking it again until then.
        case refused
    }

    // Laid out in 40 bytes so that the server's table slot (key + this + the policy's expiry) is
    // one 64-byte cache line: with many accounts each decision then costs one cache miss. An
    // hour bucket fits 32 bits until the year 246,000; a lease is at most `maximumLease`.
    private var bucket32: Int32 = .min
    private var nextLeaseSize32: Int32 = 1
    public private(set) var leaseGranted = 0
    public private(set) var leaseUsed = 0
    /// Refusals are answered from memory until this second, then the ledger is asked again.
    public private(set) var refusedUntil: Int64 = .min
    private var leaseTakenAt: Int64 = 0

    public var leaseBucket: Int64 { bucket32 == .min ? .min : Int64(bucket32) }
    public var nextLeaseSize: Int { Int(nextLeaseSize32) }

    public static let refusalPause: Int64 = 1

    public init() {}

    public var leaseRemaining: Int { leaseGranted - leaseUsed }

    /// Admits from the lease when it belongs to the current hour and has room; never I/O.
    @inline(__always)
    public mutating func decide(atSecond second: Int64) -> Decision {
        if leaseUsed < leaseGranted, Int64(bucket32) == QuotaRule.bucket(atSecond: second) {
            leaseUsed &+= 1
            return .admitted
        }
        if second < refusedUntil { return .refused }
        return .needLease(Int(nextLeaseSize32))
    }

    /// Installs a grant for `bucket`. A grant for the lease's own bucket adds to it; a grant for
    /// a newer bucket replaces it and returns the old lease's unused units (to give back to the
    /// ledger). Zero granted means the limit is reached: refusals are answered from memory for
    /// `refusalPause`.
    public mutating func install(granted: Int, bucket: Int64, atSecond second: Int64) -> Release? {
        var released: Release?
        let stored = Int32(clamping: bucket)
        if stored != bucket32 {
            released = releaseLease()
            bucket32 = stored
        }
        if granted <= 0 {
            refusedUntil = second + Self.refusalPause
            nextLeaseSize32 = 1
            return released
        }
        // Rate-driven sizing: a lease spent within 2 s doubles the next one; a slow one halves it.
        let elapsed = second - leaseTakenAt
        if leaseGranted > 0, leaseUsed >= leaseGranted {
            nextLeaseSize32 = Int32(elapsed <= 2 ? min(QuotaRule.maximumLease, nextLeaseSize * 2) : max(1, nextLeaseSize / 2))
        }
        leaseGranted += granted
        leaseTakenAt = second
        refusedUntil = .min
        return released
    }

    /// The lease's unused units when its hour is over (or the node stops): return them.
    public mutating func releaseExpired(atSecond second: Int64) -> Release? {
        guard Int64(bucket32) < QuotaRule.bucket(atSecond: second) else { return nil }
        return releaseLease()
    }

    /// Ends the lease now, whatever its hour (the account's policy changed, or shutdown).
    public mutating func releaseLease() -> Release? {
        let unused = leaseGranted - leaseUsed
        let bucket = leaseBucket
        leaseGranted = 0
        leaseUsed = 0
        refusedUntil = .min
        return unused > 0 ? Release(bucket: bucket, unused: unused) : nil
    }

    public struct Release: Sendable, Equatable {
        public let bucket: Int64
        public let unused: Int

        public init(bucket: Int64, unused: Int) {
            self.bucket = bucket
            self.unused = unused
        }
    }
}

/// A reference ledger in memory: what the database's quota table does, for tests, benchmarks
/// and single-process use.
public struct QuotaLedger: Sendable {
    public private(set) var granted: [Int64: Int] = [:]

    public init() {}

    public func grantedInWindow(for bucket: Int64) -> Int {
        let start = QuotaRule.windowStart(for: bucket)
        return granted.reduce(0) { $0 + ($1.key >= start ? $1.value : 0) }
    }

    public mutating func grant(requested: Int, bucket: Int64, limit: Int?) -> Int {
        let amount = QuotaRule.grant(requested: requested, grantedInWindow: grantedInWindow(for: bucket), limit: limit)
        if amount > 0 { granted[bucket, default: 0] += amount }
        return amount
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
