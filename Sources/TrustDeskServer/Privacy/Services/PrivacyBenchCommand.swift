import ConsoleKit
import Fluent
import Foundation
import SQLKit
import TrustDeskCore
import Vapor

/// `trustdesk bench-privacy`: the privacy benchmarks of docs/performance.md, each against a
/// baseline measured in the same run: an organisation's export against reading the same rows
/// raw into plain JSON files; a usage deletion against raw batched `DELETE`s of as many rows;
/// a retention pass against raw deletes of the same accounts' rows; and ticket creation while
/// retention runs against without. Run it on an empty database; never part of `swift test`.
struct PrivacyBenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "tickets", help: "Tickets of the exported organisation (default 10000).")
        var tickets: Int?
        @Option(name: "comments", help: "Comments of the exported organisation (default 50000).")
        var comments: Int?
        @Option(name: "usage-rows", help: "Admitted messages deleted by the usage deletion (default 200000).")
        var usageRows: Int?
        @Option(name: "accounts", help: "Closed accounts due for retention (default 2000).")
        var accounts: Int?
    }

    var help: String { "Measures privacy exports, usage deletion and retention against raw baselines." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await DatabaseSetup.createSchemaIfNeeded(app)
        try await app.autoMigrate()
        guard try await Ticket.query(on: app.db).count() == 0 else {
            context.console.error("bench-privacy needs an empty database: point TRUSTDESK_DATA_DIR or DATABASE_URL at a fresh one.")
            return
        }
        let bench = PrivacyBench(app: app, console: context.console)
        try await bench.run(tickets: signature.tickets ?? 10_000, comments: signature.comments ?? 50_000,
                            usageRows: signature.usageRows ?? 200_000, accounts: signature.accounts ?? 2_000)
    }
}

struct PrivacyBench {
    let app: Application
    let console: any Console
    static let batch = 500

    func run(tickets: Int, comments: Int, usageRows: Int, accounts: Int) async throws {
        let now = app.clock.now()
        let sql = try app.db.sql
        console.print("bench-privacy on \(sql.dialect.name): \(tickets) tickets, \(comments) comments, \(usageRows) usage rows, \(accounts) closed accounts")
        var rows: [(String, String)] = []

        // Export (PRV-2): the service first, so the raw baseline's memory can't hide its peak.
        let owner = try await seedOrganisation(tickets: tickets, comments: comments, now: now, sql: sql)
        let directory = NSTemporaryDirectory() + "trustdesk-bench-export-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let subject = DataSubject(accountSIDs: [owner.account], userSIDs: [owner.user], emails: [owner.email])
        var rss = Memory.residentBytes(), peak = Memory.peakBytes()
        var started = ContinuousClock.now
        let archive = try await PersonalDataExporter(database: app.db, now: now, directory: directory).export(subject, name: "bench")
        let exportSeconds = Self.seconds(since: started)
        let exportGrowth = max(Memory.peakBytes() - peak, Memory.residentBytes() - rss)
        let exportedRows = archive.tables.reduce(0) { $0 + $1.rows }
        rss = Memory.residentBytes(); peak = Memory.peakBytes()
        started = ContinuousClock.now
        let rawRows = try await rawExport(subject, to: directory + "/raw", sql: sql)
        let rawSeconds = Self.seconds(since: started)
        let rawGrowth = max(Memory.peakBytes() - peak, Memory.residentBytes() - rss)
        rows.append(("export baseline: raw rows to plain JSON files", String(format: "%.2f s, %d rows, %.0f MB resident growth", rawSeconds, rawRows, Double(rawGrowth) / 1e6)))
        rows.append(("export: zip with manifest and hashes", String(format: "%.2f s (%.2fx baseline), %d rows, %.0f MB resident growth", exportSeconds, exportSeconds / max(rawSeconds, 0.001), exportedRows, Double(exportGrowth) / 1e6)))

        // Usage deletion (PRV-5) against raw batched DELETEs of as many rows.
        let usageAccount = try await seedUsage(rows: usageRows, accounts: 2, now: now, sql: sql)
        started = ContinuousClock.now
        var rawDeleted = 0, rawLongest = 0.0
        while true {
            let statement = ContinuousClock.now
            let deleted = try await sql.raw("""
                DELETE FROM trust_admitted_messages WHERE message_sid IN (SELECT message_sid FROM trust_admitted_messages
                WHERE account_sid = \(bind: usageAccount[1]) LIMIT \(literal: UsageDeletionRule.batchSize)) RETURNING message_sid
                """).all().count
            rawLongest = max(rawLongest, Self.seconds(since: statement))
            rawDeleted += deleted
            if deleted < UsageDeletionRule.batchSize { break }
        }
        let rawDeleteSeconds = Self.seconds(since: started)
        guard let account = try await Account.find(usageAccount[0], on: app.db) else { return }
        let usage = UsageDeletions(database: app.db, now: now)
        let deletion = try await usage.create(for: account, from: now.addingTimeInterval(-40 * 86_400), to: now, by: "bench")
        started = ContinuousClock.now
        var longest = 0.0
        while deletion.deletionStatus != .complete {
            let statement = ContinuousClock.now
            try await usage.run(deletion, batches: 1)
            longest = max(longest, Self.seconds(since: statement))
        }
        let usageSeconds = Self.seconds(since: started)
        rows.append(("usage deletion baseline: raw batched DELETE", String(format: "%.0f rows/s (%d rows, longest batch %.0f ms)", Double(rawDeleted) / max(rawDeleteSeconds, 0.001), rawDeleted, rawLongest * 1000)))
        rows.append(("usage deletion: service, 1,000 per batch", String(format: "%.0f rows/s (%.2fx baseline; %d rows, longest batch %.0f ms)",
                                                                         Double(deletion.rowsDeleted) / max(usageSeconds, 0.001),
                                                                         (Double(deletion.rowsDeleted) / max(usageSeconds, 0.001)) / max(Double(rawDeleted) / max(rawDeleteSeconds, 0.001), 1),
                                                                         deletion.rowsDeleted, longest * 1000)))

        // Retention (PRV-4): half the accounts by the job, half by raw deletes; ticket creation
        // timed alone, then while the job runs.
        let closed = try await seedClosedAccounts(accounts, now: now)
        let later = now.addingTimeInterval(61 * 86_400)
        let half = closed.count / 2
        started = ContinuousClock.now
        for sid in closed[half...] {
            try await rawRetention(sid, sql: sql)
        }
        let rawRetentionSeconds = Self.seconds(since: started)
        try await PrivacySchedule.query(on: app.db).filter(\.$id ~~ Array(closed[half...])).delete()
        let alone = try await ticketCreates(owner: owner, samples: 100, now: later)
        started = ContinuousClock.now
        let retention = PrivacyRetention(database: app.db, now: later, policy: RetentionPolicy())
        async let during = ticketCreates(owner: owner, samples: 100, now: later)
        var passes = 0
        while try await retention.runDue() > 0 { passes += 1 }
        let retentionSeconds = Self.seconds(since: started)
        let busy = try await during
        rows.append(("retention baseline: raw DELETE/UPDATE of the same rows", String(format: "%.0f accounts/s (%d accounts)", Double(closed.count - half) / max(rawRetentionSeconds, 0.001), closed.count - half)))
        rows.append(("retention pass: job, by the inventory", String(format: "%.0f accounts/s (%.2fx baseline; %d accounts, %d passes)",
                                                                  Double(half) / max(retentionSeconds, 0.001),
                                                                  (Double(half) / max(retentionSeconds, 0.001)) / max(Double(closed.count - half) / max(rawRetentionSeconds, 0.001), 0.001),
                                                                  half, passes)))
        rows.append(("ticket create p99, alone", String(format: "%.1f ms", alone)))
        rows.append(("ticket create p99, during the retention pass", String(format: "%.1f ms (%.2fx)", busy, busy / max(alone, 0.001))))

        console.print("")
        console.print("| measurement | result |")
        console.print("| --- | --- |")
        for (name, value) in rows { console.print("| \(name) | \(value) |") }
    }

    struct Owner: Sendable {
        let account: String
        let user: String
        let email: String
    }

    private func seedOrganisation(tickets: Int, comments: Int, now: Date, sql: any SQLDatabase) async throws -> Owner {
        let user = User(sid: SID.generate(.user), username: "bench.owner", email: "bench.owner@example.com", fullName: "Bench Owner", passwordHash: "!", now: now)
        try await user.create(on: app.db)
        let (account, _) = try await app.accounts(now: now).createAccount(named: "Bench Org", owner: user)
        var index = 0
        while index < tickets {
            var insert = sql.insert(into: Ticket.schema).columns(
                "subject", "description", "product", "priority", "status", "unsolved", "organisation_sid", "account_sid", "requester_sid",
                "requester_name", "requester_email", "group_name", "plan", "has_sla", "tags", "sids", "intake_details", "intake_warnings", "created_at", "updated_at")
            for n in index..<min(index + Self.batch, tickets) {
                insert = insert.values([
                    "Seeded ticket \(n)", "Seeded description of ticket \(n), with a comma.", "voice", 3, "open", true, account.sid, account.sid, user.sid,
                    "Bench Owner", user.email, "general", "standard", false, "", "", "{}", "", now, now,
                ] as [any Encodable & Sendable])
            }
            try await insert.run()
            index += Self.batch
        }
        let first = try await sql.raw("SELECT MIN(number) AS n FROM tickets").first()?.decode(column: "n", as: Int.self) ?? 1
        index = 0
        while index < comments {
            var insert = sql.insert(into: TicketComment.schema).columns("id", "ticket_number", "author_sid", "author_name", "author_is_staff", "is_public", "body", "created_at")
            for n in index..<min(index + Self.batch, comments) {
                insert = insert.values([UUID(), first + n % max(tickets, 1), user.sid, "Bench Owner", false, true,
                                        "Seeded comment \(n): the calls still drop after a minute.", now] as [any Encodable & Sendable])
            }
            try await insert.run()
            index += Self.batch
        }
        return Owner(account: account.sid, user: user.sid, email: user.email)
    }

    /// The baseline: the same tables and rows, read raw in pages and written as JSON arrays.
    private func rawExport(_ subject: DataSubject, to directory: String, sql: any SQLDatabase) async throws -> Int {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var total = 0
        for inventory in PrivacyInventory.tables where inventory.holdsPersonalData {
            guard let condition = SubjectRows.condition(inventory, subject) else { continue }
            let path = directory + "/\(inventory.table).json"
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            var offset = 0
            while true {
                let page = try await sql.raw("""
                    SELECT * FROM \(ident: inventory.table) WHERE \(condition) ORDER BY \(ident: inventory.key)
                    LIMIT \(literal: PersonalDataExporter.pageSize) OFFSET \(literal: offset)
                    """).all()
                var kinds: [String: ExportValue.Kind] = [:]
                for row in page {
                    let object = Dictionary(uniqueKeysWithValues: row.allColumns.map { ($0, ExportValue.read(row, $0, kinds: &kinds)) })
                    try handle.write(contentsOf: try JSONEncoder().encode(object))
                }
                total += page.count
                offset += page.count
                if page.count < PersonalDataExporter.pageSize { break }
            }
            try handle.close()
        }
        return total
    }

    private func seedUsage(rows: Int, accounts: Int, now: Date, sql: any SQLDatabase) async throws -> [String] {
        var sids: [String] = []
        for index in 0..<accounts {
            let user = User(sid: SID.generate(.user), username: "bench.usage\(index)", email: "bench.usage\(index)@example.com", fullName: "Usage \(index)", passwordHash: "!", now: now)
            try await user.create(on: app.db)
            sids.append(try await app.accounts(now: now).createAccount(named: "Usage \(index)", owner: user).0.sid)
        }
        for sid in sids {
            var index = 0
            while index < rows {
                var insert = sql.insert(into: AdmittedMessage.schema).columns("message_sid", "account_sid", "admitted_at")
                for n in index..<min(index + Self.batch, rows) {
                    insert = insert.values([SID.generate(.smsMessage).rawValue, sid, now.addingTimeInterval(-Double(n % 2_000_000))] as [any Encodable & Sendable])
                }
                try await insert.run()
                index += Self.batch
            }
        }
        return sids
    }

    private func seedClosedAccounts(_ count: Int, now: Date) async throws -> [String] {
        var sids: [String] = []
        let closedAt = now
        for index in 0..<count {
            let sid = try await app.db.transaction { db in
                let user = User(sid: SID.generate(.user), username: "bench.closed\(index)", email: "bench.closed\(index)@example.com",
                                fullName: "Closed \(index)", passwordHash: "!", now: now)
                try await user.create(on: db)
                let (account, _) = try await app.accounts(on: db, now: now).createAccount(named: "Closed \(index)", owner: user)
                try await UserSession(idHash: "bench-\(UUID().uuidString)", user: user.sid, stage: .signedIn, now: now, lifetime: 86_400).create(on: db)
                account.standing = Standing.closed.rawValue
                try await account.save(on: db)
                try await PrivacyRetention(database: db, now: now, policy: RetentionPolicy()).schedule(accountSID: account.sid, closedAt: closedAt)
                return account.sid
            }
            sids.append(sid)
        }
        return sids
    }

    /// What a hand-written retention would do for one account: the same rows, named in SQL.
    private func rawRetention(_ account: String, sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM user_sessions WHERE user_sid IN (SELECT user_sid FROM memberships WHERE account_sid = \(bind: account))").run()
        try await sql.raw("DELETE FROM account_activity WHERE account_sid = \(bind: account)").run()
        try await sql.raw("DELETE FROM registrations WHERE account_sid = \(bind: account)").run()
        try await sql.raw("""
            UPDATE users SET full_name = 'Deleted user', email = sid || '@deleted.invalid', username = 'deleted-' || sid, password_hash = '!'
            WHERE sid IN (SELECT user_sid FROM memberships WHERE account_sid = \(bind: account))
            """).run()
        try await sql.raw("UPDATE accounts SET friendly_name = 'Closed account' WHERE sid = \(bind: account)").run()
    }

    /// p99 of `samples` ticket creations, in milliseconds.
    private func ticketCreates(owner: Owner, samples: Int, now: Date) async throws -> Double {
        guard let account = try await Account.find(owner.account, on: app.db), let user = try await User.find(owner.user, on: app.db) else { return 0 }
        var durations: [Double] = []
        for index in 0..<samples {
            let start = ContinuousClock.now
            _ = try await app.db.transaction { db in
                try await app.tickets(now: now, on: db).open(NewTicket(subject: "Bench \(index)", description: "Timed.", priority: "3", intake: IntakeForm(product: .other)),
                                                               about: account, by: TicketActor(user: user))
            }
            durations.append(Self.seconds(since: start) * 1000)
        }
        durations.sort()
        return durations[min(durations.count - 1, durations.count * 99 / 100)]
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// The process's memory, from /proc (Linux); zero elsewhere.
enum Memory {
    static func residentBytes() -> Int { field("VmRSS:") }
    static func peakBytes() -> Int { field("VmHWM:") }

    private static func field(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes * 1024
    }
}
