import Foundation
import PropertyBased
import Testing
import TrustDeskCore

/// PT-4 when a node dies without a word (kill -9): leases have a holder, a node admits only
/// units it reserved in the ledger first, and another node gives back what a gone holder never
/// reserved.
@Suite("Progressive Trust: lease reservations and reclaim")
struct TrustLeaseReclaimTests {
    let t: Int64 = 1_772_452_800

    @Test("PT-4: only reserved units are admitted; a spent reservation asks for more of the lease before a new lease")
    func reservedOnly() {
        var state = AccountAdmission()
        let bucket = QuotaRule.bucket(atSecond: t)
        #expect(state.install(granted: 8, reserved: 2, bucket: bucket, atSecond: t) == nil)
        #expect(state.decide(atSecond: t) == .admitted)
        #expect(state.decide(atSecond: t) == .admitted)
        // A quarter of the grant of 8 at a time.
        #expect(state.decide(atSecond: t) == .needReservation(2))
        state.reserve(3, bucket: bucket)
        for _ in 0..<3 { #expect(state.decide(atSecond: t) == .admitted) }
        #expect(state.leaseUsed == 5 && state.leaseReserved == 5 && state.leaseGranted == 8)
        // The ledger refused the next reservation (another node reclaimed the rest): only a new
        // lease helps now.
        state.reservationRefused(bucket: bucket)
        #expect(state.decide(atSecond: t) == .needLease(1))
        #expect(state.leaseRemaining == 0)
    }

    @Test("PT-4: a reservation is a quarter of the latest grant, at least 1, never more than is left")
    func reservationSize() {
        #expect(QuotaRule.reservation(unreserved: 100, grant: 1) == 1)
        #expect(QuotaRule.reservation(unreserved: 100, grant: 64) == 16)
        #expect(QuotaRule.reservation(unreserved: 10, grant: 64) == 10)
        #expect(QuotaRule.reservation(unreserved: 0, grant: 64) == 0)
        #expect(QuotaRule.reservation(unreserved: 70_000, grant: QuotaRule.maximumLease) == 16_384)
        // Near the limit grants shrink (remaining / 16), and so do reservations.
        var state = AccountAdmission()
        _ = state.install(granted: QuotaRule.maximumLease, bucket: QuotaRule.bucket(atSecond: t), atSecond: t)
        _ = state.install(granted: 40, reserved: 10, bucket: QuotaRule.bucket(atSecond: t), atSecond: t)
        while state.decide(atSecond: t) == .admitted {}
        #expect(state.decide(atSecond: t) == .needReservation(10))
    }

    @Test("PT-4: releasing gives back every unused unit; reclaiming a gone holder only what it never reserved")
    func leaseReturns() {
        var lease = QuotaLease(granted: 100, reserved: 25)
        let reservedMore = lease.reserve(25)
        let reservedTooMuch = lease.reserve(51)
        let reservedNothing = lease.reserve(0)
        #expect(reservedMore && !reservedTooMuch && !reservedNothing)
        // The holder used 40 of its 50 reserved units: 50 unreserved + 10 reserved come back.
        #expect(lease.returnedOnRelease(unusedReserved: 10) == 60)
        // A holder can't return more reserved units than it reserved.
        #expect(lease.returnedOnRelease(unusedReserved: 500) == 100)
        #expect(lease.returnedOnRelease(unusedReserved: -3) == 50)
        // Nobody knows what a dead holder used of its reservation: only the rest comes back.
        #expect(lease.returnedOnReclaim == 50)
    }

    @Test("PT-4: a spent lease is still released (its ledger record must end); an empty one is not")
    func spentLeaseReleases() throws {
        let t: Int64 = 1_772_452_800
        let bucket = QuotaRule.bucket(atSecond: t)
        var state = AccountAdmission()
        let empty = state.releaseLease()
        _ = state.install(granted: 4, bucket: bucket, atSecond: t)
        while state.decide(atSecond: t) == .admitted {}
        let spent = state.releaseLease()
        let again = state.releaseLease()
        #expect(empty == nil)
        #expect(spent == AccountAdmission.Release(bucket: bucket, unused: 0, unusedReserved: 0))
        #expect(again == nil)
        // The ledger returns nothing for it and forgets the lease.
        var ledger = QuotaLedger()
        let grant = ledger.grant(requested: 8, bucket: bucket, limit: 1_000, holder: "a")
        #expect(grant.granted == 8 && grant.reserved == 2)
        var holder = AccountAdmission()
        _ = holder.install(granted: grant.granted, reserved: grant.reserved, bucket: bucket, atSecond: t)
        spend: while true {
            switch holder.decide(atSecond: t) {
            case .admitted: continue spend
            case .needReservation(let count):
                let recorded = ledger.reserve(count, holder: "a", bucket: bucket)
                #expect(recorded)
                holder.reserve(count, bucket: bucket)
            default: break spend
            }
        }
        let ended = holder.releaseLease()
        let release = try #require(ended)
        #expect(release.unused == 0)
        let returned = ledger.release(release, holder: "a")
        #expect(returned == 0)
        #expect(ledger.leases.isEmpty)
        #expect(ledger.grantedInWindow(for: bucket) == 8)
    }

    @Test("PT-4: a holder silent for 30 s is gone; one that heartbeat within 30 s is not")
    func holderGone() {
        let now = Date(timeIntervalSince1970: TimeInterval(t))
        #expect(LeaseHolderRule.isGone(lastHeartbeat: now.addingTimeInterval(-31), now: now))
        #expect(!LeaseHolderRule.isGone(lastHeartbeat: now.addingTimeInterval(-30), now: now))
        #expect(!LeaseHolderRule.isGone(lastHeartbeat: now.addingTimeInterval(-1), now: now))
        #expect(LeaseHolderRule.cutoff(now: now) == now.addingTimeInterval(-30))
    }

    @Test("PT-4: a release or reclaim in the reference ledger is the lease's own accounting")
    func ledgerLeases() {
        var ledger = QuotaLedger()
        let bucket = QuotaRule.bucket(atSecond: t)
        let first = ledger.grant(requested: 64, bucket: bucket, limit: 1_000, holder: "a")
        #expect(first.granted == 62 && first.reserved == 15) // 1,000 / 16 = 62 near an empty window; a quarter of it
        let reservedByHolder = ledger.reserve(16, holder: "a", bucket: bucket)
        let reservedByStranger = ledger.reserve(16, holder: "b", bucket: bucket)
        #expect(reservedByHolder && !reservedByStranger)
        _ = ledger.grant(requested: 8, bucket: bucket, limit: 1_000, holder: "b")
        let reclaimed = ledger.reclaim(holder: "a")
        #expect(reclaimed == 62 - 31)
        #expect(ledger.grantedInWindow(for: bucket) == 31 + 8)
        let reservedAfterReclaim = ledger.reserve(1, holder: "a", bucket: bucket)
        #expect(!reservedAfterReclaim)
        let released = ledger.release(AccountAdmission.Release(bucket: bucket, unused: 7, unusedReserved: 1), holder: "b")
        #expect(released == 6 + 1)
        #expect(ledger.grantedInWindow(for: bucket) == 31 + 1)
    }

    // MARK: Kill and reclaim, against a brute-force model of every unit

    /// What happened to one unit of quota. Used units must never be returned; the ledger's
    /// bucket counts must equal the units not returned.
    enum UnitState: Equatable { case unreserved, reserved, used, returned }

    struct Unit {
        let holder: String
        let bucket: Int64
        var state: UnitState
    }

    /// Every unit ever granted, one by one: the obviously correct model the ledger is compared to.
    struct UnitModel {
        var units: [Unit] = []
        var violations: [String] = []

        mutating func grant(_ count: Int, reserved: Int, holder: String, bucket: Int64) {
            for index in 0..<count { units.append(Unit(holder: holder, bucket: bucket, state: index < reserved ? .reserved : .unreserved)) }
        }

        mutating func move(_ count: Int, from: UnitState, to: UnitState, holder: String, bucket: Int64) -> Int {
            var moved = 0
            for index in units.indices where moved < count && units[index].holder == holder && units[index].bucket == bucket && units[index].state == from {
                units[index].state = to
                moved += 1
            }
            return moved
        }

        mutating func admit(holder: String, bucket: Int64) {
            if move(1, from: .reserved, to: .used, holder: holder, bucket: bucket) != 1 {
                violations.append("\(holder) admitted a unit it had not reserved")
            }
        }

        func count(_ state: UnitState, holder: String? = nil, bucket: Int64? = nil) -> Int {
            units.filter { $0.state == state && (holder == nil || $0.holder == holder) && (bucket == nil || $0.bucket == bucket) }.count
        }

        func live(in bucket: Int64) -> Int { units.filter { $0.bucket == bucket && $0.state != .returned }.count }
    }

    struct Node {
        var holder: String
        var state = AccountAdmission()
        var alive = true
    }

    struct Run {
        var admitted: [Int64] = []
        var violations: [String] = []
        /// After every gone holder was reclaimed: units stranded in the ledger (reserved by a
        /// dead holder and never used), and the reservations those holders had outstanding.
        var strandedAfterReclaim = 0
        var unusedReservationsOfDead = 0
    }

    /// Nodes share one ledger through admissions, grants, reservations, releases, hour
    /// changes, kills (the node's memory is lost, its ledger records stay), restarts under a
    /// new holder, and reclaims of gone holders, including holders that were only slow.
    static func simulate(seed: UInt64, nodes nodeCount: Int, limit: Int, steps: Int) -> Run {
        var random = TrustRulesTests.SplitMix(state: seed)
        var ledger = QuotaLedger()
        var model = UnitModel()
        var run = Run()
        var incarnation = 0
        func newHolder(_ node: Int) -> String {
            incarnation += 1
            return "node\(node)-\(incarnation)"
        }
        var nodes = (0..<nodeCount).map { Node(holder: newHolder($0)) }
        var gone: Set<String> = []
        var now: Int64 = 1_772_452_800 + Int64.random(in: 0..<3_600, using: &random)

        func check(_ what: String) {
            for bucket in Set(model.units.map(\.bucket)) where ledger.granted[bucket, default: 0] != model.live(in: bucket) {
                run.violations.append("\(what): ledger has \(ledger.granted[bucket, default: 0]) in bucket \(bucket), units say \(model.live(in: bucket))")
            }
        }

        func release(_ node: Int, _ release: AccountAdmission.Release?) {
            guard let release else { return }
            let holder = nodes[node].holder
            let returned = ledger.release(release, holder: holder)
            // The ledger knows the unreserved units; the rest it returned must be reserved units
            // this holder really did not use.
            let unreserved = model.move(.max, from: .unreserved, to: .returned, holder: holder, bucket: release.bucket)
            let reserved = returned - unreserved
            if reserved < 0 || model.move(reserved, from: .reserved, to: .returned, holder: holder, bucket: release.bucket) != reserved {
                run.violations.append("release of \(holder) returned \(returned): more than its unreserved \(unreserved) and unused reserved units")
            }
        }

        for step in 0..<steps {
            let node = Int.random(in: 0..<nodeCount, using: &random)
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<3: now += Int64.random(in: 0..<7_200, using: &random)
            case 3..<20: now += Int64.random(in: 0..<120, using: &random)
            case 20..<24:
                // kill -9: memory gone, ledger records stay; the process restarts as a new holder.
                gone.insert(nodes[node].holder)
                nodes[node] = Node(holder: newHolder(node))
            case 24..<28:
                // Another node reclaims a gone holder, or one that only looked gone (slow).
                let candidates = gone.sorted() + (Int.random(in: 0..<4, using: &random) == 0 ? [nodes[node].holder] : [])
                guard let holder = candidates.randomElement(using: &random) else { continue }
                let returned = ledger.reclaim(holder: holder)
                var moved = 0
                for bucket in Set(model.units.filter { $0.holder == holder }.map(\.bucket)) {
                    moved += model.move(.max, from: .unreserved, to: .returned, holder: holder, bucket: bucket)
                }
                if moved != returned { run.violations.append("reclaim of \(holder) returned \(returned), units moved \(moved)") }
            case 28..<31: release(node, nodes[node].state.releaseExpired(atSecond: now))
            case 31..<32: release(node, nodes[node].state.releaseLease())
            default:
                let burst = Int.random(in: 1...20, using: &random)
                let holder = nodes[node].holder
                for _ in 0..<burst {
                    var decision = nodes[node].state.decide(atSecond: now)
                    for _ in 0..<3 {
                        let bucket = QuotaRule.bucket(atSecond: now)
                        switch decision {
                        case let .needLease(size):
                            let grant = ledger.grant(requested: size, bucket: bucket, limit: limit, holder: holder)
                            model.grant(grant.granted, reserved: grant.reserved, holder: holder, bucket: bucket)
                            release(node, nodes[node].state.install(granted: grant.granted, reserved: grant.reserved, bucket: bucket, atSecond: now))
                        case let .needReservation(count):
                            if ledger.reserve(count, holder: holder, bucket: bucket) {
                                _ = model.move(count, from: .unreserved, to: .reserved, holder: holder, bucket: bucket)
                                nodes[node].state.reserve(count, bucket: bucket)
                            } else {
                                nodes[node].state.reservationRefused(bucket: bucket)
                            }
                        case .admitted, .refused: break
                        }
                        decision = nodes[node].state.decide(atSecond: now)
                        if decision == .admitted || decision == .refused { break }
                    }
                    if decision == .admitted {
                        run.admitted.append(now)
                        model.admit(holder: holder, bucket: nodes[node].state.leaseBucket)
                    }
                }
            }
            if step % 50 == 0 { check("step \(step)") }
        }
        check("end")
        // Every dead holder reclaimed: what stays is exactly their reserved, unused units.
        for holder in gone.sorted() {
            ledger.reclaim(holder: holder)
            for bucket in Set(model.units.filter { $0.holder == holder }.map(\.bucket)) {
                _ = model.move(.max, from: .unreserved, to: .returned, holder: holder, bucket: bucket)
            }
            run.unusedReservationsOfDead += model.count(.reserved, holder: holder)
        }
        let liveHolders = Set(nodes.map(\.holder))
        run.strandedAfterReclaim = ledger.granted.values.reduce(0, +) - model.count(.used)
            - model.units.filter { liveHolders.contains($0.holder) && ($0.state == .reserved || $0.state == .unreserved) }.count
        run.violations += model.violations
        return run
    }

    @Test("PT-4: no interleaving of kills, restarts, reclaims (even of a slow live node), reservations and releases admits more than the limit in any rolling 24 h; the ledger matches a unit-by-unit model")
    func killAndReclaimNeverOverAdmits() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...Int.max), Gen.int(in: 1...6), Gen.int(in: 1...400)) { seed, nodes, limit in
            let run = Self.simulate(seed: UInt64(seed), nodes: nodes, limit: limit, steps: 1_200)
            #expect(RollingWindow.maximumInAnyDay(run.admitted) <= limit, "seed \(seed), \(nodes) nodes, limit \(limit)")
            #expect(run.violations.isEmpty, "seed \(seed): \(run.violations.prefix(3))")
            // Reclaim gives back everything a dead holder did not reserve: what stays stranded
            // is exactly its reserved, unused units.
            #expect(run.strandedAfterReclaim == run.unusedReservationsOfDead, "seed \(seed)")
        }
    }

    @Test("PT-4: after kills and reclaims, steady traffic on 3 nodes gets the whole limit except the dead nodes' reserved, unused units")
    func reclaimGivesQuotaBack() {
        var ledger = QuotaLedger()
        let bucket = QuotaRule.bucket(atSecond: t)
        var states = Array(repeating: AccountAdmission(), count: 3)
        var holders = ["n0", "n1", "n2"]
        var admitted = 0
        var strandedAfterReclaim = 0, strandedWithoutReclaim = 0
        for i in 0..<40_000 {
            let node = i % 3
            if i % 4_000 == 3_999 {
                // kill -9 of one node, and at once another node reclaims it (the 30 s passed).
                strandedAfterReclaim += states[node].leaseReserved - states[node].leaseUsed
                strandedWithoutReclaim += states[node].leaseRemaining
                ledger.reclaim(holder: holders[node])
                holders[node] += "'"
                states[node] = AccountAdmission()
            }
            var decision = states[node].decide(atSecond: t)
            for _ in 0..<3 where decision != .admitted && decision != .refused {
                if case let .needLease(size) = decision {
                    let grant = ledger.grant(requested: size, bucket: bucket, limit: 10_000, holder: holders[node])
                    _ = states[node].install(granted: grant.granted, reserved: grant.reserved, bucket: bucket, atSecond: t)
                } else if case let .needReservation(count) = decision {
                    if ledger.reserve(count, holder: holders[node], bucket: bucket) { states[node].reserve(count, bucket: bucket) }
                    else { states[node].reservationRefused(bucket: bucket) }
                }
                decision = states[node].decide(atSecond: t)
            }
            if decision == .admitted { admitted += 1 }
        }
        #expect(admitted == 10_000 - strandedAfterReclaim)
        // Reservations are what make reclaim worth it: a whole unused lease would have stayed.
        #expect(strandedAfterReclaim < strandedWithoutReclaim, "\(strandedAfterReclaim) vs \(strandedWithoutReclaim)")
        #expect(strandedAfterReclaim <= 9 * 10_000 / 16 / QuotaRule.reservationShare)
    }
}
