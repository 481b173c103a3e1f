import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// The staff ticket workspace (issue 11): the conversation with internal notes told apart, an
/// explicit choice between a public reply and an internal note, editable tags with history,
/// reasons where the domain asks for them, countdowns and times in the viewer's zone.
@Suite("Support desk: the staff ticket workspace")
struct TicketWorkspaceTests {
    /// Monday 2026-03-02 14:00 UTC, 09:00 in New York: Taylor's working day starts.
    static let monday = Date(timeIntervalSince1970: 1_772_460_000)

    static func ticket(_ app: Application, _ world: SupportWorld, priority: Int = 2) async throws -> Int {
        try await TicketLifecycleTests.open(app, world, priority: priority)
    }

    /// The `<li>` of the conversation entry whose body contains `text`.
    static func entry(containing text: String, in html: String) -> String? {
        html.components(separatedBy: "<li class=\"comment ").dropFirst().first { $0.contains(text) }.map { "<li class=\"comment " + $0 }
    }

    static func events(_ app: Application, _ number: Int, action: String) async throws -> [TicketEvent] {
        try await TicketEvent.query(on: app.db).filter(\.$ticketNumber == number).filter(\.$action == action).sort(\.$at).all()
    }

    @Test("SUP-6: a public reply and an internal note each land as their kind; notes are labelled and coloured apart, and never reach the customer")
    func repliesAndNotes() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try await Self.ticket(app, world)
            let staff = try await SupportWorld.staffBrowser(app, world.taylor)
            try await staff.get("/staff/support/tickets/\(number)")
            let replied = try await staff.post("/staff/support/tickets/\(number)/comment", ["body": "Which carrier do you see this on?", "public": "true"])
            #expect(replied.text.contains("Reply sent."))
            app.clock.advance(by: 60)
            let noted = try await staff.post("/staff/support/tickets/\(number)/comment", ["body": "Looks like the Verizon trunk.", "public": "false"])
            #expect(noted.text.contains("Internal note added."))

            let comments = try await TicketComment.query(on: app.db).filter(\.$ticketNumber == number).sort(\.$createdAt).all()
            #expect(comments.map(\.isPublic) == [true, false])

            let html = try await staff.get("/staff/support/tickets/\(number)").text
            let reply = try #require(Self.entry(containing: "Which carrier", in: html))
            let note = try #require(Self.entry(containing: "Verizon trunk", in: html))
            #expect(reply.hasPrefix("<li class=\"comment public_reply\"") && reply.contains(">Public reply</span>"))
            #expect(note.hasPrefix("<li class=\"comment internal_note\"") && note.contains(">Internal note</span>"), "a label, not colour alone")
            #expect(html.contains("data-kind=\"description\""), "the description opens the conversation")
            #expect(html.range(of: "Which carrier")?.lowerBound ?? html.endIndex < html.range(of: "Verizon trunk")?.lowerBound ?? html.startIndex, "in time order")

            let customer = try await SupportWorld.customerBrowser(app, "avery").get("/console/support/tickets/\(number)").text
            #expect(customer.contains("Which carrier") && !customer.contains("Verizon trunk"))
            let mails = try await TestData.mail(app, to: "avery@example.com")
            #expect(mails.contains { $0.body.contains("Which carrier") } && !mails.contains { $0.body.contains("Verizon trunk") })
        }
    }

    @Test("SUP-6: the reply form has two buttons and no pre-ticked box; a post without the choice is 20001 and keeps the text")
    func explicitChoice() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try await Self.ticket(app, world)
            let staff = try await SupportWorld.staffBrowser(app, world.taylor)
            let page = try await staff.get("/staff/support/tickets/\(number)").text
            #expect(page.contains("<button id=\"reply-public\" type=\"submit\" name=\"public\" value=\"true\">Public reply</button>"))
            #expect(page.contains("<button id=\"reply-internal\" class=\"internal-note\" type=\"submit\" name=\"public\" value=\"false\">Internal note</button>"))
            #expect(!page.contains("type=\"checkbox\""))
            #expect(page.contains("<a class=\"skip\" href=\"#comment_body\">Skip to the reply box</a>"), "one Tab reaches the reply box")

            let refused = try await staff.post("/staff/support/tickets/\(number)/comment", ["body": "Half-written answer"])
            #expect(refused.errorCode == 20001)
            #expect(refused.text.contains("id=\"comment_public-error\""))
            #expect(FormRedisplayTests.control("comment_body", in: refused.text)?.contains(">Half-written answer</textarea>") == true)
            #expect(try await TicketComment.query(on: app.db).filter(\.$ticketNumber == number).count() == 0)
        }
    }

    @Test("Tags: added and removed from the properties panel, each change in the ticket's history")
    func tagsWithHistory() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try await Self.ticket(app, world)
            let staff = try await SupportWorld.staffBrowser(app, world.taylor)
            try await staff.get("/staff/support/tickets/\(number)")
            let added = try await staff.post("/staff/support/tickets/\(number)/tags", ["tags": "Billing, vip", "tags_before": ""])
            #expect(added.text.contains("Tags saved."))
            #expect(try await Ticket.find(number, on: app.db)?.tags == "billing vip")
            #expect(added.text.contains("<li class=\"tag\">billing</li><li class=\"tag\">vip</li>"))

            let changed = try await staff.post("/staff/support/tickets/\(number)/tags", ["tags": "vip refund", "tags_before": "billing vip"])
            #expect(changed.errorCode == nil)
            #expect(try await Ticket.find(number, on: app.db)?.tags == "vip refund")
            let history = try await Self.events(app, number, action: "tags")
            #expect(history.map(\.detail) == ["Tags added billing, vip.", "Tags added refund; removed billing."])
            #expect(history.allSatisfy { !$0.isPublic && $0.actorName == "Taylor Reed" })
            #expect(changed.text.contains("Tags added refund; removed billing."), "the history on the page says it")

            // Saving the same tags again writes nothing.
            _ = try await staff.post("/staff/support/tickets/\(number)/tags", ["tags": "refund vip", "tags_before": "vip refund"])
            #expect(try await Self.events(app, number, action: "tags").count == 2)
        }
    }

    @Test("Tags: a bad tag is 20001 beside the field; the typed tags, the reply being written and its files' names are kept, nothing is saved")
    func badTagKeepsEverything() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try await Self.ticket(app, world)
            let staff = try await SupportWorld.staffBrowser(app, world.taylor)
            try await staff.get("/staff/support/tickets/\(number)")
            let refused = try await staff.postMultipart("/staff/support/tickets/\(number)/tags",
                                                        ["tags": "carrier Bad!Tag", "tags_before": "", "body": "Dear Avery, we found the fault."],
                                                        files: [.init(filename: "trace.txt", data: Data("trace".utf8))])
            #expect(refused.errorCode == 20001)
            FormRedisplayTests.expectInError("comment_tags", in: refused.text)
            #expect(refused.text.contains("\"bad!tag\" is not a tag") || refused.text.contains("&quot;Bad!Tag&quot; is not a tag"))
            #expect(FormRedisplayTests.control("comment_tags", in: refused.text)?.contains("value=\"carrier Bad!Tag\"") == true)
            #expect(FormRedisplayTests.control("comment_body", in: refused.text)?.contains(">Dear Avery, we found the fault.</textarea>") == true)
            #expect(refused.text.contains("You chose trace.txt."))
            #expect(try await Ticket.find(number, on: app.db)?.tags == "")
            #expect(try await Self.events(app, number, action: "tags").isEmpty)

            // A good save keeps the reply being written too.
            let saved = try await staff.postMultipart("/staff/support/tickets/\(number)/tags",
                                                      ["tags": "carrier", "tags_before": "", "body": "Dear Avery, we found the fault."], files: [])
            #expect(saved.errorCode == nil && saved.text.contains("Tags saved."))
            #expect(FormRedisplayTests.control("comment_body", in: saved.text)?.contains(">Dear Avery, we found the fault.</textarea>") == true)
            #expect(FormRedisplayTests.control("comment_tags", in: saved.text)?.contains("value=\"carrier\"") == true)
        }
    }

    @Test("SUP-3 SUP-6: status and priority changes refuse without a reason, beside the reason field, and change nothing")
    func reasonsRequired() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try await Self.ticket(app, world)
            let staff = try await SupportWorld.staffBrowser(app, world.taylor)
            try await staff.get("/staff/support/tickets/\(number)")
            let before = try await TicketEvent.query(on: app.db).filter(\.$ticketNumber == number).count()
            let status = try await staff.post("/staff/support/tickets/\(number)/status", ["status": "on_hold", "reason": "  "])
            #expect(status.errorCode == 20001)
            FormRedisplayTests.expectInError("status_reason", in: status.text)
            #expect(status.text.contains("<option value=\"on_hold\" selected>"), "the chosen status stays chosen")
            let priority = try await staff.post("/staff/support/tickets/\(number)/priority", ["priority": "1", "reason": ""])
            #expect(priority.errorCode == 20001)
            FormRedisplayTests.expectInError("priority_reason", in: priority.text)
            let ticket = try #require(try await Ticket.find(number, on: app.db))
            #expect(ticket.ticketStatus == .new && ticket.priority == 2)
            #expect(try await TicketEvent.query(on: app.db).filter(\.$ticketNumber == number).count() == before)
        }
    }

    @Test("SUP-8: the running target shows its countdown, red and 'breached' once past due; every time is in the viewer's zone with its abbreviation")
    func countdownAndZone() async throws {
        try await withTrustDesk { app in
            app.clock.set(Self.monday)
            let world = try await SupportWorld.make(app)
            // Priority 2: 2 business hours on Taylor's New York calendar, due 16:00 UTC.
            let number = try await Self.ticket(app, world)
            let staff = try await SupportWorld.staffBrowser(app, world.taylor)
            app.clock.advance(by: 40 * 60)
            let running = try await staff.get("/staff/support/tickets/\(number)").text
            #expect(running.contains("<span class=\"countdown\" data-due=\"2026-03-02T16:00:00Z\" data-ticking>in 1 h 20 min</span>"))
            #expect(running.contains("<time datetime=\"2026-03-02T16:00:00Z\">2026-03-02 16:00 UTC</time>"))
            #expect(running.contains("data-now=\"2026-03-02T14:40:00Z\""))
            #expect(running.contains("<script src=\"/scripts/countdown.js\" defer></script>"))

            world.taylor.timeZone = "America/New_York"
            try await world.taylor.save(on: app.db)
            app.clock.advance(by: 92 * 60)
            let late = try await staff.get("/staff/support/tickets/\(number)").text
            #expect(late.contains("<span class=\"countdown breached\" data-due=\"2026-03-02T16:00:00Z\" data-ticking>breached 12 min ago</span>"))
            #expect(late.contains("<time datetime=\"2026-03-02T16:00:00Z\">2026-03-02 11:00 EST</time>"))
            #expect(late.contains("<time datetime=\"2026-03-02T14:00:00Z\">2026-03-02 09:00 EST</time>"), "the description's time too")
            #expect(!late.contains(" UTC</time>"), "no time left in UTC")

            // Once the breach job has run the target reads the same, and no longer ticks.
            #expect(try await app.tickets(now: app.now).breachDue() == 1)
            let breached = try await staff.get("/staff/support/tickets/\(number)").text
            #expect(breached.contains("<span class=\"countdown breached\" data-due=\"2026-03-02T16:00:00Z\">breached 12 min ago</span>"))
        }
    }

    @Test("Tags: eight staff saving tags at once from the same page: one wins, the others get 20011, history has one entry")
    func concurrentTagEdits() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try await Self.ticket(app, world)
            let actor = TicketActor(user: world.taylor)
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for client in 0..<8 {
                    group.addTask {
                        do {
                            try await app.db.transaction { db in
                                let tickets = app.tickets(now: app.now, on: db)
                                try await tickets.changeTags(try await tickets.find(number), from: "", to: "client-\(client)", by: actor)
                            }
                            return "client-\(client)"
                        } catch let error as DomainError {
                            return "\(error.code.rawValue)"
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            let winners = outcomes.filter { $0.hasPrefix("client-") }
            #expect(winners.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0 == "20011" }.count == 7, "\(outcomes)")
            #expect(try await Ticket.find(number, on: app.db)?.tags == winners.first)
            #expect(try await Self.events(app, number, action: "tags").map(\.detail) == ["Tags added \(winners.first ?? "")."])
        }
    }
}
