import Fluent
import Foundation
import TrustDeskCore
import SQLKit

/// The page itself: its id (Statuspage's `page.id`) and a revision that every change to
/// components, incidents or maintenances bumps in its own transaction. Each node polls the
/// revision and rebuilds its in-memory snapshot when it moves.
final class StatusPageRecord: Model, @unchecked Sendable {
    static let schema = "status_pages"

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "revision") var revision: Int64
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

struct CreateStatusPages: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StatusPageRecord.schema)
            .field("id", .string, .identifier(auto: false))
            .field("revision", .int64, .required)
            .field("updated_at", .datetime, .required)
            .create()
        let page = StatusPageRecord()
        page.id = StatusID.generate()
        page.revision = 1
        page.updatedAt = Date(timeIntervalSince1970: 0)
        try await page.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StatusPageRecord.schema).delete()
    }
}

enum StatusRevision {
    /// Marks the page changed; call inside the transaction that changed it.
    static func bump(on database: any Database, now: Date) async throws {
        try await database.sql.update(StatusPageRecord.schema)
            .set(SQLIdentifier("revision"), to: SQLRaw("revision + 1"))
            .set("updated_at", to: SQLBind(now))
            .run()
    }

    static func current(on database: any Database) async throws -> StatusPageRecord {
        guard let page = try await StatusPageRecord.query(on: database).first() else {
            throw DatabaseConfigurationError(description: "status_pages has no row: run the migrations.")
        }
        return page
    }
}

extension StatusPageRecord {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [], columns: [
        "id": .notPersonal,
        "revision": .notPersonal,
        "updated_at": .notPersonal,
    ])
}
