import Fluent
import Foundation
import Vapor

/// What happens between configuring and serving, for commands that use the data: open the
/// data folder, migrate (serve and jobs do it on start), start this node's background work
/// and, with `--demo`, load the demo world into an empty database.
public func prepare(_ app: Application, options: LaunchOptions) async throws {
    guard options.touchesData else { return }
    let configuration = app.trustDeskConfiguration
    try DatabaseSetup.createDataDirectory(for: configuration)
    app.secretBox = try SecretBox.load(configured: configuration.secretKey, dataDirectory: configuration.dataDirectory)
    try await DatabaseSetup.tuneSQLite(app)
    if options.migrate {
        try await DatabaseSetup.createSchemaIfNeeded(app)
        try await app.autoMigrate()
        // Phone PINs from before they were sealed (SUP-10): sealed once, then the plain column is empty.
        try await SupportPINs.sealLegacy(on: app.db, box: app.secretBox, now: app.clock.now(), logger: app.logger)
    }
    if options.runScheduler {
        app.run(JobScheduler(jobs: scheduledJobs, tick: configuration.schedulerTick))
        app.run(TrustMaintenanceLoop())
        app.run(StatusSnapshotLoop())
        app.run(VoiceMaintenanceLoop())
    }
    if options.demo {
        let loaded = try await DemoWorld.loadIfEmpty(app)
        // Written unbuffered: with output redirected, `print` would hold the sign-ins until exit.
        FileHandle.standardOutput.write(Data((DemoWorld.banner(loaded, publicURL: configuration.publicURL) + "\n").utf8))
    }
}
