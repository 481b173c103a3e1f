import Foundation
import Logging
import Vapor

/// Work a node runs on its own in the background (the job scheduler, the Progressive Trust
/// upkeep): it needs the database until it has stopped, so it stops before the database closes.
/// Stopping twice is harmless.
protocol NodeBackgroundWork: LifecycleHandler {}

extension Application {
    private struct BackgroundWorkKey: StorageKey { typealias Value = [any NodeBackgroundWork] }

    /// Starts `work` with the application (a lifecycle handler) and remembers it, so shutdown can
    /// stop it on its own when requests still hold the database.
    func run(_ work: any NodeBackgroundWork) {
        lifecycle.use(work)
        storage[BackgroundWorkKey.self] = backgroundWork + [work]
    }

    var backgroundWork: [any NodeBackgroundWork] { storage[BackgroundWorkKey.self] ?? [] }
}

/// The order a node stops in, as a server behind a load balancer should: `/readyz` turns 503 at
/// once, the listener stops accepting, requests in flight finish (bounded by
/// `TRUSTDESK_SHUTDOWN_TIMEOUT`), background loops stop (writing the last admission journal and
/// returning unused quota leases), and only then does the database close.
///
/// Vapor alone stops these in another order: its lifecycle handlers (which close the database)
/// run before its storage (which holds the HTTP server), so requests still arriving would find
/// the database gone.
public enum GracefulShutdown {
    public struct Outcome: Sendable {
        /// Requests still running when the timeout passed.
        public let abandonedRequests: Int
    }

    /// Call after `app.execute()` returns and before `app.asyncShutdown()`.
    public static func drain(_ app: Application) async -> Outcome {
        let logger = Logger(label: "trustdesk.shutdown")
        let drain = app.requestDrain
        drain.beginDraining()
        let timeout = app.trustDeskConfiguration.shutdownTimeout
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        logger.info("stopping: no longer ready, finishing requests in flight", metadata: [
            "in_flight": "\(drain.count)", "timeout_seconds": "\(timeout)",
        ])
        // Closes the listener, then each connection once its current response is sent. Waits
        // up to the HTTP server's shutdown timeout, which `configure` sets to the same bound.
        await app.server.shutdown()
        let abandoned = await drain.waitUntilIdle(deadline: deadline)
        if abandoned > 0 {
            logger.error("stopping with requests still running after the shutdown timeout", metadata: [
                "abandoned": "\(abandoned)", "timeout_seconds": "\(timeout)",
            ])
            // The database stays open for them: stop only the background work, which returns
            // leases and writes the journal, and let the process end.
            for work in app.backgroundWork.reversed() { await work.shutdownAsync(app) }
        } else {
            logger.info("requests finished; stopping background work and closing the database")
        }
        return Outcome(abandonedRequests: abandoned)
    }
}
