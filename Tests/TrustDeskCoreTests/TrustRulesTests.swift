import Foundation
import PropertyBased
import Testing
import TrustDeskCore

@Suite("Progressive Trust rules")
struct TrustRulesTests {
    let rule = MessageLimitRule()
    let day = Date(timeIntervalSince1970: 1_772_452_800) // 2026-03-02 12:00 UTC

    func score(_ value: Int) throws -> ReputationScore { try #require(ReputationScore(rawValue: value)) }

    @Test("PT-2: each score's multiple of the 60-day average, rounded down, never below the floor")
    func limitsByScore() throws {
        // 60 days of 10,000 a day: average 10,000.
        let admitted = 600_000
        #expect(rule.limit(score: try score(1), admittedInAverageWindow: admitted) == .unlimited)
        #expect(rule.limit(score: try score(2), admittedInAverageWindow: admitted) == .messages(30_000))
        #expect(rule.limit(score: try score(3), admittedInAverageWindow: admitted) == .messages(20_000))
        #expect(rule.limit(score: try score(4), admittedInAverageWindow: admitted) == .messages(18_000))
        #expect(rule.limit(score: try score(5), admittedInAverageWindow: admitted) == .messages(16_000))
        // A tiny average stays at the floor.
        #expect(rule.limit(score: try score(5), admittedInAverageWindow: 60) == .messages(1_000))
        #expect(ReputationScore(rawValue: 0) == nil && ReputationScore(rawValue: 6) == nil)
    }

    @Test("PT-2: 1.8x and 1.6x are exact (no binary floating-point rounding)")
    func exactMultiples() throws {
        // 1.8 * 1_666_665 / 60 ... products where Double arithmetic lands just below an integer.
        let admitted = 60 * 5_555_555
        #expect(rule.limit(score: try score(4), admittedInAverageWindow: admitted) == .messages(9_999_999))
        #expect(rule.limit(score: try score(5), admittedInAverageWindow: 60 * 12_345) == .messages(19_752))
        // Rounded down: average 1,000.5 (60,030 / 60) x 3 = 3,001.5 -> 3,001.
        #expect(rule.limit(score: try score(2), admittedInAverageWindow: 60_030) == .messages(3_001))
        for admitted in stride(from: 600_000, to: 700_000, by: 997) {
            let expected = admitted * 18 / 600
            #expect(rule.limit(score: try score(4), admittedInAverageWindow: admitted) == .messages(max(1_000, expected)))
        }
    }

    @Test("PT-2: zero volume in 60 days gets the default limit; the floor is configurable")
    func defaultAndFloor() throws {
        #expect(rule.limit(score: try score(3), admittedInAverageWindow: 0) == .messages(1_000))
        let custom = MessageLimitRule(defaultLimit: 1_000, floor: 2_500)
        #expect(custom.limit(score: try score(5), admittedInAverageWindow: 60_000) == .messages(2_500))
        #expect(custom.limit(score: try score(5), admittedInAverageWindow: 0) == .messages(2_500))
    }

    @Test("PT-3: the average covers the 60 complete UTC days before today")
    func averageWindow() {
        let window = MessageLimitRule.averageWindow(endingBefore: day)
        #expect(UTCDay.key(window.end) == "2026-03-02")
        #expect(window.end.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) == 0)
        #expect(UTCDay.key(window.start) == "2026-01-01")
        #expect(window.end.timeIntervalSince(window.start) == 60 * 86_400)
        #expect(UTCDay.parse("2026-02-29") == nil)
        #expect(UTCDay.parse("2024-02-29").map(UTCDay.key) == "2024-02-29")
    }

    func goodRecord(ageDays: Double, outcomes: Int = 100_000) -> SendingRecord {
        SendingRecord(delivered: outcomes, sent: outcomes, accountCreatedAt: day.addingTimeInterval(-ageDays * 86_400))
    }

    @Test("PT-7: an established account with a clean record scores 1")
    func cleanScoresOne() {
        let explanation = ReputationScoring.score(goodRecord(ageDays: 400), now: day)
        #expect(explanation.score == 1)
        #expect(explanation.factors.map(\.key) == ["delivery_rate", "carrier_filtered_rate", "opt_out_rate", "complaint_rate",
                                                   "error_rate", "account_age", "sending_history", "vetting_outcome", "enforcement_history"])
    }

    @Test("PT-7: perfect deliverability alone does not guarantee 1 (young accounts, little history)")
    func perfectIsNotEnough() {
        #expect(ReputationScoring.score(goodRecord(ageDays: 10), now: day).score == 3)
        #expect(ReputationScoring.score(goodRecord(ageDays: 60), now: day).score == 2)
        #expect(ReputationScoring.score(goodRecord(ageDays: 400, outcomes: 200), now: day).score == 2)
        var enforced = goodRecord(ageDays: 400)
        enforced.enforcementActions = 3
        #expect(ReputationScoring.score(enforced, now: day).score == 4)
    }

    @Test("PT-1, PT-7: each factor's value and points are explained, and points add up to the score")
    func explained() {
        var record = goodRecord(ageDays: 400)
        record.delivered = 9_000
        record.carrierFiltered = 500
        record.undelivered = 500
        record.optedOut = 100
        record.complaints = 10
        record.sent = 10_000
        let explanation = ReputationScoring.score(record, now: day)
        let points = Dictionary(uniqueKeysWithValues: explanation.factors.map { ($0.key, $0.points) })
        #expect(points["delivery_rate"] == 5)        // 90.00% delivered
        #expect(points["carrier_filtered_rate"] == 10) // 5.00%
        #expect(points["opt_out_rate"] == 2)         // 1.00%
        #expect(points["complaint_rate"] == 2)       // 0.10%
        #expect(points["error_rate"] == 2)           // 5.00%
        #expect(explanation.factors.first?.value == "90.00%")
        #expect(explanation.totalPoints == explanation.factors.reduce(0) { $0 + $1.points })
        #expect(explanation.score == 3)
        var worst = record
        worst.complaints = 5_000
        worst.carrierFiltered = 5_000
        worst.vetting = .pending
        #expect(ReputationScoring.score(worst, now: day).score == 5)
    }

    @Test("PT-1: with no outcome yet, rates say so instead of a perfect 100.00%; counts read with separators")
    func noOutcomesYet() {
        let fresh = ReputationScoring.score(goodRecord(ageDays: 10, outcomes: 0), now: day)
        let values = Dictionary(uniqueKeysWithValues: fresh.factors.map { ($0.key, $0.value) })
        #expect(values["delivery_rate"] == "no outcomes yet")
        #expect(values["carrier_filtered_rate"] == "no outcomes yet")
        #expect(values["error_rate"] == "no outcomes yet")
        #expect(values["opt_out_rate"] == "nothing sent yet")
        #expect(values["complaint_rate"] == "nothing sent yet")
        #expect(values["sending_history"] == "0 messages with an outcome")
        let busy = ReputationScoring.score(goodRecord(ageDays: 400, outcomes: 9_500), now: day)
        let busyValues = Dictionary(uniqueKeysWithValues: busy.factors.map { ($0.key, $0.value) })
        #expect(busyValues["delivery_rate"] == "100.00%")
        #expect(busyValues["sending_history"] == "9,500 messages with an outcome")
    }

    @Test("PT-6: only SMS is limited")
    func onlySMS() {
        #expect(MessageChannel.allCases.filter(\.isLimited) == [.sms])
    }

    @Test("PT-4: a grant never takes the window past the limit and shrinks to 1 near it")
    func grantRule() {
        #expect(QuotaRule.grant(requested: 500, grantedInWindow: 0, limit: 10_000) == 500)
        #expect(QuotaRule.grant(requested: 500, grantedInWindow: 9_900, limit: 10_000) == 6)
        #expect(QuotaRule.grant(requested: 500, grantedInWindow: 9_990, limit: 10_000) == 1)
        #expect(QuotaRule.grant(requested: 500, grantedInWindow: 10_000, limit: 10_000) == 0)
        #expect(QuotaRule.grant(requested: 500, grantedInWindow: 12_000, limit: 10_000) == 0)
        #expect(QuotaRule.grant(requested: 500, grantedInWindow: 1_000_000, limit: nil) == 500)
        #expect(QuotaRule.windowStart(for: 100) == 76)
    }

    @Test("PT-4: a lease is only usable in its hour; its unused units are given back")
    func leaseLifecycle() {
        var state = AccountAdmission()
        let t: Int64 = 1_772_452_800
        #expect(state.decide(atSecond: t) == .needLease(1))
        #expect(state.install(granted: 3, bucket: QuotaRule.bucket(atSecond: t), atSecond: t) == nil)
        #expect(state.decide(atSecond: t) == .admitted)
        #expect(state.decide(atSecond: t + 1) == .admitted)
        // Next hour: the lease's last unit may not be used.
        #expect(state.decide(atSecond: t + 3_600) == .needLease(1))
        #expect(state.releaseExpired(atSecond: t + 3_600) == AccountAdmission.Release(bucket: QuotaRule.bucket(atSecond: t), unused: 1))
        #expect(state.releaseExpired(atSecond: t + 3_600) == nil)
    }

    @Test("PT-5: when the ledger has nothing left the node refuses from memory, then asks again")
    func refusalPause() {
        var state = AccountAdmission()
        let t: Int64 = 1_772_452_800
        _ = state.install(granted: 0, bucket: QuotaRule.bucket(atSecond: t), atSecond: t)
        #expect(state.decide(atSecond: t) == .refused)
        #expect(state.decide(atSecond: t + 1) == .needLease(1))
    }

    @Test("PT-4: leases grow with the account's rate")
    func leaseGrowth() {
        var state = AccountAdmission()
        let t: Int64 = 1_772_452_800
        let bucket = QuotaRule.bucket(atSecond: t)
        var sizes: [Int] = []
        for _ in 0..<5 {
            guard case let .needLease(size) = state.decide(atSecond: t) else { break }
            sizes.append(size)
            _ = state.install(granted: size, bucket: bucket, atSecond: t)
            while state.decide(atSecond: t) == .admitted {}
        }
        #expect(sizes == [1, 1, 2, 4, 8])
    }

    /// A seeded generator so a failing seed replays the same run.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Simulates nodes sharing one ledger through admissions, lease grants, returns, expiries
    /// and crashes, over several days with random time steps; returns the admission times.
    static func simulate(seed: UInt64, nodes: Int, limit: Int, steps: Int) -> (admitted: [Int64], refused: Int) {
        var random = SplitMix(state: seed)
        var ledger = QuotaLedger()
        var states = Array(repeating: AccountAdmission(), count: nodes)
        var now: Int64 = 1_772_452_800 + Int64.random(in: 0..<3_600, using: &random)
        var admitted: [Int64] = []
        var refused = 0
        for _ in 0..<steps {
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<3: now += Int64.random(in: 0..<7_200, using: &random)      // a jump of up to 2 h
            case 3..<20: now += Int64.random(in: 0..<120, using: &random)
            case 20..<22: states[Int.random(in: 0..<nodes, using: &random)] = AccountAdmission() // crash: lease lost
            case 22..<25:
                let node = Int.random(in: 0..<nodes, using: &random)
                if let release = states[node].releaseExpired(atSecond: now) { ledger.giveBack(release) }
            case 25..<26:
                let node = Int.random(in: 0..<nodes, using: &random)
                if let release = states[node].releaseLease() { ledger.giveBack(release) }
            default:
                let node = Int.random(in: 0..<nodes, using: &random)
                let burst = Int.random(in: 1...20, using: &random)
                for _ in 0..<burst {
                    var decision = states[node].decide(atSecond: now)
                    if case let .needLease(size) = decision {
                        let bucket = QuotaRule.bucket(atSecond: now)
                        let granted = ledger.grant(requested: size, bucket: bucket, limit: limit)
                        if let release = states[node].install(granted: granted, bucket: bucket, atSecond: now) { ledger.giveBack(release) }
                        decision = states[node].decide(atSecond: now)
                    }
                    if decision == .admitted { admitted.append(now) } else { refused += 1 }
                }
            }
        }
        return (admitted, refused)
    }

    @Test("PT-4: no sequence of admissions, grants, returns, expiries and crashes on any number of nodes admits more than the limit in any rolling 24 h")
    func neverOverAdmits() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...Int.max), Gen.int(in: 1...8), Gen.int(in: 1...400)) { seed, nodes, limit in
            let run = Self.simulate(seed: UInt64(seed), nodes: nodes, limit: limit, steps: 1_500)
            #expect(RollingWindow.maximumInAnyDay(run.admitted) <= limit, "seed \(seed), \(nodes) nodes, limit \(limit)")
        }
    }

    @Test("PT-4: with steady traffic and no crashes, nodes admit nearly the whole limit")
    func admitsNearlyAll() {
        // One hour, 3 nodes taking turns, far more demand than the limit.
        var ledger = QuotaLedger()
        var states = Array(repeating: AccountAdmission(), count: 3)
        let start: Int64 = 1_772_452_800
        var admitted = 0
        for i in 0..<30_000 {
            let node = i % 3, now = start + Int64(i / 10)
            var decision = states[node].decide(atSecond: now)
            if case let .needLease(size) = decision {
                let bucket = QuotaRule.bucket(atSecond: now)
                _ = states[node].install(granted: ledger.grant(requested: size, bucket: bucket, limit: 10_000), bucket: bucket, atSecond: now)
                decision = states[node].decide(atSecond: now)
            }
            if decision == .admitted { admitted += 1 }
        }
        #expect(admitted <= 10_000)
        #expect(admitted >= 9_990)
    }

    @Test("PT-5: refused messages do not use quota")
    func refusalsAreNotVolume() {
        let run = Self.simulate(seed: 42, nodes: 2, limit: 50, steps: 3_000)
        #expect(run.refused > 0)
        #expect(RollingWindow.maximumInAnyDay(run.admitted) <= 50)
    }
}
