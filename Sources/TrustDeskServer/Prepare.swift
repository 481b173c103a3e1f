import Fluent
import Foundation
import Vapor

/// What happens between configuring and serving: migrate (serve and jobs do it on start) and,
/// with `--demo`, load the demo world into an empty database.
public func prepare(_ app: Application, options: LaunchOptions) async throws {
    try await DatabaseSetup.tuneSQLite(app)
    if options.migrate {
        try await DatabaseSetup.createSchemaIfNeeded(app)
        try await app.autoMigrate()
    }
    if options.demo {
        let loaded = try await DemoWorld.loadIfEmpty(app)
        print(DemoWorld.banner(loaded, publicURL: app.trustDeskConfiguration.publicURL))
    }
}
