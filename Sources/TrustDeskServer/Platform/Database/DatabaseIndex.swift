import Fluent
import SQLKit

extension Database {
    /// Creates an index; Fluent's schema builder has no index API, SQLKit's works on both
    /// SQLite and PostgreSQL. Dropping the table drops its indexes, so reverts need nothing.
    func index(_ name: String, on table: String, columns: [String], unique: Bool = false) async throws {
        guard let sql = self as? any SQLDatabase else { return }
        var builder = sql.create(index: name).on(table)
        for column in columns { builder = builder.column(column) }
        if unique { builder = builder.unique() }
        try await builder.run()
    }

    /// Drops an index; a revert that drops a column needs it first (SQLite refuses to drop an
    /// indexed column).
    func dropIndex(_ name: String) async throws {
        guard let sql = self as? any SQLDatabase else { return }
        try await sql.drop(index: name).ifExists().run()
    }

    var sql: any SQLDatabase {
        get throws {
            guard let sql = self as? any SQLDatabase else {
                throw DatabaseConfigurationError(description: "TrustDesk needs an SQL database (SQLite or PostgreSQL).")
            }
            return sql
        }
    }
}

struct DatabaseConfigurationError: Error, CustomStringConvertible {
    let description: String
}
