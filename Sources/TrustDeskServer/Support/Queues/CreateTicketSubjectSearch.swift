import Fluent
import SQLKit

/// Subject-word searches (`TicketSearch.words`) match anywhere in the subject, so no B-tree
/// index serves them: a word that few tickets hold made a queue read its whole range (100,000
/// tickets: 100 ms). On SQLite an FTS5 trigram index over `tickets.subject`, kept by triggers,
/// finds the few tickets first (`TicketSubjectSearch`). PostgreSQL has no such table: its
/// searches read the range as before.
struct CreateTicketSubjectSearch: AsyncMigration {
    static let table = "ticket_subject_search"

    func prepare(on database: any Database) async throws {
        let sql = try database.sql
        guard sql.dialect.name == "sqlite" else { return }
        let statements: [SQLQueryString] = [
            // External content: the index holds trigrams only; the subjects stay in `tickets`.
            "CREATE VIRTUAL TABLE \(ident: Self.table) USING fts5(subject, content='tickets', content_rowid='number', tokenize='trigram')",
            """
            CREATE TRIGGER ticket_subject_search_insert AFTER INSERT ON tickets BEGIN
              INSERT INTO \(ident: Self.table)(rowid, subject) VALUES (new.number, new.subject);
            END
            """,
            """
            CREATE TRIGGER ticket_subject_search_delete AFTER DELETE ON tickets BEGIN
              INSERT INTO \(ident: Self.table)(\(ident: Self.table), rowid, subject) VALUES ('delete', old.number, old.subject);
            END
            """,
            """
            CREATE TRIGGER ticket_subject_search_update AFTER UPDATE OF subject ON tickets BEGIN
              INSERT INTO \(ident: Self.table)(\(ident: Self.table), rowid, subject) VALUES ('delete', old.number, old.subject);
              INSERT INTO \(ident: Self.table)(rowid, subject) VALUES (new.number, new.subject);
            END
            """,
            "INSERT INTO \(ident: Self.table)(\(ident: Self.table)) VALUES ('rebuild')",
        ]
        for statement in statements { try await sql.raw(statement).run() }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        guard sql.dialect.name == "sqlite" else { return }
        for trigger in ["ticket_subject_search_update", "ticket_subject_search_delete", "ticket_subject_search_insert"] {
            try await sql.raw("DROP TRIGGER IF EXISTS \(ident: trigger)").run()
        }
        try await sql.raw("DROP TABLE IF EXISTS \(ident: Self.table)").run()
    }
}
