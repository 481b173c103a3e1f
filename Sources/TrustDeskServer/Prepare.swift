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
        // Phone PINs from before they were sealed (SUP-10): sealed once, then the plain column is empty.
        try await SupportPINs.sealLegacy(on: app.db, box: app.secretBox, now: app.clock.now(), logger: app.logger)
    }
    if options.demo {
        let loaded = try await DemoWorld.loadIfEmpty(app)
        print(DemoWorld.banner(loaded, publicURL: app.trustDeskConfiguration.publicURL))
    }
}
