import NIOPosix
import Vapor

/// bcrypt gets threads of its own. Vapor's `request.password.async` hashes on the application's
/// thread pool, which is also where SQLite runs every query: under a burst of sign-ins (each
/// hash is about a quarter of a second of CPU at cost 12) every page's and every API call's
/// queries waited behind the hashes. Measured with bench/load/journeys.sh on the 2-core machine:
/// 15 sign-ins at once held unrelated batch admissions and ticket lists for 10-22 s. On its own
/// pool a sign-in storm slows sign-ins only.
extension Application {
    private struct PasswordHashingPoolKey: StorageKey { typealias Value = NIOThreadPool }

    /// One thread fewer than the cores (at least one), so hashing never takes every core.
    static var passwordHashingThreads: Int { max(1, System.coreCount - 1) }

    var passwordHashingPool: NIOThreadPool {
        if let pool = storage[PasswordHashingPoolKey.self] { return pool }
        // configure() starts it before the app serves; a wiring mistake in a test falls back.
        return threadPool
    }

    /// Starts the pool; it stops with the application, after the server has drained.
    func startPasswordHashingPool() async {
        guard storage[PasswordHashingPoolKey.self] == nil else { return }
        let pool = NIOThreadPool(numberOfThreads: Self.passwordHashingThreads)
        pool.start()
        await storage.setWithAsyncShutdown(PasswordHashingPoolKey.self, to: pool) { try await $0.shutdownGracefully() }
    }

    /// Hashing for jobs, commands and the demo world.
    var passwordHasher: AsyncPasswordHasher {
        password.async(on: passwordHashingPool, hopTo: eventLoopGroup.next())
    }
}

extension Request {
    /// Hashing and verifying passwords off the database's threads.
    var passwordHasher: AsyncPasswordHasher {
        password.async(on: application.passwordHashingPool, hopTo: eventLoop)
    }
}
