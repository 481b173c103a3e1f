import Fluent
import SQLKit

/// PostgreSQL's half of `CreateTicketSearchIndex`: subject words and intake SIDs, which a queue
/// otherwise finds by reading its whole range (100,000 tickets: 70-90 ms for one ticket's
/// subject), through `pg_trgm` GIN indexes that answer `LIKE '%...%'` for runs of three or more
/// characters. SQLite's FTS5 trigram table already serves both.
///
/// `pg_trgm` ships with PostgreSQL (contrib) and is a trusted extension: a database owner may
/// create it. It goes into `public`, not the schema this node uses, so that dropping one
/// schema (a test's, a tenant's) never drops it from under another; the operator class is then
/// named with its schema. Where the extension cannot be had, the indexes are left out and a
/// search reads the range as before (the migration logs it); nothing else depends on them.
struct AddTrigramIndexesToTickets: AsyncMigration {
    static let subjectIndex = "tickets_subject_trgm_idx"
    static let sidsIndex = "tickets_sids_trgm_idx"

    func prepare(on database: any Database) async throws {
        let sql = try database.sql
        guard sql.dialect.name == "postgresql" else { return }
        guard let schema = try await Self.trigramSchema(sql) else {
            database.logger.warning("pg_trgm is not available: ticket searches by subject words and SIDs read the queue's range")
            return
        }
        let opclass = SQLQueryString("\(ident: schema).gin_trgm_ops")
        try await sql.raw("CREATE INDEX \(ident: Self.subjectIndex) ON tickets USING gin (lower(subject) \(opclass))").run()
        try await sql.raw("CREATE INDEX \(ident: Self.sidsIndex) ON tickets USING gin (sids \(opclass))").run()
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        guard sql.dialect.name == "postgresql" else { return }
        // The extension stays: other schemas' indexes may use it.
        try await sql.raw("DROP INDEX IF EXISTS \(ident: Self.sidsIndex)").run()
        try await sql.raw("DROP INDEX IF EXISTS \(ident: Self.subjectIndex)").run()
    }

    private struct Installed: Decodable { let schema: String }

    /// The schema `pg_trgm` lives in, created in `public` when it is available but not yet there.
    static func trigramSchema(_ sql: any SQLDatabase) async throws -> String? {
        let installed: SQLQueryString = """
            SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'
            """
        if let found = try await sql.raw(installed).first(decoding: Installed.self) { return found.schema }
        guard try await sql.raw("SELECT 1 AS one FROM pg_available_extensions WHERE name = 'pg_trgm'").first() != nil else { return nil }
        do {
            try await sql.raw("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public").run()
        } catch {
            // Two nodes (or tests) migrating at once: the loser's CREATE fails on the winner's
            // row, and the extension is there; without the privilege it is not, and that is said.
            sql.logger.notice("CREATE EXTENSION pg_trgm: \(String(reflecting: error))")
        }
        return try await sql.raw(installed).first(decoding: Installed.self)?.schema
    }
}
