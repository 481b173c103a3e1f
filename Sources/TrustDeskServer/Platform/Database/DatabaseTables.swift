import Fluent
import SQLKit

extension Database {
    /// Whether `table` exists in the schema this database works in (PostgreSQL's search path,
    /// SQLite's main database): for a migration that adopts a table an older one created.
    func tableExists(_ table: String) async throws -> Bool {
        let sql = try self.sql
        let query: SQLQueryString = sql.dialect.name == "sqlite"
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name = \(bind: table)"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = \(bind: table)"
        return try await !sql.raw(query).all().isEmpty
    }

    /// The batch in which Fluent recorded each of `migrations` (by name) as applied.
    func migrationBatches(_ migrations: [String]) async throws -> [String: Int] {
        let rows = try await sql.select().column("name").column("batch").from("_fluent_migrations")
            .where("name", .in, migrations).all()
        var batches: [String: Int] = [:]
        for row in rows { batches[try row.decode(column: "name", as: String.self)] = try row.decode(column: "batch", as: Int.self) }
        return batches
    }

    /// For a migration split out of one that shipped making two tables: whether `split` made its
    /// table, that is ran in the same batch as `original`. Where `original` ran in an earlier
    /// batch (before the split), it made the table, `split` only adopted it, and `original`'s
    /// revert drops it.
    func splitMadeItsTable(_ split: String, original: String) async throws -> Bool {
        let batches = try await migrationBatches([split, original])
        guard let own = batches[split] else { return false }
        return own == batches[original]
    }
}
