import ConsoleKit
import Fluent
import Foundation
import SQLKit
import TrustDeskCore
import Vapor

/// `trustdesk bench-seed-tickets --tickets N`: adds N support tickets, with comments and running
/// targets, to a database that already holds the demo world, spread over its organisations,
/// support staff and groups, so the page benchmark (`bench/pages/run.sh`) reads every page at a
/// realistic size. The same raw inserts as `bench-support`; never part of `swift test` or CI.
struct SupportBenchSeedCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "tickets", help: "Tickets to add (default 100000).")
        var tickets: Int?
        @Option(name: "comments", help: "Comments to add (default 3 per ticket).")
        var comments: Int?
    }

    var help: String { "Adds seeded support tickets to the demo world (run `serve --demo` on the database first)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let count = signature.tickets ?? 100_000
        let comments = signature.comments ?? count * 3
        let now = app.clock.now()
        let bench = SupportBench(app: app, console: context.console, samples: 0)
        guard let setup = try await demoSetup(app) else {
            context.console.error("bench-seed-tickets needs the demo world: run `trustdesk serve --demo` on this database once first.")
            return
        }
        let sql = try app.db.sql
        let before = try await Ticket.query(on: app.db).max(\.$id) ?? 0
        let started = ContinuousClock.now
        try await bench.seedTickets(count, setup: setup, now: now, sql: sql)
        let after = try await Ticket.query(on: app.db).max(\.$id) ?? 0
        // One multi-row insert after another: the new numbers are the last `count` ones.
        let first = max(before + 1, after - count + 1)
        try await bench.seedComments(comments, tickets: count, firstNumber: first, setup: setup, now: now, sql: sql)
        try await bench.seedTargets(count, firstNumber: first, now: now, sql: sql)
        context.console.print("added \(count) tickets (#\(first)-#\(after)), \(comments) comments and their running targets in "
            + String(format: "%.1f s", SupportBench.seconds(since: started)))
    }

    /// The demo world's organisations with a support plan, a requester of the tickets, and
    /// the staff on the desk who are assigned them.
    private func demoSetup(_ app: Application) async throws -> SupportBench.Setup? {
        let profiles = try await SupportProfile.query(on: app.db).all().compactMap(\.id)
        let organisations = try await Account.query(on: app.db).filter(\.$id ~~ profiles).sort(\.$id).all()
        let desk = try await StaffSupportProfile.query(on: app.db).all()
        let engineers = try await User.query(on: app.db).filter(\.$id ~~ desk.compactMap(\.id)).sort(\.$id).all()
        guard !organisations.isEmpty, !engineers.isEmpty else { return nil }
        var setup = SupportBench.Setup(organisations: organisations, owner: try await requester(app), engineers: engineers)
        setup.groups = [SupportGroup.pse, SupportGroup.general, SupportGroup.pse, SupportGroup.consumerTrust, SupportGroup.trustSafety]
        return setup
    }

    /// A person of their own who requests the seeded tickets, so the demo's people keep pages of
    /// demo size (a customer's privacy page counts everything they ever wrote).
    private func requester(_ app: Application) async throws -> User {
        if let existing = try await User.query(on: app.db).filter(\.$username == "bench.requester").first() { return existing }
        let hash = try await app.passwordHasher.hash("bench-password-2026")
        let user = User(sid: SID.generate(.user), username: "bench.requester", email: "bench.requester@example.com", fullName: "Bench Requester",
                        passwordHash: hash, now: app.clock.now())
        try await user.create(on: app.db)
        return user
    }
}
