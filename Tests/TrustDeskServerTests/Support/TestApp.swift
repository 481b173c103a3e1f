import Fluent
import Foundation
import SQLKit
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// The test database: SQLite in a temporary folder, or PostgreSQL when
/// `TRUSTDESK_TEST_DATABASE_URL` is set. On PostgreSQL every test gets its own schema, so
/// tests stay isolated while running in parallel.
enum TestDatabase {
    static var postgresURL: String? {
        let value = ProcessInfo.processInfo.environment["TRUSTDESK_TEST_DATABASE_URL"]
        return value?.isEmpty == false ? value : nil
    }

    static var isPostgres: Bool { postgresURL != nil }

    /// Swift Testing starts every test at once, and each test application may open 8
    /// PostgreSQL connections (4 per event loop); CI's cluster allows 300. At most this many
    /// test applications use PostgreSQL at a time.
    static let postgresSlots = TestSlots(16)
}

/// A counting semaphore for async tests.
actor TestSlots {
    private var available: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { available = count }

    func enter() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty {
            available += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// A fixed moment for tests: Monday 2026-03-02 12:00 UTC.
let testEpoch = Date(timeIntervalSince1970: 1_772_452_800)

/// Builds an app on a fresh database, migrates it, runs `body`, then tears everything down,
/// whatever `body` did. The clock is frozen at `testEpoch`; tests move it explicitly.
func withTrustDesk(
    passwordCost: Int = 4,
    publicURL: String = "http://127.0.0.1:8080",
    settings: (inout TrustDeskConfiguration) -> Void = { _ in },
    _ body: (Application) async throws -> Void
) async throws {
    guard TestDatabase.isPostgres else {
        return try await runTrustDesk(passwordCost: passwordCost, publicURL: publicURL, settings: settings, body)
    }
    await TestDatabase.postgresSlots.enter()
    let outcome: Result<Void, any Error>
    do {
        try await runTrustDesk(passwordCost: passwordCost, publicURL: publicURL, settings: settings, body)
        outcome = .success(())
    } catch {
        outcome = .failure(error)
    }
    await TestDatabase.postgresSlots.leave()
    try outcome.get()
}

private func runTrustDesk(
    passwordCost: Int,
    publicURL: String,
    settings: (inout TrustDeskConfiguration) -> Void,
    _ body: (Application) async throws -> Void
) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trustdesk-test-\(UUID().uuidString)").path
    let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
    var configuration = TrustDeskConfiguration(
        dataDirectory: directory,
        databaseURL: TestDatabase.postgresURL,
        databaseSchema: TestDatabase.isPostgres ? String(schema) : nil,
        publicURL: publicURL,
        secretKey: "test-secret-key-test-secret-key-0123456789",
        passwordCost: passwordCost
    )
    // The support channels' webhooks (SUP-2, SUP-10); a test unsets them to see them refused.
    configuration.voiceAuthToken = TestData.voiceAuthToken
    configuration.inboundMailToken = TestData.inboundMailToken
    configuration.inboundMailDomain = TestData.inboundMailDomain
    settings(&configuration)
    let app = try await Application.make(.testing)
    app.useClock(AppClock(fixedAt: testEpoch))
    var failure: (any Error)?
    do {
        try await configure(app, configuration: configuration)
        try await prepare(app, options: LaunchOptions(migrate: true))
        app.freezeResponder()
        try await body(app)
    } catch {
        failure = error
    }
    if TestDatabase.isPostgres {
        try? await app.db.sql.raw("DROP SCHEMA IF EXISTS \(ident: String(schema)) CASCADE").run()
    }
    try await app.asyncShutdown()
    try? FileManager.default.removeItem(atPath: directory)
    if let failure {
        // PostgresNIO's errors describe themselves generically; the reflection has the server's message.
        if TestDatabase.isPostgres { print("withTrustDesk failed: \(String(reflecting: failure))") }
        throw failure
    }
}

extension Application {
    var now: Date { clock.now() }

    /// Builds the router and middleware chain once. VaporTesting's in-memory requests ask
    /// `responder.current`, whose default builds a new `DefaultResponder` (a trie of every
    /// route) per request: over a third of the authorization matrix's time went there. A
    /// served app builds it once at start; tests now do the same, after `configure` has
    /// registered every route and middleware.
    func freezeResponder() {
        let built = responder.default
        responder.use { _ in built }
    }
}

extension TestingHTTPResponse {
    var text: String { body.getString(at: body.readerIndex, length: body.readableBytes) ?? "" }

    /// The stable error code of a JSON error body, or of an HTML error page.
    var errorCode: Int? {
        if let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
            return json["code"] as? Int
        }
        guard let range = text.range(of: #"Error (\d+):"#, options: .regularExpression) else { return nil }
        return Int(text[range].dropFirst(6).dropLast(1))
    }

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    var location: String? { headers.first(name: .location) }
}

/// The first capture group of `pattern` in `text`.
func capture(_ pattern: String, in text: String) -> String? {
    guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]),
          let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
          match.numberOfRanges > 1, let range = Range(match.range(at: 1), in: text)
    else { return nil }
    return String(text[range])
}
