import Fluent
import SQLKit

/// SUP-5 sends a pool ticket to the on-shift engineer with the least open work. Counting it from
/// `tickets` steps through one index entry per unsolved ticket of the pool: at 500,000 open
/// tickets on 40 engineers, 50-70 ms on SQLite and 200 ms on PostgreSQL for every create.
/// `support_open_work` keeps the count instead, one row per assignee, so routing reads 40 rows
/// by key.
///
/// Triggers on `tickets` keep it, in the same transaction as the change, for every write that
/// moves open work: a create, an assignment, a status move in or out of the solved states, an
/// erasure, and raw SQL (the bench's seeding, an operator's fix) alike. Kept in application code
/// instead, one missed path would drift the count for good.
///
/// The migration creates the triggers before it fills the table, in one transaction: on
/// PostgreSQL `CREATE TRIGGER` locks `tickets` against writes until the fill is committed, so a
/// node still serving during a rolling deploy can neither slip a ticket in between nor count one
/// twice. Rows at zero stay: a desk has tens of engineers, not thousands.
struct CreateSupportOpenWork: AsyncMigration {
    static let table = "support_open_work"
    static let sqliteTriggers = ["support_open_work_insert", "support_open_work_delete", "support_open_work_update"]
    static let postgresFunction = "support_open_work_keep"
    static let postgresTrigger = "support_open_work_keep"

    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            let sql = try database.sql
            try await sql.raw("CREATE TABLE \(ident: Self.table) (assignee_sid TEXT PRIMARY KEY NOT NULL, open_tickets INTEGER NOT NULL)").run()
            if sql.dialect.name == "postgresql" {
                try await Self.createPostgresTrigger(sql)
            } else {
                try await Self.createSQLiteTriggers(sql)
            }
            try await sql.raw("""
                INSERT INTO \(ident: Self.table) (assignee_sid, open_tickets)
                SELECT assignee_sid, COUNT(*) FROM tickets WHERE unsolved = \(bind: true) AND assignee_sid IS NOT NULL GROUP BY assignee_sid
                """).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP TRIGGER IF EXISTS \(ident: Self.postgresTrigger) ON tickets").run()
            try await sql.raw("DROP FUNCTION IF EXISTS \(ident: Self.postgresFunction)()").run()
        } else {
            for trigger in Self.sqliteTriggers.reversed() { try await sql.raw("DROP TRIGGER IF EXISTS \(ident: trigger)").run() }
        }
        try await sql.raw("DROP TABLE IF EXISTS \(ident: Self.table)").run()
    }

    /// SQLite stores booleans as 0 and 1, so `unsolved` is a condition as it stands.
    private static func createSQLiteTriggers(_ sql: any SQLDatabase) async throws {
        let add: SQLQueryString = """
            INSERT INTO \(ident: table) (assignee_sid, open_tickets) SELECT new.assignee_sid, 1 WHERE new.unsolved AND new.assignee_sid IS NOT NULL
              ON CONFLICT (assignee_sid) DO UPDATE SET open_tickets = open_tickets + 1;
            """
        let remove: SQLQueryString = """
            UPDATE \(ident: table) SET open_tickets = open_tickets - 1 WHERE old.unsolved AND assignee_sid = old.assignee_sid;
            """
        let statements: [SQLQueryString] = [
            "CREATE TRIGGER \(ident: sqliteTriggers[0]) AFTER INSERT ON tickets BEGIN \(add) END",
            "CREATE TRIGGER \(ident: sqliteTriggers[1]) AFTER DELETE ON tickets BEGIN \(remove) END",
            """
            CREATE TRIGGER \(ident: sqliteTriggers[2]) AFTER UPDATE OF assignee_sid, unsolved ON tickets
              WHEN old.assignee_sid IS NOT new.assignee_sid OR old.unsolved IS NOT new.unsolved
            BEGIN \(remove) \(add) END
            """,
        ]
        for statement in statements { try await sql.raw(statement).run() }
    }

    struct NoCurrentSchema: Error, CustomStringConvertible {
        var description: String { "PostgreSQL has no current schema (search_path) to keep \(CreateSupportOpenWork.table) in" }
    }

    /// One row-level trigger function for all three operations. It names the table with the
    /// schema it was created in, so a session with another `search_path` still keeps this
    /// schema's count. When a ticket moves between two engineers it takes their rows' locks in
    /// SID order: two moves in opposite directions then wait for each other instead of
    /// deadlocking.
    private static func createPostgresTrigger(_ sql: any SQLDatabase) async throws {
        struct Current: Decodable { let schema: String }
        guard let schema = try await sql.raw("SELECT current_schema() AS schema").first(decoding: Current.self)?.schema else {
            throw NoCurrentSchema()
        }
        let table = SQLQueryString("\(ident: schema).\(ident: Self.table)")
        try await sql.raw("""
            CREATE FUNCTION \(ident: schema).\(ident: postgresFunction)() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
              was text;
              now_on text;
            BEGIN
              IF TG_OP <> 'INSERT' AND OLD.unsolved THEN was := OLD.assignee_sid; END IF;
              IF TG_OP <> 'DELETE' AND NEW.unsolved THEN now_on := NEW.assignee_sid; END IF;
              IF was IS NOT DISTINCT FROM now_on THEN RETURN NULL; END IF;
              IF was IS NOT NULL AND (now_on IS NULL OR was < now_on) THEN
                UPDATE \(table) SET open_tickets = open_tickets - 1 WHERE assignee_sid = was;
                was := NULL;
              END IF;
              IF now_on IS NOT NULL THEN
                INSERT INTO \(table) AS w (assignee_sid, open_tickets) VALUES (now_on, 1)
                  ON CONFLICT (assignee_sid) DO UPDATE SET open_tickets = w.open_tickets + 1;
              END IF;
              IF was IS NOT NULL THEN
                UPDATE \(table) SET open_tickets = open_tickets - 1 WHERE assignee_sid = was;
              END IF;
              RETURN NULL;
            END
            $$
            """).run()
        try await sql.raw("""
            CREATE TRIGGER \(ident: postgresTrigger) AFTER INSERT OR DELETE OR UPDATE OF assignee_sid, unsolved ON tickets
              FOR EACH ROW EXECUTE FUNCTION \(ident: schema).\(ident: postgresFunction)()
            """).run()
    }
}
