import Fluent
import Foundation
import TrustDeskCore

/// One failed guess, counted per key ("signin:user:<name>", "signin:ip:<addr>", ...) in the
/// database so every node sees the same count (SEC-2).
final class ThrottleFailure: Model, @unchecked Sendable {
    static let schema = "throttle_failures"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "at") var at: Date

    init() {}

    init(key: String, at: Date) {
        self.id = UUID()
        self.key = key
        self.at = at
    }
}

struct CreateThrottleFailures: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ThrottleFailure.schema)
            .id()
            .field("key", .string, .required)
            .field("at", .datetime, .required)
            .create()
        try await database.index("throttle_failures_key_at_idx", on: ThrottleFailure.schema, columns: ["key", "at"])
        try await database.index("throttle_failures_at_idx", on: ThrottleFailure.schema, columns: ["at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ThrottleFailure.schema).delete()
    }
}

/// Reads and records failures for the core's `ThrottlePolicy`.
struct Throttle {
    let database: any Database
    let now: Date

    /// Throws 20012 when `key` has used up its guesses under `policy`.
    func check(_ key: String, _ policy: ThrottlePolicy) async throws {
        let failures = try await ThrottleFailure.query(on: database)
            .filter(\.$key == key)
            .filter(\.$at > policy.windowStart(now: now))
            .sort(\.$at, .descending)
            .limit(policy.limit)
            .all()
            .map(\.at)
        if case let .blocked(retryAfter) = policy.decide(failures: failures, now: now) {
            let minutes = Int((retryAfter / 60).rounded(.up))
            throw DomainError(.tooManyAttempts, "Too many attempts. Try again in \(minutes) minute\(minutes == 1 ? "" : "s").")
        }
    }

    func recordFailure(_ key: String) async throws {
        try await ThrottleFailure(key: key, at: now).create(on: database)
    }

    /// Failures within `policy`'s window for every key that starts with `prefix`, by key: for a
    /// node that decides many keys from memory and reloads them now and then (phone PINs).
    func recentFailures(prefix: String, _ policy: ThrottlePolicy) async throws -> [String: [Date]] {
        let rows = try await ThrottleFailure.query(on: database)
            .filter(\.$at > policy.windowStart(now: now))
            .filter(\.$key =~ prefix)
            .limit(100_000)
            .all()
        return Dictionary(grouping: rows, by: \.key).mapValues { $0.map(\.at) }
    }

    /// Failures older than the longest window are of no use; the purge job drops them.
    static func purge(on database: any Database, olderThan cutoff: Date) async throws {
        try await ThrottleFailure.query(on: database).filter(\.$at < cutoff).delete()
    }
}

extension ThrottleFailure {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", note: "Keys hold usernames and client addresses; purged after 24 hours by purge_expired.", columns: [
        "id": .notPersonal,
        "key": .personal(.accountData, .delete),
        "at": .notPersonal,
    ])
}
