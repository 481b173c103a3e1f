import Fluent
import Leaf
import LeafKit
import Vapor

/// Options that come from the command line rather than the environment.
public struct LaunchOptions: Sendable {
    /// Load the demo world into an empty database (`serve --demo`).
    public var demo = false
    /// Run the job scheduler in this process.
    public var runScheduler = false
    /// Apply migrations before starting.
    public var migrate = false
    /// Open the data folder and the database at all. Help and unknown commands don't: they
    /// print usage and leave everything as it was.
    public var touchesData = true
    /// The command named on the command line; Vapor runs `serve` when none is named.
    public var command = "serve"
    /// `--help` or `-h` anywhere: Vapor prints usage.
    public var wantsHelp = false
    /// Where `serve` listens, read from `--hostname`/`--port` (Vapor still parses them): the
    /// default public URL for mail links follows it.
    public var listenHost = "127.0.0.1"
    public var listenPort = 8080

    public init(demo: Bool = false, runScheduler: Bool = false, migrate: Bool = false) {
        self.demo = demo
        self.runScheduler = runScheduler
        self.migrate = migrate
    }

    /// Flags whose next argument is their value, not a command name.
    private static let valueFlags: Set<String> = ["--hostname", "-H", "--port", "-p", "--bind", "-b", "--unix-socket", "--log", "--env", "-e"]

    /// Takes TrustDesk's own flags out of `arguments` before Vapor's command parser sees
    /// them (Vapor's `serve` rejects flags it does not know).
    public static func extract(from arguments: inout [String]) -> LaunchOptions {
        var options = LaunchOptions()
        if arguments.contains("--demo") {
            options.demo = true
            arguments.removeAll { $0 == "--demo" }
        }
        for (index, argument) in arguments.enumerated() where index + 1 < arguments.count {
            if argument == "--hostname" || argument == "-H" { options.listenHost = arguments[index + 1] }
            if argument == "--port" || argument == "-p", let port = Int(arguments[index + 1]) { options.listenPort = port }
        }
        let noMigrate = arguments.contains("--no-migrate")
        arguments.removeAll { $0 == "--no-migrate" }
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            if valueFlags.contains(argument) {
                index += 2
                continue
            }
            if !argument.hasPrefix("-") {
                options.command = argument
                break
            }
            index += 1
        }
        options.wantsHelp = arguments.contains("--help") || arguments.contains("-h")
        options.runScheduler = options.command == "serve" || options.command == "jobs"
        options.migrate = options.runScheduler && !noMigrate
        return options
    }

    /// After the commands are registered: help, and a command nobody registered, touch nothing
    /// (no data folder, no migration, no scheduler), so Vapor just prints usage or the error.
    public func settled(knownCommands: some Collection<String>) -> LaunchOptions {
        guard wantsHelp || !knownCommands.contains(command) else { return self }
        var inert = self
        inert.demo = false
        inert.runScheduler = false
        inert.migrate = false
        inert.touchesData = false
        return inert
    }
}

/// Wires the application: configuration, database, migrations, middleware, views, services,
/// routes and commands. Nothing here touches the data folder or the database (so `--help` does
/// not); `prepare` does. Tests call it with their own configuration.
public func configure(_ app: Application, configuration: TrustDeskConfiguration, options: LaunchOptions = LaunchOptions()) async throws {
    app.trustDeskConfiguration = configuration
    TrustDeskMetrics.bootstrap()

    try DatabaseSetup.configure(app, url: configuration.databaseURL, schema: configuration.databaseSchema, sqlitePath: configuration.sqlitePath)
    app.migrations.add(TrustDeskMigrations.all)

    // What other features keep for every new account, written in its creating transaction.
    app.accountCreationHooks.append(AccountActivityHook.startActivity)

    app.passwords.use(.bcrypt(cost: configuration.passwordCost))
    await app.startPasswordHashingPool()
    app.passwordPolicy = try CommonPasswords.policy()
    app.mailTransport = try makeMailTransport(app, configuration)

    app.routes.defaultMaxBodySize = "64kb"
    // The API's JSON convention, once (Platform/JSON/APIJSON.swift). Vapor keeps one
    // configuration per process; every application sets the same one.
    ContentConfiguration.global = .trustDesk()
    app.views.use(.leaf)
    app.leaf.sources = .singleSource(NIOLeafFiles(
        // Not `.default`: it refuses any path with a hidden component, and SwiftPM puts
        // resources under `.build/`. The sandbox still confines reads to the resources.
        fileio: app.fileio, limits: [.toSandbox, .requireExtensions],
        sandboxDirectory: Resources.root, viewDirectory: Resources.views
    ))
    // Vapor's default environment is development, which re-read and re-parsed every template on
    // every request: `trustdesk serve` runs without `--env`, so production paid it too (a
    // queue page spent a fifth of its time there). Template authors ask for it instead.
    app.leaf.cache.isEnabled = !configuration.reloadTemplates

    app.middleware = Middlewares()
    // First, so it counts every request until its response is written (graceful shutdown).
    app.requestDrain = RequestDrain()
    app.middleware.use(app.requestDrain)
    app.http.server.configuration.shutdownTimeout = .milliseconds(Int64(configuration.shutdownTimeout * 1000))
    app.middleware.use(RequestIDMiddleware())
    app.middleware.use(SecurityHeadersMiddleware(hsts: configuration.secureCookies))
    app.middleware.use(TrustDeskErrorMiddleware(docsBase: configuration.publicURL))

    try routes(app)
    // Made here, before any request, so concurrent first requests never race to create it.
    _ = app.queueCounts
    _ = app.liveBacklogs
    // After the routes, which it reads; innermost, so the error middleware renders its 405.
    app.middleware.use(MethodNotAllowedFallback(routes: app.routes))

    app.asyncCommands.use(JobsCommand(), as: "jobs")
    // Replaces Fluent's, which asks for a confirmation on a terminal and crashes without one.
    app.asyncCommands.use(DatabaseMigrateCommand(), as: "migrate")
    app.asyncCommands.use(SupportBenchCommand(), as: "bench-support")
    app.asyncCommands.use(SupportBenchSeedCommand(), as: "bench-seed-tickets")
    app.asyncCommands.use(ReportsBenchCommand(), as: "bench-support-reports")
    app.asyncCommands.use(ReportsRebuildCommand(), as: "support-reports-rebuild")
    app.asyncCommands.use(TrustSetLimitCommand(), as: "trust-set-limit")
    app.asyncCommands.use(BenchAdmissionCommand(), as: "bench-admission", isDefault: false)
    app.asyncCommands.use(PrivacyBenchCommand(), as: "bench-privacy", isDefault: false)
    app.asyncCommands.use(StatusBenchCommand(), as: "bench-status", isDefault: false)
}

/// Every periodic job; each feature contributes its own.
let scheduledJobs: [ScheduledJob] = [
    PlatformJobs.outboxDelivery,
    PlatformJobs.purge,
    TrustJobs.dailyScores,
    TrustJobs.callbacks,
    SupportJobs.slaBreach,
    SupportJobs.autoClose,
    SupportJobs.pendingFollowUp,
    StandingJobs.dormancy,
    StandingJobs.nonPayment,
    PrivacyJobs.requests,
    PrivacyJobs.overdue,
    PrivacyJobs.retention,
    PrivacyJobs.usageDeletion,
    StatusJobs.maintenance,
    StatusJobs.notifications,
    StatusJobs.rfoTickets,
    StatusJobs.subscriberPurge,
    AccountJobs.recoveryMail,
    RouteChangeJobs.expiry,
    SupportReportJobs.backlogSnapshot,
]

private func makeMailTransport(_ app: Application, _ configuration: TrustDeskConfiguration) throws -> any MailTransport {
    switch configuration.mailTransport {
    case .file:
        return FileTransport(directory: configuration.mailDirectory)
    case .smtp:
        return try SMTPTransport(url: configuration.smtpURL ?? "", eventLoopGroup: app.eventLoopGroup, logger: app.logger)
    }
}

/// Templates and the stylesheet ship inside the module, so the server finds them from any
/// working directory.
enum Resources {
    /// Looked up by name: a resource bundle's layout differs between Linux and macOS.
    static let root: String = {
        guard let url = Bundle.module.url(forResource: "Resources", withExtension: nil) else {
            return FileManager.default.currentDirectoryPath + "/Sources/TrustDeskServer/Resources/"
        }
        return url.path + "/"
    }()
    static var views: String { root + "Views/" }
    static var publicDirectory: String { root + "Public/" }
}
