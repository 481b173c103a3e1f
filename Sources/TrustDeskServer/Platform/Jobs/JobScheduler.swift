import Fluent
import Foundation
import Synchronization
import Vapor

/// A periodic job. `run` must be idempotent: a lease can lapse mid-run (a long GC pause, a
/// network split) and another node may then run the same job.
struct ScheduledJob: Sendable {
    let name: String
    let interval: TimeInterval
    let run: @Sendable (Application, Date) async throws -> Void
}

/// Runs the periodic jobs on every node, each guarded by a database lease so that only one
/// node runs a given job at a time. A node that stops holding a lease (it crashed, or was
/// slow) loses it when it expires and another node takes over.
final class JobScheduler: NodeBackgroundWork, Sendable {
    let jobs: [ScheduledJob]
    let tick: TimeInterval
    let holder: String
    private let loop = BackgroundLoop()
    /// When each job is next due on this node; only the loop touches it.
    private let nextRun = Mutex<[String: Date]>([:])

    init(jobs: [ScheduledJob], tick: TimeInterval) {
        self.jobs = jobs
        self.tick = tick
        self.holder = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    }

    func didBoot(_ application: Application) throws {
        start(application)
    }

    func start(_ application: Application) {
        let jobs = self.jobs, tick = self.tick, holder = self.holder
        let logger = Logger(label: "trustdesk.scheduler")
        loop.start(every: tick) { [self] in
            let now = application.clock.now()
            let due = self.nextRun.withLock { next in
                let due = jobs.filter { (next[$0.name] ?? .distantPast) <= now }
                for job in due { next[job.name] = now.addingTimeInterval(job.interval) }
                return due
            }
            for job in due {
                await Self.runOnce(job, application: application, holder: holder, now: now, logger: logger)
            }
        }
        logger.info("scheduler started", metadata: ["holder": "\(holder)", "jobs": "\(jobs.map(\.name).joined(separator: ","))"])
    }

    static func runOnce(_ job: ScheduledJob, application: Application, holder: String, now: Date, logger: Logger) async {
        do {
            let ttl = max(30, job.interval * 3)
            guard try await JobLeases.acquire(job.name, holder: holder, now: now, ttl: ttl, on: application.db) else { return }
            try await job.run(application, now)
            try await JobLeases.markRun(job.name, at: now, on: application.db)
        } catch {
            logger.error("job failed", metadata: ["job": "\(job.name)", "error": "\(String(reflecting: error))"])
        }
    }

    func shutdownAsync(_ application: Application) async {
        await loop.stop()
        for job in jobs {
            try? await JobLeases.release(job.name, holder: holder, on: application.db)
        }
    }
}
