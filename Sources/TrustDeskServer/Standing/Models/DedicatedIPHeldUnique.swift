import Fluent
import SQLKit

/// Two accounts can't hold one address: unique among rows not released. Partial indexes are
/// plain SQL in both SQLite and PostgreSQL.
struct AddDedicatedIPHeldUnique: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.raw("CREATE UNIQUE INDEX dedicated_ips_held_unique ON dedicated_ips (address) WHERE released_at IS NULL").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX dedicated_ips_held_unique").run()
    }
}
