import ConsoleKit
import Foundation
import TrustDeskCore
import Vapor

/// `trustdesk bench-admission [--accounts N] [--decisions N]`: in-process admission decisions
/// per second on one thread, through the same sharded desk the server uses (bench/admission/).
/// Leases are installed directly so the loop measures the in-memory decision alone.
struct BenchAdmissionCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "accounts") var accounts: Int?
        @Option(name: "decisions") var decisions: Int?
    }

    var help: String { "Benchmark: in-memory admission decisions per second (not for production use)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let accounts = max(1, signature.accounts ?? 1)
        let decisions = max(1, signature.decisions ?? 20_000_000)
        let desk = AdmissionDesk()
        let second = Int64(context.application.clock.now().timeIntervalSince1970)
        let sids = (0..<accounts).map { _ in SID.generate(.account).rawValue }
        let keys = sids.map(AccountKey.init)
        for sid in sids { desk.installLocally(sid, granted: Int.max / 4, atSecond: second) }

        // Core value type alone (no lock, no hashing): the decision's own cost.
        var state = AccountAdmission()
        _ = state.install(granted: Int.max / 4, bucket: QuotaRule.bucket(atSecond: second), atSecond: second)
        var admitted = 0
        let coreStart = ContinuousClock.now
        for _ in 0..<decisions where state.decide(atSecond: second) == .admitted { admitted += 1 }
        let coreSeconds = (ContinuousClock.now - coreStart).seconds

        admitted = 0
        let start = ContinuousClock.now
        var index = 0
        for _ in 0..<decisions {
            if desk.decideLocally(keys[index], atSecond: second) == .admitted { admitted += 1 }
            index += 1
            if index == accounts { index = 0 }
        }
        let seconds = (ContinuousClock.now - start).seconds

        // Including the SID text -> key parse, as a request pays it.
        let parseStart = ContinuousClock.now
        index = 0
        for _ in 0..<decisions {
            if desk.decideLocally(AccountKey(sids[index]), atSecond: second) == .admitted { admitted += 1 }
            index += 1
            if index == accounts { index = 0 }
        }
        let parseSeconds = (ContinuousClock.now - parseStart).seconds
        context.console.print("accounts=\(accounts) decisions=\(decisions) admitted=\(admitted)")
        context.console.print(String(format: "sharded desk: %.1f M decisions/s (%.1f ns each)", Double(decisions) / seconds / 1e6, seconds / Double(decisions) * 1e9))
        context.console.print(String(format: "sharded desk incl. SID parse: %.1f M decisions/s", Double(decisions) / parseSeconds / 1e6))
        context.console.print(String(format: "core value type: %.1f M decisions/s", Double(decisions) / coreSeconds / 1e6))
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
