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
            let writerLoop = app.eventLoopGroup.next()
            app.databases.use(DatabaseConfigurationFactory {
                SQLiteSingleWriterConfiguration(path: sqlitePath, writerLoop: writerLoop, writerQueueTimeout: .seconds(60))
            }, as: .sqlite)
        }
    }

    /// The SQLite file's folder; SQLite creates the file itself on first use.
    static func createDataDirectory(for configuration: TrustDeskConfiguration) throws {
        guard configuration.databaseURL == nil else { return }
        let directory = (configuration.sqlitePath as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// WAL lets the reader connections read while the writer writes; the mode is stored in the
    /// file, so setting it once at start covers every connection opened later.
    static func tuneSQLite(_ app: Application) async throws {
        guard app.trustDeskConfiguration.databaseURL == nil else { return }
        try await app.db.sql.raw("PRAGMA journal_mode = WAL").run()
    }

    /// Creates the configured schema before migrations, so one database can hold several
    /// isolated TrustDesk schemas (tests give each test its own).
    static func createSchemaIfNeeded(_ app: Application) async throws {
        guard let schema = app.trustDeskConfiguration.databaseSchema, app.trustDeskConfiguration.databaseURL != nil else { return }
        try await app.db.sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
    }
}
