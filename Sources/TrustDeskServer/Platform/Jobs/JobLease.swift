import Fluent
import Foundation
import TrustDeskCore
import SQLKit

/// Which node runs a periodic job until when. Taking the lease is one conditional UPDATE,
/// so two nodes can never both hold it.
final class JobLease: Model, @unchecked Sendable {
    static let schema = "job_leases"

    @ID(custom: "name", generatedBy: .user) var id: String?
    @Field(key: "holder") var holder: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "last_run_at") var lastRunAt: Date?

    init() {}
}

struct CreateJobLeases: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(JobLease.schema)
            .field("name", .string, .identifier(auto: false))
            .field("holder", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("last_run_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(JobLease.schema).delete()
    }
}

enum JobLeases {
    /// Takes or renews the lease on `job` for `holder` until `now + ttl`. Returns false when
    /// another holder has an unexpired lease.
    static func acquire(_ job: String, holder: String, now: Date, ttl: TimeInterval, on database: any Database) async throws -> Bool {
        let sql = try database.sql
        try await sql.raw("""
            INSERT INTO job_leases (name, holder, expires_at) VALUES (\(bind: job), '', \(bind: Date(timeIntervalSince1970: 0)))
            ON CONFLICT (name) DO NOTHING
            """).run()
        let rows = try await sql.raw("""
            UPDATE job_leases SET holder = \(bind: holder), expires_at = \(bind: now.addingTimeInterval(ttl))
            WHERE name = \(bind: job) AND (holder = \(bind: holder) OR expires_at < \(bind: now))
            RETURNING name
            """).all()
        return !rows.isEmpty
    }

    static func release(_ job: String, holder: String, on database: any Database) async throws {
        try await JobLease.query(on: database)
            .filter(\.$id == job)
            .filter(\.$holder == holder)
            .set(\.$expiresAt, to: Date(timeIntervalSince1970: 0))
            .update()
    }

    static func markRun(_ job: String, at now: Date, on database: any Database) async throws {
        try await JobLease.query(on: database).filter(\.$id == job).set(\.$lastRunAt, to: now).update()
    }
}

extension JobLease {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "name", columns: [
        "name": .notPersonal,
        "holder": .notPersonal,
        "expires_at": .notPersonal,
        "last_run_at": .notPersonal,
    ])
}
