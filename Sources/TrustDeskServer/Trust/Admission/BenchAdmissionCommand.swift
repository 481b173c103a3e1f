import ConsoleKit
import Foundation
import TrustDeskCore
import Vapor

/// `trustdesk bench-admission [--accounts N] [--decisions N] [--pattern uniform|skewed]`:
/// in-process admission decisions per second on one thread, through the same sharded desk and
/// the same fast path (`AdmissionDesk.decideFast`: shard lock, table probe from the SID's key,
/// policy freshness, decision) that every request of the server takes first (bench/admission/).
/// Leases and active policies are installed up front so every decision is an admission.
///
/// The accounts asked about are drawn in advance into a sequence read in order, as a request
/// brings its SID: `uniform` draws each uniformly at random from all accounts (the worst case
/// for the caches), `skewed` sends 90 % of decisions to 1 % of the accounts.
struct BenchAdmissionCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "accounts") var accounts: Int?
        @Option(name: "decisions") var decisions: Int?
        @Option(name: "pattern") var pattern: String?
    }

    var help: String { "Benchmark: in-memory admission decisions per second (not for production use)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let accounts = max(1, signature.accounts ?? 1)
        let decisions = max(1, signature.decisions ?? 20_000_000)
        let pattern = signature.pattern ?? "uniform"
        guard pattern == "uniform" || pattern == "skewed" else { throw DomainError(.invalidParameter, "--pattern: uniform or skewed.") }
        let desk = AdmissionDesk()
        let second = Int64(context.application.clock.now().timeIntervalSince1970)
        var random = SplitMix(seed: 0x5EED)
        let sids = (0..<accounts).map { _ in SID.generate(.account, using: &random).rawValue }
        let keys = sids.map(AccountKey.init)
        for sid in sids { desk.installLocally(sid, granted: Int.max / 4, atSecond: second) }
        let hot = max(1, accounts / 100)
        func draw() -> Int {
            if pattern == "skewed", random.next() % 10 != 0 { return Int(random.next() % UInt64(hot)) }
            return Int(random.next() % UInt64(accounts))
        }
        // 2^18 draws (4 MB of keys) read in order, each cycle touching every account of a
        // 100,000-account table 2.6 times on average; longer sequences only stream more memory
        // through the caches than a server, whose key comes from bytes it has just read, does.
        let sequence = (0..<(1 << 18)).map { _ in keys[draw()] }
        let sequenceMask = sequence.count - 1
        // The same draw as SID text (34 bytes each), for the run that parses each SID first.
        let textCount = 1 << 18
        var text = [UInt8]()
        text.reserveCapacity(textCount * 34)
        for _ in 0..<textCount { text.append(contentsOf: sids[draw()].utf8) }

        // Core value type alone (no lock, no table): the decision's own cost.
        var state = AccountAdmission()
        _ = state.install(granted: Int.max / 4, bucket: QuotaRule.bucket(atSecond: second), atSecond: second)
        var admitted = 0
        let coreStart = ContinuousClock.now
        for _ in 0..<decisions where state.decide(atSecond: second) == .admitted { admitted += 1 }
        let coreSeconds = (ContinuousClock.now - coreStart).seconds

        admitted = 0
        let start = ContinuousClock.now
        for index in 0..<decisions where desk.decideFast(sequence[index & sequenceMask], channel: .sms, atSecond: second) == .admitted {
            admitted += 1
        }
        let seconds = (ContinuousClock.now - start).seconds

        // Including the SID text -> key parse (and its format check), as the batch reader does.
        var parsedAdmitted = 0
        let parseStart = ContinuousClock.now
        text.withUnsafeBytes { bytes in
            var offset = 0
            for _ in 0..<decisions {
                if let key = AccountKey(sidBytes: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + 34)])),
                   desk.decideFast(key, channel: .sms, atSecond: second) == .admitted {
                    parsedAdmitted += 1
                }
                offset += 34
                if offset == bytes.count { offset = 0 }
            }
        }
        let parseSeconds = (ContinuousClock.now - parseStart).seconds
        context.console.print("accounts=\(accounts) pattern=\(pattern) decisions=\(decisions) admitted=\(admitted) admitted-with-parse=\(parsedAdmitted)")
        context.console.print(String(format: "sharded desk: %.1f M decisions/s (%.1f ns each)", Double(decisions) / seconds / 1e6, seconds / Double(decisions) * 1e9))
        context.console.print(String(format: "sharded desk incl. SID parse: %.1f M decisions/s (%.1f ns each)", Double(decisions) / parseSeconds / 1e6, parseSeconds / Double(decisions) * 1e9))
        context.console.print(String(format: "core value type: %.1f M decisions/s", Double(decisions) / coreSeconds / 1e6))
    }
}

/// A small seeded generator: the benchmark's draw is the same in every run.
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
