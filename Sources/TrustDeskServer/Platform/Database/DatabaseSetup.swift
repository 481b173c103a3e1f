import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

enum DatabaseSetup {
    /// Points Fluent at PostgreSQL when a URL is given, else at the SQLite file in the data
    /// folder. Both run the same migrations.
    static func configure(_ app: Application, url: String?, schema: String?, sqlitePath: String, maxConnectionsPerEventLoop: Int = 4) throws {
        if let url {
            var config = try SQLPostgresConfiguration(url: url)
            if let schema { config.searchPath = [schema] }
            app.databases.use(.postgres(configuration: config, maxConnectionsPerEventLoop: maxConnectionsPerEventLoop, connectionPoolTimeout: .seconds(30)), as: .psql)
        } else {
            let directory = (sqlitePath as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            app.databases.use(.sqlite(.file(sqlitePath), maxConnectionsPerEventLoop: 1, connectionPoolTimeout: .seconds(30)), as: .sqlite)
        }
    }

    /// SQLite lets one connection write at a time and by default fails a second writer at once
    /// ("database is locked", a 500) instead of letting it wait. Each event loop's pool holds one
    /// connection: give every one a busy timeout, and switch the file to WAL (it stays so), so
    /// writers wait their turn for up to 5 s and readers never wait for writers.
    static func tuneSQLite(_ app: Application) async throws {
        guard app.trustDeskConfiguration.databaseURL == nil else { return }
        var first = true
        for loop in app.eventLoopGroup.makeIterator() {
            guard let database = app.databases.database(logger: app.logger, on: loop) else { continue }
            if first {
                try await database.sql.raw("PRAGMA journal_mode = WAL").run()
                first = false
            }
            try await database.sql.raw("PRAGMA busy_timeout = 5000").run()
        }
    }

    /// Creates the configured schema before migrations, so one database can hold several
    /// isolated TrustDesk schemas (tests give each test its own).
    static func createSchemaIfNeeded(_ app: Application) async throws {
        guard let schema = app.trustDeskConfiguration.databaseSchema, app.trustDeskConfiguration.databaseURL != nil else { return }
        try await app.db.sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
    }
}
