import Fluent
import Foundation
import Logging
import Synchronization
import Vapor

/// This node's snapshot of the status page. Requests read it without touching the database;
/// it is rebuilt when the page's revision moves (polled every second by `StatusSnapshotLoop`)
/// or at once after a change made on this node.
final class StatusSnapshotCache: Sendable {
    private struct State {
        var snapshot: StatusSnapshot?
        /// Moves on every invalidation, so a rebuild that started before a change can't store
        /// what it read.
        var generation = 0
    }

    private let state = Mutex(State())
    /// One rebuild at a time; concurrent readers of a stale snapshot wait for it.
    private let rebuilding = Mutex<Task<StatusSnapshot, any Error>?>(nil)

    /// The snapshot, built first if there is none (a node's first request, or after a change
    /// on this node).
    func current(_ app: Application) async throws -> StatusSnapshot {
        if let snapshot = state.withLock({ $0.snapshot }) { return snapshot }
        return try await rebuild(app)
    }

    /// Forgets the snapshot: the next request builds a fresh one.
    func invalidate() {
        state.withLock { state in
            state.snapshot = nil
            state.generation += 1
        }
        rebuilding.withLock { $0 = nil }
    }

    /// Rebuilds when the stored revision differs from the snapshot's, or when the snapshot is
    /// older than `maximumAge` (its "past 90 days" moves with the clock).
    func refreshIfChanged(_ app: Application, maximumAge: TimeInterval = 300) async throws {
        guard let snapshot = state.withLock({ $0.snapshot }) else { return }
        let revision = try await StatusRevision.current(on: app.db).revision
        if revision != snapshot.revision || app.clock.now().timeIntervalSince(snapshot.builtAt) > maximumAge {
            _ = try await rebuild(app)
        }
    }

    private func rebuild(_ app: Application) async throws -> StatusSnapshot {
        let generation = state.withLock { $0.generation }
        let task = rebuilding.withLock { running in
            if let running { return running }
            let started = Task {
                try await StatusSnapshotBuilder(database: app.db, now: app.clock.now(), settings: app.statusSettings).build()
            }
            running = started
            return started
        }
        do {
            let snapshot = try await task.value
            rebuilding.withLock { if $0 == task { $0 = nil } }
            state.withLock { state in
                if state.generation == generation { state.snapshot = snapshot }
            }
            return snapshot
        } catch {
            rebuilding.withLock { if $0 == task { $0 = nil } }
            throw error
        }
    }
}

extension Application {
    private struct StatusSnapshotsKey: StorageKey { typealias Value = StatusSnapshotCache }

    var statusSnapshots: StatusSnapshotCache {
        shared(StatusSnapshotsKey.self) { StatusSnapshotCache() }
    }
}

/// Polls the page's revision every second on every node, so a change made on another node
/// shows here within about a second.
final class StatusSnapshotLoop: NodeBackgroundWork, Sendable {
    private let loop = BackgroundLoop()

    func didBoot(_ application: Application) throws {
        let logger = Logger(label: "trustdesk.status")
        _ = application.statusSnapshots
        loop.start(every: 1) {
            do {
                try await application.statusSnapshots.refreshIfChanged(application)
            } catch {
                logger.error("status snapshot refresh failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        await loop.stop()
    }
}
