import Fluent
import SQLKit
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Queues: searches by email, SID and subject words through their own indexes, on both databases")
struct TicketSearchCandidatesTests {
    static func words(_ text: String) throws -> TicketSearch? { try TicketSearch.parse(text) }

    @Test("Queues: the index names exactly the tickets whose subject holds every word, or leaves the search to the range")
    func candidates() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(SupportWorld.mondayNight)
            let acme = try await QueuePagesTests.open(app, world.acme, count: 5, subject: "Acme delivery delayed")
            let harbor = try await QueuePagesTests.open(app, world.harbor, count: 4, subject: "Harbor Webhook retries")
            let search = TicketSearchCandidates(database: app.db)
            let email = try #require(try await Ticket.find(harbor[0], on: app.db)).requesterEmail
            #expect(try await search.candidates(for: try Self.words(email.uppercased()))?.sorted() == harbor.sorted(), "by email, on both databases")
            #expect(try await search.candidates(for: try Self.words("nobody@example.com")) == [])
            #expect(try await search.candidates(for: try Self.words("WEBHOOK"))?.sorted() == harbor.sorted())
            #expect(try await search.candidates(for: try Self.words("delivery delayed"))?.sorted() == acme.sorted())
            #expect(try await search.candidates(for: try Self.words("delivery retries")) == [])
            #expect(try await search.candidates(for: try Self.words("ook retr"))?.sorted() == harbor.sorted(), "parts of words match, as the range's LIKE does")
            #expect(try await search.candidates(for: try Self.words("webhook"), limit: 3) == nil, "more than the limit: read the range")
            #expect(try await search.candidates(for: try Self.words("de")) == nil, "a word shorter than a trigram")
            #expect(try await search.candidates(for: try Self.words("#\(acme[0])")) == nil, "only subject words")

            let admin = try await SupportWorld.staffBrowser(app, world.admin)
            let none = try await admin.get("/staff/support?queue=all&q=nothing+like+this")
            #expect(none.status == .ok)
            #expect(QueuePagesTests.rows(none.text).isEmpty)
            #expect(Set(QueuePagesTests.rows(try await admin.get("/staff/support?queue=all&q=webhook").text)) == Set(harbor))
        }
    }

    @Test("Queues: a changed subject or intake SID is found by its new text and no longer by its old")
    func followsSubjectChanges() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(SupportWorld.mondayNight)
            let numbers = try await QueuePagesTests.open(app, world.acme, count: 2, subject: "Carrier outage")
            let ticket = try #require(try await Ticket.find(numbers[0], on: app.db))
            let sid = "CA" + String(repeating: "ab", count: 16)
            ticket.subject = "Porting request"
            ticket.sids = sid
            try await ticket.save(on: app.db)
            let admin = try await SupportWorld.staffBrowser(app, world.admin)
            #expect(QueuePagesTests.rows(try await admin.get("/staff/support?queue=all&q=porting").text) == [numbers[0]])
            #expect(QueuePagesTests.rows(try await admin.get("/staff/support?queue=all&q=outage").text) == [numbers[1]])
            #expect(QueuePagesTests.rows(try await admin.get("/staff/support?queue=all&q=\(sid)").text) == [numbers[0]])
            let search = TicketSearchCandidates(database: app.db)
            #expect(try await search.candidates(for: try Self.words("outage")) == [numbers[1]])
            #expect(try await search.candidates(for: try Self.words(sid)) == [numbers[0]])
            ticket.sids = ""
            try await ticket.save(on: app.db)
            #expect(try await search.candidates(for: try Self.words(sid)) == [])
        }
    }

    @Test("Queues: each database has its search indexes: SQLite's FTS5 trigram table, PostgreSQL's pg_trgm indexes with the extension in public")
    func searchIndexesExist() async throws {
        try await withTrustDesk { app in
            let sql = try app.db.sql
            guard TestDatabase.isPostgres else {
                let tables = try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name = \(bind: CreateTicketSearchIndex.table)").all()
                #expect(tables.count == 1)
                return
            }
            struct Index: Decodable { let indexname: String; let indexdef: String }
            let indexes = try await sql.raw("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tickets' AND schemaname = current_schema()")
                .all(decoding: Index.self)
            let trigram = indexes.filter { $0.indexdef.contains("gin_trgm_ops") }.map(\.indexname).sorted()
            #expect(trigram == [AddTrigramIndexesToTickets.sidsIndex, AddTrigramIndexesToTickets.subjectIndex].sorted())
            #expect(try await AddTrigramIndexesToTickets.trigramSchema(sql) == "public")
        }
    }
}
