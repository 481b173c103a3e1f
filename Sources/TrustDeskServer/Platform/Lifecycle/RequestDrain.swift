import Synchronization
import Vapor

/// Counts the requests this node is answering, so shutdown can wait for them before it stops
/// the background loops and closes the database. A future-based middleware rather than an
/// async one: it sits in front of the admission fast path, which answers on the event loop
/// without starting a task.
final class RequestDrain: Middleware, Sendable {
    private let inFlight = Atomic<Int>(0)
    private let draining = Atomic<Bool>(false)

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        inFlight.add(1, ordering: .relaxed)
        return next.respond(to: request).always { _ in
            self.inFlight.subtract(1, ordering: .relaxed)
        }
    }

    /// Requests being answered right now.
    var count: Int { inFlight.load(ordering: .relaxed) }

    /// Set once shutdown begins: `/readyz` answers 503 so load balancers stop sending traffic.
    var isDraining: Bool { draining.load(ordering: .relaxed) }

    func beginDraining() {
        draining.store(true, ordering: .relaxed)
    }

    /// Waits until no request is in flight or `deadline` passes; returns how many were left.
    func waitUntilIdle(deadline: ContinuousClock.Instant) async -> Int {
        while count > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return count
    }
}

extension Application {
    private struct RequestDrainKey: StorageKey { typealias Value = RequestDrain }

    /// Created in `configure`, before any request, so every reader sees the same counter.
    var requestDrain: RequestDrain {
        get {
            guard let drain = storage[RequestDrainKey.self] else {
                preconditionFailure("configure(_:) installs the request drain before the app serves requests")
            }
            return drain
        }
        set { storage[RequestDrainKey.self] = newValue }
    }
}
