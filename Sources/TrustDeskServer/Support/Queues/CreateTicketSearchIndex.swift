import Fluent
import SQLKit

/// Searches (`TicketSearch`) that no queue index serves: a requester's email address, a SID
/// from the intake and subject words. A queue reads its range in order and keeps the matching
/// rows, which is quick when many tickets match and reads the whole range when few do (100,000
/// tickets: 90-100 ms for one ticket's email or word). These indexes find the few first
/// (`TicketSearchCandidates`):
/// - on SQLite, an FTS5 trigram index over `subject`, `sids` and `requester_email`, kept by
///   triggers, which answers `LIKE '%...%'` for any run of three or more characters. (Not an
///   index on `lower(requester_email)`: creating one left SQLite 3.54's connection planning
///   every `tickets` query as if the table were empty, until the schema was read again.)
/// - on PostgreSQL, an index on `lower(requester_email)`; subject words and SIDs read the range
///   as before.
struct CreateTicketSearchIndex: AsyncMigration {
    static let emailIndex = "tickets_requester_email_idx"
    static let table = "ticket_search_index"
    static let triggers = ["ticket_search_index_insert", "ticket_search_index_delete", "ticket_search_index_update"]
    /// The virtual table and the shadow tables FTS5 keeps for it: an index of `tickets`, holding
    /// nothing of its own (PRV-1 counts it with the machinery).
    static let allTables = ["", "_config", "_data", "_docsize", "_idx"].map { table + $0 }

    /// Rewrites the index in one segment. FTS5 marks a changed or deleted row's old trigrams as
    /// deleted and drops them only when segments merge; after an erasure (PRV-4) they must go.
    static func purgeChangedRows(on sql: any SQLDatabase) async throws {
        guard sql.dialect.name == "sqlite" else { return }
        try await sql.raw("INSERT INTO \(ident: table)(\(ident: table)) VALUES ('optimize')").run()
    }

    func prepare(on database: any Database) async throws {
        let sql = try database.sql
        guard sql.dialect.name == "sqlite" else {
            try await sql.raw("CREATE INDEX \(ident: Self.emailIndex) ON tickets (lower(requester_email))").run()
            return
        }
        let statements: [SQLQueryString] = [
            // External content: the index holds trigrams only; the text stays in `tickets`.
            "CREATE VIRTUAL TABLE \(ident: Self.table) USING fts5(subject, sids, requester_email, content='tickets', content_rowid='number', tokenize='trigram')",
            """
            CREATE TRIGGER \(ident: Self.triggers[0]) AFTER INSERT ON tickets BEGIN
              INSERT INTO \(ident: Self.table)(rowid, subject, sids, requester_email) VALUES (new.number, new.subject, new.sids, new.requester_email);
            END
            """,
            """
            CREATE TRIGGER \(ident: Self.triggers[1]) AFTER DELETE ON tickets BEGIN
              INSERT INTO \(ident: Self.table)(\(ident: Self.table), rowid, subject, sids, requester_email) VALUES ('delete', old.number, old.subject, old.sids, old.requester_email);
            END
            """,
            """
            CREATE TRIGGER \(ident: Self.triggers[2]) AFTER UPDATE OF subject, sids, requester_email ON tickets BEGIN
              INSERT INTO \(ident: Self.table)(\(ident: Self.table), rowid, subject, sids, requester_email) VALUES ('delete', old.number, old.subject, old.sids, old.requester_email);
              INSERT INTO \(ident: Self.table)(rowid, subject, sids, requester_email) VALUES (new.number, new.subject, new.sids, new.requester_email);
            END
            """,
            "INSERT INTO \(ident: Self.table)(\(ident: Self.table)) VALUES ('rebuild')",
        ]
        for statement in statements { try await sql.raw(statement).run() }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        guard sql.dialect.name == "sqlite" else {
            try await database.dropIndex(Self.emailIndex)
            return
        }
        for trigger in Self.triggers.reversed() { try await sql.raw("DROP TRIGGER IF EXISTS \(ident: trigger)").run() }
        try await sql.raw("DROP TABLE IF EXISTS \(ident: Self.table)").run()
    }
}
