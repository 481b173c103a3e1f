import Fluent
import Foundation
import NIOPosix
import Testing
import VaporTesting
@testable import TrustDeskServer

/// bcrypt must not run where the database runs: on SQLite every query goes through the
/// application's thread pool, and a burst of sign-ins there held every other request
/// (bench/load/journeys.sh measured 10-22 s for unrelated API calls).
@Suite("Password hashing has threads of its own")
struct PasswordHashingTests {
    @Test("SEC-1: sign-in hashing runs on its own pool, not on the pool SQLite queries run on")
    func ownPool() async throws {
        try await withTrustDesk { app in
            #expect(app.passwordHashingPool !== app.threadPool)
            #expect(app.passwordHashingPool !== app.databases.threadPool)
            #expect(Application.passwordHashingThreads >= 1)
            #expect(Application.passwordHashingThreads <= max(1, System.coreCount - 1))
        }
    }

    @Test("SEC-1: a password hashed on that pool verifies, and a wrong one does not")
    func roundTrip() async throws {
        try await withTrustDesk { app in
            let hash = try await app.passwordHasher.hash("correct horse battery staple").get()
            #expect(hash.hasPrefix("$2b$") || hash.hasPrefix("$2a$") || hash.hasPrefix("$2y$"))
            #expect(try await app.passwordHasher.verify("correct horse battery staple", created: hash).get())
            #expect(try await !app.passwordHasher.verify("correct horse battery stapler", created: hash).get())
        }
    }
}
