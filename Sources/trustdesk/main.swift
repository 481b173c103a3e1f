import Logging
import TrustDeskServer
import Vapor

var env = try Environment.detect()
let options = LaunchOptions.extract(from: &env.arguments)
try LoggingSystem.bootstrap(from: &env)

let app = try await Application.make(env)
do {
    try await configure(app, configuration: .fromEnvironment(listening: options), options: options)
    try await prepare(app, options: options)
    try await app.execute()
} catch {
    app.logger.report(error: error)
    try? await app.asyncShutdown()
    throw error
}
try await app.asyncShutdown()
