import Fluent
import Foundation
import Synchronization
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// A transport that fails a set number of times, then records what it delivers.
final class FlakyTransport: MailTransport {
    private let state: Mutex<(failuresLeft: Int, delivered: [OutgoingMail])>

    init(failures: Int) {
        state = Mutex((failures, []))
    }

    var delivered: [OutgoingMail] { state.withLock { $0.delivered } }

    func deliver(_ mail: OutgoingMail) async throws {
        try state.withLock { state in
            if state.failuresLeft > 0 {
                state.failuresLeft -= 1
                throw DeliveryRefused()
            }
            state.delivered.append(mail)
        }
    }

    struct DeliveryRefused: Error {}
}

@Suite("Platform: health, metrics, request IDs, mail outbox, job leases, demo world")
struct PlatformTests {
    @Test("Health, readiness and Prometheus metrics answer")
    func health() async throws {
        try await withTrustDesk { app in
            let health = try await app.testing().sendRequest(.GET, "/healthz")
            #expect(health.status == .ok)
            #expect(health.json["status"] as? String == "ok")
            let ready = try await app.testing().sendRequest(.GET, "/readyz")
            #expect(ready.status == .ok)
            let metrics = try await app.testing().sendRequest(.GET, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("http_requests_total"))
        }
    }

    @Test("Stopping: /readyz turns 503 at once while requests in flight are still answered")
    func readinessWhileDraining() async throws {
        try await withTrustDesk { app in
            #expect(app.requestDrain.count == 0)
            app.requestDrain.beginDraining()
            let ready = try await app.testing().sendRequest(.GET, "/readyz")
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.json["status"] as? String == "stopping")
            #expect(try await app.testing().sendRequest(.GET, "/healthz").status == .ok)
            #expect(app.requestDrain.count == 0, "every answered request left the count")
        }
    }

    @Test("Every response carries a request ID; a hostile incoming one is replaced")
    func requestIDs() async throws {
        try await withTrustDesk { app in
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: "X-Request-Id", value: "trace-abc-123")
            let echoed = try await app.testing().sendRequest(.GET, "/healthz", headers: headers)
            #expect(echoed.headers.first(name: "X-Request-Id") == "trace-abc-123")
            headers.replaceOrAdd(name: "X-Request-Id", value: "bad id\" with quotes and {json}")
            let replaced = try await app.testing().sendRequest(.GET, "/healthz", headers: headers)
            let id = try #require(replaced.headers.first(name: "X-Request-Id"))
            #expect(id != "bad id\" with quotes and {json}")
            #expect(RequestIDMiddleware.isAcceptable(id))
            let error = try await app.testing().sendRequest(.GET, "/v1/Accounts/x")
            #expect(error.headers.first(name: "X-Request-Id") != nil)
        }
    }

    @Test("The API description is served at /openapi.yaml")
    func openAPI() async throws {
        try await withTrustDesk { app in
            let response = try await app.testing().sendRequest(.GET, "/openapi.yaml")
            #expect(response.status == .ok)
            #expect(response.text.contains("openapi: 3.1"))
            #expect(response.text.contains("/v1/Accounts/{AccountSid}"))
        }
    }

    @Test("Unknown pages are a 404 page for browsers and JSON for API clients")
    func notFound() async throws {
        try await withTrustDesk { app in
            var html = HTTPHeaders()
            html.replaceOrAdd(name: .accept, value: "text/html")
            let page = try await app.testing().sendRequest(.GET, "/no/such/page", headers: html)
            #expect(page.status == .notFound)
            #expect(page.headers.contentType == .html)
            #expect(page.errorCode == 20404)
            var json = HTTPHeaders()
            json.replaceOrAdd(name: .accept, value: "application/json")
            let api = try await app.testing().sendRequest(.GET, "/no/such/page", headers: json)
            #expect(api.json["code"] as? Int == 20404)
            #expect(api.json["status"] as? Int == 404)
        }
    }

    @Test("A known API path with the wrong method is 405 with code 20405")
    func methodNotAllowed() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "zoe")
            let response = try await app.testing().sendRequest(.PUT, "/v1/Accounts/\(customer.account.sid)", headers: TestData.basic(customer.account.sid, customer.authToken))
            #expect(response.status == .methodNotAllowed)
            #expect(response.errorCode == 20405)
        }
    }

    @Test("Mail waits in the outbox and is retried with backoff until the transport takes it")
    func outboxRetries() async throws {
        try await withTrustDesk { app in
            try await Outbox(database: app.db, now: app.now).enqueue(to: "zoe@example.com", subject: "Hello", body: "Line one\n.Line two", kind: "password_reset")
            let transport = FlakyTransport(failures: 2)
            let delivery = OutboxDelivery(database: app.db, transport: transport, from: "TrustDesk <no-reply@example.com>", logger: app.logger)
            #expect(try await delivery.deliverDue(now: app.now) == 0)
            let waiting = try #require(try await OutboxMessage.query(on: app.db).first())
            #expect(waiting.attempts == 1)
            #expect(waiting.nextAttemptAt == app.now.addingTimeInterval(30))
            #expect(waiting.lastError != nil)
            // Not due yet: nothing is tried.
            #expect(try await delivery.deliverDue(now: app.now.addingTimeInterval(10)) == 0)
            #expect(try await OutboxMessage.query(on: app.db).first()?.attempts == 1)
            #expect(try await delivery.deliverDue(now: app.now.addingTimeInterval(30)) == 0)
            #expect(try await delivery.deliverDue(now: app.now.addingTimeInterval(90)) == 1)
            let sent = try #require(try await OutboxMessage.query(on: app.db).first())
            #expect(sent.deliveredAt != nil)
            #expect(sent.nextAttemptAt == nil)
            #expect(sent.attempts == 3)
            #expect(transport.delivered.map(\.to) == ["zoe@example.com"])
            #expect(try await delivery.deliverDue(now: app.now.addingTimeInterval(3600)) == 0)
            #expect(OutboxDelivery.backoff(afterAttempts: 20) == 3600)
        }
    }

    @Test("The file transport writes a complete .eml message")
    func fileTransport() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mail-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let mail = OutgoingMail(id: UUID(), from: "TrustDesk <no-reply@example.com>", to: "zoe@example.com",
                                subject: "Grüße\r\nBcc: evil@example.com", textBody: "Hello\nhttps://example.com/x?token=abc", date: testEpoch)
        try await FileTransport(directory: directory).deliver(mail)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(files.count == 1)
        let name = try #require(files.first)
        #expect(name.hasSuffix(".eml"))
        let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
        #expect(text.contains("To: zoe@example.com\r\n"))
        #expect(text.contains("Subject: =?utf-8?B?"))
        #expect(!text.contains("\r\nBcc:"))
        #expect(text.contains("\r\n\r\nHello\r\nhttps://example.com/x?token=abc\r\n"))
    }

    @Test("A job lease is held by one node at a time and passes on when it expires")
    func jobLeases() async throws {
        try await withTrustDesk { app in
            let now = app.now
            #expect(try await JobLeases.acquire("job", holder: "node-a", now: now, ttl: 30, on: app.db))
            #expect(!(try await JobLeases.acquire("job", holder: "node-b", now: now.addingTimeInterval(10), ttl: 30, on: app.db)))
            #expect(try await JobLeases.acquire("job", holder: "node-a", now: now.addingTimeInterval(10), ttl: 30, on: app.db))
            #expect(!(try await JobLeases.acquire("job", holder: "node-b", now: now.addingTimeInterval(39), ttl: 30, on: app.db)))
            #expect(try await JobLeases.acquire("job", holder: "node-b", now: now.addingTimeInterval(41), ttl: 30, on: app.db))
            try await JobLeases.release("job", holder: "node-b", on: app.db)
            #expect(try await JobLeases.acquire("job", holder: "node-a", now: now.addingTimeInterval(42), ttl: 30, on: app.db))
        }
    }

    @Test("Concurrent nodes racing for a lease: exactly one wins")
    func leaseRace() async throws {
        try await withTrustDesk { app in
            let now = app.now
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for node in 0..<8 {
                    group.addTask { try await JobLeases.acquire("race", holder: "node-\(node)", now: now, ttl: 30, on: app.db) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(winners == 1)
        }
    }

    @Test("ACC-3: the scheduler's purge job runs under its lease")
    func scheduledPurge() async throws {
        try await withTrustDesk { app in
            let old = Registration()
            old.id = UUID()
            old.tokenHash = Secrets.hash(Secrets.generate(.link))
            old.email = "old@example.com"
            old.username = "old.one"
            old.fullName = "Old One"
            old.passwordHash = "x"
            old.accountName = "Old"
            old.createdAt = app.now.addingTimeInterval(-8 * 86400)
            old.expiresAt = app.now.addingTimeInterval(-6 * 86400)
            try await old.create(on: app.db)
            await JobScheduler.runOnce(PlatformJobs.purge, application: app, holder: "test-node", now: app.now, logger: app.logger)
            #expect(try await Registration.query(on: app.db).count() == 0)
            #expect(try await JobLease.find("purge_expired", on: app.db)?.lastRunAt == app.now)
        }
    }

    @Test("The demo world loads once, with accounts, teams, staff and registrations")
    func demoWorld() async throws {
        try await withTrustDesk { app in
            let loaded = try #require(try await DemoWorld.loadIfEmpty(app))
            #expect(try await DemoWorld.loadIfEmpty(app) == nil)
            #expect(try await Account.query(on: app.db).count() == 3 + DemoStanding.samples.count + DemoPrivacy.closedAccounts.count)
            #expect(try await Account.find(loaded.acmeSubaccountSID, on: app.db)?.ownerAccountSID == loaded.acmeSID)
            let staff = try await User.query(on: app.db).filter(\.$staffRoleRaw != nil).all()
            #expect(Set(staff.compactMap(\.staffRole)) == Set(StaffRole.allCases))
            let enrolled = staff.filter { $0.twoFactorEnabled }
            #expect(enrolled.count == staff.count)
            #expect(try await Registration.query(on: app.db).filter(\.$confirmedAt == nil).count() == 1)
            #expect(try await Registration.query(on: app.db).filter(\.$confirmedAt != nil).count() == 1)
            let api = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(loaded.acmeSID)", headers: TestData.basic(loaded.acmeSID, loaded.acmeAuthToken))
            #expect(api.json["friendly_name"] as? String == "Acme Rockets")
            let banner = DemoWorld.banner(loaded, publicURL: "http://127.0.0.1:8080")
            #expect(banner.contains("Account SID: \(loaded.acmeSID)") && banner.contains("Auth token: \(loaded.acmeAuthToken)"))
            let browser = Browser(app)
            #expect(try await browser.signIn("avery", password: DemoWorld.password).location == "/console")
        }
    }

    @Test("Configuration: bad environment values stop the start with the variable's name")
    func configuration() throws {
        #expect(throws: TrustDeskConfiguration.Invalid.self) { try TrustDeskConfiguration.fromEnvironment(["DATABASE_URL": "mysql://x"]) }
        #expect(throws: TrustDeskConfiguration.Invalid.self) { try TrustDeskConfiguration.fromEnvironment(["MAIL_TRANSPORT": "pigeon"]) }
        #expect(throws: TrustDeskConfiguration.Invalid.self) { try TrustDeskConfiguration.fromEnvironment(["MAIL_TRANSPORT": "smtp"]) }
        #expect(throws: TrustDeskConfiguration.Invalid.self) { try TrustDeskConfiguration.fromEnvironment(["TRUSTDESK_BCRYPT_COST": "4"]) }
        #expect(throws: TrustDeskConfiguration.Invalid.self) { try TrustDeskConfiguration.fromEnvironment(["TRUSTDESK_SECRET_KEY": "short"]) }
        let config = try TrustDeskConfiguration.fromEnvironment(["TRUSTDESK_DATA_DIR": "/tmp/x", "TRUSTDESK_PUBLIC_URL": "https://desk.example.com/"])
        #expect(config.sqlitePath == "/tmp/x/trustdesk.sqlite")
        #expect(config.mailDirectory == "/tmp/x/mail")
        #expect(config.publicURL == "https://desk.example.com")
        #expect(config.secureCookies)
        #expect(config.passwordCost == 12)
        #expect(!config.reloadTemplates, "templates are read once per process unless asked")
        #expect(throws: TrustDeskConfiguration.Invalid.self) { try TrustDeskConfiguration.fromEnvironment(["TRUSTDESK_RELOAD_TEMPLATES": "yes"]) }
        #expect(try TrustDeskConfiguration.fromEnvironment(["TRUSTDESK_RELOAD_TEMPLATES": "1"]).reloadTemplates)
    }

    @Test("Launch options: --demo is taken out before Vapor parses, and serve migrates")
    func launchOptions() {
        var arguments = ["trustdesk", "serve", "--demo", "--port", "9090"]
        let options = LaunchOptions.extract(from: &arguments)
        #expect(options.demo && options.migrate && options.runScheduler)
        #expect(options.listenPort == 9090)
        #expect(arguments == ["trustdesk", "serve", "--port", "9090"])
        var migrate = ["trustdesk", "migrate"]
        let migrateOptions = LaunchOptions.extract(from: &migrate)
        #expect(!migrateOptions.runScheduler && !migrateOptions.migrate)
        var bare = ["trustdesk"]
        #expect(LaunchOptions.extract(from: &bare).runScheduler)
        var hostFirst = ["trustdesk", "--hostname", "127.0.0.1", "--port", "9000"]
        let serve = LaunchOptions.extract(from: &hostFirst)
        #expect(serve.command == "serve" && serve.listenHost == "127.0.0.1" && serve.listenPort == 9000)
    }

    @Test("Launch options: --help and unknown commands touch no data, start no job, migrate nothing")
    func helpAndUnknownCommandsAreInert() {
        let known = ["serve", "migrate", "jobs", "routes"]
        for arguments in [["trustdesk", "--help"], ["trustdesk", "serve", "--help"], ["trustdesk", "-h"], ["trustdesk", "frobnicate"]] {
            var arguments = arguments
            let options = LaunchOptions.extract(from: &arguments).settled(knownCommands: known)
            #expect(!options.touchesData && !options.migrate && !options.runScheduler && !options.demo, "\(arguments)")
        }
        var serve = ["trustdesk", "serve", "--demo"]
        let live = LaunchOptions.extract(from: &serve).settled(knownCommands: known)
        #expect(live.touchesData && live.migrate && live.runScheduler && live.demo)
    }
}

@Suite("Error reference")
struct ErrorReferenceTests {
    @Test("docs/errors.md and /docs/errors list every stable error code")
    func everyCodeDocumented() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let markdown = try String(contentsOf: root.appendingPathComponent("docs/errors.md"), encoding: .utf8)
        for code in ErrorCode.allCases {
            #expect(markdown.contains("| \(code.rawValue) | \(code.documentedStatus) | \(code.title) |"), "docs/errors.md lacks \(code.rawValue)")
        }
        try await withTrustDesk { app in
            let page = try await app.testing().sendRequest(.GET, "/docs/errors", headers: ["Accept": "text/html"])
            #expect(page.status == .ok)
            for code in ErrorCode.allCases {
                #expect(page.text.contains("id=\"\(code.rawValue)\""))
            }
        }
    }
}
