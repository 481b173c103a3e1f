import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Vapor

enum DatabaseSetup {
    /// Points Fluent at PostgreSQL when a URL is given, else at the SQLite file in the data
    /// folder. Both run the same migrations.
    static func configure(_ app: Application, url: String?, sqlitePath: String, maxConnectionsPerEventLoop: Int = 4) throws {
        if let url {
            var config = try SQLPostgresConfiguration(url: url)
            config.searchPath = Self.searchPath(from: url)
            app.databases.use(.postgres(configuration: config, maxConnectionsPerEventLoop: maxConnectionsPerEventLoop, connectionPoolTimeout: .seconds(30)), as: .psql)
        } else {
            let directory = (sqlitePath as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            app.databases.use(.sqlite(.file(sqlitePath), maxConnectionsPerEventLoop: 1, connectionPoolTimeout: .seconds(30)), as: .sqlite)
        }
    }

    /// `?search_path=schema` in the URL selects a schema; tests use it to give every test its
    /// own schema in one database.
    static func searchPath(from url: String) -> [String]? {
        guard let components = URLComponents(string: url),
              let value = components.queryItems?.first(where: { $0.name == "search_path" })?.value, !value.isEmpty
        else { return nil }
        return value.split(separator: ",").map(String.init)
    }
}
