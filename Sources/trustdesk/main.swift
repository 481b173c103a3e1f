import Foundation
import Logging
import TrustDeskServer
import Vapor

var env = try Environment.detect()
var options = LaunchOptions.extract(from: &env.arguments)
try LoggingSystem.bootstrap(from: &env)

let app = try await Application.make(env)

/// A command that fails says why in one line and exits 1; a stack trace helps no operator.
func fail(_ error: any Error, shutDown: Bool = true) async -> Never {
    FileHandle.standardError.write(Data("trustdesk: \(OneLineError.describe(error))\n".utf8))
    if shutDown { try? await app.asyncShutdown() }
    exit(1)
}

do {
    try await configure(app, configuration: .fromEnvironment(listening: options), options: options)
    options = options.settled(knownCommands: app.asyncCommands.commands.keys)
    try await prepare(app, options: options)
    try await app.execute()
} catch {
    await fail(error)
}
// Stopped by a signal (serve, jobs) or the command finished: stop in order.
let outcome = await GracefulShutdown.drain(app)
if outcome.abandonedRequests > 0 {
    // Requests still hold the database: leave it open and let the process end.
    exit(1)
}
do {
    try await app.asyncShutdown()
} catch {
    await fail(error, shutDown: false)
}
