import TrustDeskCore

/// One account's hot admission state: exactly one 64-byte cache line (a test checks the size),
/// so that a decision over many accounts costs one cache miss. The policy and the refill
/// bookkeeping, which only the slow path reads, live apart in `AdmissionTable.cold`.
struct AdmissionSlot {
    /// The empty marker is the zero key; the real zero key has its own reserved slot.
    var key: AccountKey
    /// The cached policy says "active" until this second; before it the fast path needs nothing
    /// else from the cold state.
    var activeUntil: Int64
    var admission: AccountAdmission

    static let empty = AdmissionSlot(key: AccountKey(high: 0, low: 0), activeUntil: .min, admission: AccountAdmission())
}

/// What only the slow path reads: the policy, the limit, the single-flight refill.
struct AdmissionColdState {
    var policy: AdmissionDesk.Policy?
    var policyLoadedAt: Int64 = .min
    var limit: Int?
    /// One lease request per account at a time on this node; the others await it.
    var leaseTask: Task<Void, any Error>?
    /// One policy refresh at a time; meanwhile the others use the cached policy.
    var policyRefreshing = false
}

/// One shard of the admission desk: a flat open-addressing table (linear probing, at most 3/4
/// full, power-of-two capacity) of 64-byte-aligned slots, and a parallel array of cold state
/// under the same indices. Accounts are never removed (a node knows the accounts that sent
/// through it). Used only under its shard's lock.
///
/// Slots live in memory this table allocates (64-byte aligned, which Swift arrays can't
/// promise); every access goes through `subscript(slot:)`, whose index is checked, and probes
/// stay in range by masking.
struct AdmissionTable: ~Copyable {
    private var slots: UnsafeMutablePointer<AdmissionSlot>
    /// Power of two; `slots` and `cold` hold `capacity + 1` entries, the last for the zero key.
    private(set) var capacity: Int
    private var shift: UInt64
    private(set) var count = 0
    private var zeroKeyUsed = false
    var cold: [AdmissionColdState]

    init(capacity: Int = 16) {
        let size = max(4, capacity.nextPowerOfTwo)
        self.capacity = size
        self.shift = UInt64(64 - size.trailingZeroBitCount)
        self.slots = Self.allocate(size + 1)
        self.cold = Array(repeating: AdmissionColdState(), count: size + 1)
    }

    deinit {
        UnsafeMutableRawPointer(slots).deallocate()
    }

    private static func allocate(_ count: Int) -> UnsafeMutablePointer<AdmissionSlot> {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<AdmissionSlot>.stride, alignment: 64)
        let slots = raw.bindMemory(to: AdmissionSlot.self, capacity: count)
        slots.initialize(repeating: .empty, count: count)
        return slots
    }

    subscript(slot index: Int) -> AdmissionSlot {
        unsafeAddress {
            precondition(index >= 0 && index <= capacity, "admission slot out of range")
            return UnsafePointer(slots + index)
        }
        unsafeMutableAddress {
            precondition(index >= 0 && index <= capacity, "admission slot out of range")
            return slots + index
        }
    }

    @inline(__always)
    private func home(_ key: AccountKey) -> Int {
        // Fibonacci hashing of both halves: one multiply; the top bits index the table.
        Int(truncatingIfNeeded: ((key.high ^ key.low) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    @inline(__always)
    func find(_ key: AccountKey) -> Int? {
        if key.isZero { return zeroKeyUsed ? capacity : nil }
        let mask = capacity - 1
        var index = home(key)
        while true {
            let found = self[slot: index].key
            if found == key { return index }
            if found.isZero { return nil }
            index = (index + 1) & mask
        }
    }

    /// The account's slot, created empty (no lease, no policy) when it is new.
    mutating func insert(_ key: AccountKey) -> Int {
        if let index = find(key) { return index }
        if key.isZero {
            zeroKeyUsed = true
            return capacity
        }
        if (count + 1) * 4 > capacity * 3 { grow() }
        let index = emptySlot(for: key)
        self[slot: index].key = key
        count += 1
        return index
    }

    private func emptySlot(for key: AccountKey) -> Int {
        let mask = capacity - 1
        var index = home(key)
        while !self[slot: index].key.isZero { index = (index + 1) & mask }
        return index
    }

    private mutating func grow() {
        let oldSlots = slots, oldCapacity = capacity, oldCold = cold
        capacity = oldCapacity * 2
        shift -= 1
        slots = Self.allocate(capacity + 1)
        cold = Array(repeating: AdmissionColdState(), count: capacity + 1)
        for index in 0..<oldCapacity where !oldSlots[index].key.isZero {
            let target = emptySlot(for: oldSlots[index].key)
            self[slot: target] = oldSlots[index]
            cold[target] = oldCold[index]
        }
        self[slot: capacity] = oldSlots[oldCapacity]
        cold[capacity] = oldCold[oldCapacity]
        UnsafeMutableRawPointer(oldSlots).deallocate()
    }

    /// The fast path: admits only when the account's policy is fresh and active and its lease
    /// has room; anything else is for the slow path.
    @inline(__always)
    mutating func decideFast(_ key: AccountKey, limited: Bool, atSecond second: Int64) -> AdmissionDesk.FastDecision {
        guard let index = find(key), second < self[slot: index].activeUntil else { return .slow }
        guard limited else { return .admitted }
        switch self[slot: index].admission.decide(atSecond: second) {
        case .admitted: return .admitted
        case .refused: return .refused
        case .needLease, .needReservation: return .slow
        }
    }

    mutating func setPolicy(_ policy: AdmissionDesk.Policy, at index: Int, loadedAt second: Int64) {
        cold[index].policy = policy
        cold[index].policyLoadedAt = second
        self[slot: index].activeUntil = policy.isActive ? second + AdmissionDesk.policyTTL : .min
    }

    mutating func forgetPolicy(at index: Int) {
        cold[index].policyLoadedAt = .min
        self[slot: index].activeUntil = .min
    }

    mutating func forEachOccupied(_ body: (inout AdmissionSlot) -> Void) {
        for index in 0..<capacity where !self[slot: index].key.isZero { body(&self[slot: index]) }
        if zeroKeyUsed { body(&self[slot: capacity]) }
    }
}

private extension Int {
    var nextPowerOfTwo: Int { self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}
