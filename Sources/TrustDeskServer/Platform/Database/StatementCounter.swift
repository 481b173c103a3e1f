import Fluent
import Foundation
import Logging
import SQLKit
import Synchronization

/// Counts the SQL statements a piece of work sends: Fluent's queries and raw SQL alike, through
/// `counting(_:)`'s handle and every transaction or connection opened from it. The drivers' own
/// `BEGIN` and `COMMIT` are not counted (they are the same two for any transaction). For
/// `bench-support` and the tests that pin what a path costs; request handles never carry it.
final class StatementCounter: Sendable {
    private let statements = Mutex<[String]>([])

    init() {}

    /// Statements seen since the last `reset()`.
    var count: Int { statements.withLock { $0.count } }

    /// What each statement was, in order: what to read when a pinned count moves.
    var recorded: [String] { statements.withLock { $0 } }

    func reset() {
        statements.withLock { $0.removeAll() }
    }

    /// `database`, with every statement through it counted here.
    func counting(_ database: any Database) throws -> any Database {
        guard let sql = database as? any SQLDatabase else {
            throw DatabaseConfigurationError(description: "Statements are counted on SQL databases only.")
        }
        return CountedDatabase(base: database, sql: sql, counter: self)
    }

    fileprivate func record(_ statement: String) {
        statements.withLock { $0.append(statement) }
    }
}

private struct CountedDatabase: Database, CountingSQL {
    let base: any Database
    let sql: any SQLDatabase
    let counter: StatementCounter

    private func counted(_ database: any Database) -> any Database {
        // Both drivers hand out SQL databases; anything else is passed on uncounted.
        guard let sql = database as? any SQLDatabase else { return database }
        return CountedDatabase(base: database, sql: sql, counter: counter)
    }

    // MARK: Database

    var context: DatabaseContext { base.context }
    var inTransaction: Bool { base.inTransaction }

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) -> EventLoopFuture<Void> {
        counter.record("\(query.action) \(query.schema)")
        return base.execute(query: query, onOutput: onOutput)
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
        counter.record("schema \(schema.schema)")
        return base.execute(schema: schema)
    }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> {
        base.execute(enum: `enum`)
    }

    func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        base.transaction { [self] database in closure(counted(database)) }
    }

    func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        base.withConnection { [self] database in closure(counted(database)) }
    }

    // MARK: SQLDatabase (the rest from `CountingSQL`)

    // Both `Database` and `SQLDatabase` offer these; the SQL database's are the ones that log.
    var logger: Logger { sql.logger }
    var eventLoop: any EventLoop { sql.eventLoop }
}

/// A session of a counted database (SQLKit's `withSession`): its statements count too.
private struct CountedSession: CountingSQL {
    let sql: any SQLDatabase
    let counter: StatementCounter
}

/// An SQL database that records each statement in `counter` before `sql` runs it.
private protocol CountingSQL: SQLDatabase {
    var sql: any SQLDatabase { get }
    var counter: StatementCounter { get }
}

extension CountingSQL {
    var logger: Logger { sql.logger }
    var eventLoop: any EventLoop { sql.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { sql.version }
    var dialect: any SQLDialect { sql.dialect }
    var queryLogLevel: Logger.Level? { sql.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        counter.record(sql.serialize(query).sql)
        return sql.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        counter.record(sql.serialize(query).sql)
        try await sql.execute(sql: query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await sql.withSession { [counter] session in try await closure(CountedSession(sql: session, counter: counter)) }
    }
}
