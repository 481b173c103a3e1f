import Fluent
import FluentSQLiteDriver
import Foundation
import NIOCore
import SQLKit

/// SQLite with one writer. SQLite lets one connection write at a time, and a transaction that
/// starts as a reader and then writes fails at once with "database is locked" (no busy wait)
/// when another connection of the same process holds the write lock. So this process never has
/// two writers: every write, and every transaction, runs on one connection, with `BEGIN
/// IMMEDIATE` so a transaction takes the write lock before it reads. Plain reads go to the other
/// connections, which in WAL mode never wait for the writer.
///
/// Both pools come from the stock driver: the readers one connection per event loop, the writer
/// a pool of one connection on one loop. Requests queue for the writer in order.
struct SQLiteSingleWriterConfiguration: DatabaseConfiguration {
    let path: String
    let writerLoop: any EventLoop
    /// How long a write may wait for the writer connection before it fails.
    let writerQueueTimeout: TimeAmount
    var middleware: [any AnyModelMiddleware] = []

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        let readers = DatabaseConfigurationFactory.sqlite(.file(path), connectionPoolTimeout: .seconds(30), sqlLogLevel: .debug).make()
        let writer = DatabaseConfigurationFactory.sqlite(.file(path), connectionPoolTimeout: writerQueueTimeout, sqlLogLevel: .debug).make()
        return SQLiteSingleWriterDriver(
            readers: readers.makeDriver(for: databases),
            // An event loop is an event loop group of one: this pool holds exactly one connection.
            writer: writer.makeDriver(for: Databases(threadPool: databases.threadPool, on: writerLoop)),
            writerLoop: writerLoop
        )
    }
}

struct SQLiteSingleWriterDriver: DatabaseDriver {
    let readers: any DatabaseDriver
    let writer: any DatabaseDriver
    let writerLoop: any EventLoop

    func makeDatabase(with context: DatabaseContext) -> any Database {
        return SQLiteSingleWriterDatabase(
            route: .split(reader: readers.makeDatabase(with: context), writer: writer.makeDatabase(with: context.on(writerLoop))),
            context: context
        )
    }

    func shutdown() {
        readers.shutdown()
        writer.shutdown()
    }

    func shutdownAsync() async {
        await readers.shutdownAsync()
        await writer.shutdownAsync()
    }
}

/// The database handed to the app: routes each statement to a reader or to the writer, or, inside
/// a transaction or `withConnection`, everything to the one connection it holds.
struct SQLiteSingleWriterDatabase: Database, SQLDatabase {
    enum Route: Sendable {
        case split(reader: any Database, writer: any Database)
        /// The writer's connection, held for a transaction or a `withConnection` block.
        case pinned(any Database)
    }

    let route: Route
    let context: DatabaseContext
    var inTransaction = false

    private var writer: any Database {
        switch route {
        case .split(_, let writer): writer
        case .pinned(let connection): connection
        }
    }

    private func database(reading: Bool) -> any Database {
        switch route {
        case .split(let reader, let writer): reading ? reader : writer
        case .pinned(let connection): connection
        }
    }

    // MARK: Database

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) -> EventLoopFuture<Void> {
        let reading = switch query.action {
        case .read, .aggregate: true
        case .create, .update, .delete, .custom: false
        }
        return database(reading: reading).execute(query: query, onOutput: onOutput).hop(to: eventLoop)
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
        writer.execute(schema: schema).hop(to: eventLoop)
    }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> {
        writer.execute(enum: `enum`).hop(to: eventLoop)
    }

    func transaction<T: Sendable>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        if inTransaction { return closure(self) }
        let context = self.context
        return writer.withConnection { connection -> EventLoopFuture<T> in
            connection.eventLoop.makeFutureWithTask {
                let held = SQLiteSingleWriterDatabase(route: .pinned(connection), context: context.on(connection.eventLoop), inTransaction: true)
                return try await held.runImmediateTransaction(on: connection) { try await closure(held).get() }
            }
        }.hop(to: eventLoop)
    }

    func withConnection<T: Sendable>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        if case .pinned = route { return closure(self) }
        let context = self.context, inTransaction = self.inTransaction
        return writer.withConnection { connection in
            closure(SQLiteSingleWriterDatabase(route: .pinned(connection), context: context.on(connection.eventLoop), inTransaction: inTransaction))
        }.hop(to: eventLoop)
    }

    /// `BEGIN IMMEDIATE` takes the write lock up front: a transaction never reads under a
    /// snapshot that a later write in it cannot upgrade (the case SQLite fails without waiting).
    private func runImmediateTransaction<T: Sendable>(on connection: any Database, _ body: () async throws -> T) async throws -> T {
        guard let sql = connection as? any SQLDatabase else {
            throw DatabaseConfigurationError(description: "The SQLite writer is not an SQL database.")
        }
        try await sql.raw("BEGIN IMMEDIATE TRANSACTION").run()
        do {
            let result = try await body()
            try await sql.raw("COMMIT TRANSACTION").run()
            return result
        } catch {
            do {
                try await sql.raw("ROLLBACK TRANSACTION").run()
            } catch {
                // The transaction is already gone (SQLite rolls back on some errors by itself).
                logger.debug("rollback after a failed transaction", metadata: ["error": "\(String(reflecting: error))"])
            }
            throw error
        }
    }

    // MARK: SQLDatabase

    var logger: Logger { context.logger }
    var eventLoop: any EventLoop { context.eventLoop }

    // The stock SQLite driver's databases are all SQL databases; the fallbacks never apply.
    var dialect: any SQLDialect { (writer as? any SQLDatabase)?.dialect ?? SQLiteDialect() }
    var version: (any SQLDatabaseReportedVersion)? { (writer as? any SQLDatabase)?.version }
    var queryLogLevel: Logger.Level? { (writer as? any SQLDatabase)?.queryLogLevel ?? .debug }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        let target = database(reading: SQLStatementKind.isRead(query, serializedBy: self))
        guard let sql = target as? any SQLDatabase else {
            return eventLoop.makeFailedFuture(DatabaseConfigurationError(description: "The SQLite pool is not an SQL database."))
        }
        return sql.execute(sql: query, onRow).hop(to: eventLoop)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        if case .pinned = route { return try await closure(self) }
        return try await withConnection { connection in
            guard let sql = connection as? any SQLDatabase else {
                throw DatabaseConfigurationError(description: "The SQLite writer is not an SQL database.")
            }
            return UncheckedBox(try await closure(sql))
        }.value
    }
}

extension DatabaseContext {
    /// The same context on `eventLoop`. A held writer connection's statements answer on its loop:
    /// handing each answer on to the request's loop first cost a thread wake-up per statement,
    /// and the transaction hands its result over once at the end.
    func on(_ eventLoop: any EventLoop) -> DatabaseContext {
        DatabaseContext(configuration: configuration, logger: logger, eventLoop: eventLoop,
                        history: history, pageSizeLimit: pageSizeLimit, shouldTrace: shouldTrace)
    }
}

/// Carries a non-Sendable session result out of `withConnection`; the session ran to completion,
/// so nothing else holds the value.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Which statements a reader connection may run: only those that cannot write.
enum SQLStatementKind {
    static func isRead(_ expression: any SQLExpression, serializedBy database: any SQLDatabase) -> Bool {
        if expression is SQLSelect || expression is SQLUnion { return true }
        if expression is SQLInsert || expression is SQLUpdate || expression is SQLDelete { return false }
        return isRead(sql: database.serialize(expression).sql)
    }

    /// `SELECT` (or `WITH` followed only by a `SELECT`) reads; anything else, including PRAGMAs
    /// that set a value, goes to the writer. When in doubt: the writer, which can run anything.
    static func isRead(sql: String) -> Bool {
        let text = sql.drop(while: { $0.isWhitespace || $0 == "(" }).uppercased()
        if text.hasPrefix("SELECT") || text.hasPrefix("EXPLAIN") { return true }
        if text.hasPrefix("WITH") {
            return !["INSERT", "UPDATE", "DELETE", "REPLACE"].contains { text.contains($0) }
        }
        return false
    }
}
