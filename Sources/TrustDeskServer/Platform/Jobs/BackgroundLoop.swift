import Foundation
import Synchronization

/// Work this node repeats on its own until it stops: the job scheduler's tick, the
/// Progressive Trust lease upkeep. Stopping cancels the loop and waits for the current pass,
/// so shutdown work that follows (releasing leases, returning quota) never races a pass.
final class BackgroundLoop: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// Runs `pass` now and then every `interval` seconds until `stop()`.
    func start(every interval: TimeInterval, _ pass: @escaping @Sendable () async -> Void) {
        let started = Task {
            while !Task.isCancelled {
                await pass()
                try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
            }
        }
        task.withLock { $0 = started }
    }

    func stop() async {
        let running = task.withLock { task in
            defer { task = nil }
            return task
        }
        running?.cancel()
        await running?.value
    }
}
