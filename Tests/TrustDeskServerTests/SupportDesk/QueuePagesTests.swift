import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Queues staff can work from: columns, filters, search, order, paging and alerts")
struct QueuePagesTests {
    /// The ticket numbers of the queue rows, in page order.
    static func rows(_ html: String) -> [Int] {
        let regex = try? NSRegularExpression(pattern: #"<tr data-number="(\d+)">"#)
        let range = NSRange(html.startIndex..., in: html)
        return (regex?.matches(in: html, range: range) ?? []).compactMap { match in
            Range(match.range(at: 1), in: html).flatMap { Int(html[$0]) }
        }
    }

    /// Opens `count` tickets for `customer`, cycling through products and priorities.
    static func open(_ app: Application, _ customer: TestData.Customer, count: Int, subject: String) async throws -> [Int] {
        let products = ["voice", "messaging", "video"]
        var numbers: [Int] = []
        for index in 0..<count {
            let response = try await SupportWorld.apiTicket(app, customer, [
                "subject": "\(subject) \(index)", "description": "Seen since this morning.",
                "product": products[index % products.count], "priority": index % 3 + 1,
            ])
            #expect(response.status == .created, "\(response.text)")
            numbers.append(try #require(response.json["number"] as? Int))
            app.clock.advance(by: 60)
        }
        return numbers
    }

    @Test("Queues: the rows of every filter, search and order are exactly the tickets a brute-force filter finds, in that order")
    func filtersMatchBruteForce() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(SupportWorld.mondayNight)
            _ = try await Self.open(app, world.acme, count: 7, subject: "Acme delivery delayed")
            _ = try await Self.open(app, world.harbor, count: 6, subject: "Harbor webhook retries")
            let admin = try await SupportWorld.staffBrowser(app, world.admin)
            let all = try await Ticket.query(on: app.db).filter(\.$unsolved == true).all()
            let byUpdated = all.sorted { ($0.updatedAt, $0.number) > ($1.updatedAt, $1.number) }
            let cases: [(String, (Ticket) -> Bool)] = [
                ("", { _ in true }),
                ("&product=voice", { $0.product == "voice" }),
                ("&priority=1&plan=standard", { $0.priority == 1 && $0.plan == "standard" }),
                ("&assignee=none", { $0.assigneeSID == nil }),
                ("&assignee=\(world.taylor.sid)", { $0.assigneeSID == world.taylor.sid }),
                ("&q=DELIVERY+delayed", { $0.subject.lowercased().contains("delivery delayed") }),
                ("&q=\(world.harbor.user.email)", { $0.requesterEmail.lowercased() == world.harbor.user.email.lowercased() }),
                ("&q=%23\(all[0].number)", { $0.number == all[0].number }),
                ("&status=new&product=messaging", { $0.status == "new" && $0.product == "messaging" }),
            ]
            for (query, keep) in cases {
                let page = try await admin.get("/staff/support?queue=all\(query)")
                #expect(page.status == .ok, "\(query)")
                #expect(Self.rows(page.text) == byUpdated.filter(keep).map(\.number), "\(query)")
            }
            let byPriority = all.sorted { ($0.priority, $0.number) < ($1.priority, $1.number) }
            #expect(Self.rows(try await admin.get("/staff/support?queue=all&sort=priority").text) == byPriority.map(\.number))
            // Due order: every ticket that owes a response, soonest first, by its earliest running target.
            var dues: [Int: Date] = [:]
            for record in try await TicketSLARecord.query(on: app.db).filter(\.$status == SLAStatus.active.rawValue).all() {
                guard let due = record.dueAt else { continue }
                dues[record.ticketNumber] = min(dues[record.ticketNumber] ?? due, due)
            }
            let byDue = all.compactMap { ticket in dues[ticket.number].map { (ticket.number, $0) } }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
            #expect(!byDue.isEmpty)
            let duePage = try await admin.get("/staff/support?queue=all&sort=due&product=voice").text
            let voice = Set(all.filter { $0.product == "voice" }.map(\.number))
            #expect(Self.rows(duePage) == byDue.map(\.0).filter(voice.contains))
            #expect(duePage.contains("sorted by due: tickets that owe no response are not listed in this order"))
            #expect(!Self.rows(try await admin.get("/staff/support?queue=all&assignee=none").text).isEmpty, "the standard plan's tickets wait unassigned")
        }
    }

    @Test("Queues: each row shows requester, organisation, product, assignee and a due countdown, also for unassigned tickets; the queue links count their tickets")
    func columnsAndCounts() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(SupportWorld.mondayNight)
            let numbers = try await Self.open(app, world.harbor, count: 1, subject: "Harbor webhook retries")
            let ticket = try #require(try await Ticket.find(numbers[0], on: app.db))
            #expect(ticket.assigneeSID == nil)
            let target = try #require(try await TicketSLARecord.query(on: app.db).filter(\.$ticketNumber == ticket.number).filter(\.$dueAt != nil).first())
            let due = try #require(target.dueAt)
            let admin = try await SupportWorld.staffBrowser(app, world.admin)
            let page = try await admin.get("/staff/support?queue=unassigned").text
            let countdown = DueCountdown(due: due, now: app.now)
            #expect(page.contains("<span class=\"due\" title=\"\(DateDisplay.local(due))\">\(countdown.text)</span>") || page.contains(countdown.text))
            #expect(page.contains("Blue Harbor"), "the organisation by name")
            #expect(page.contains(world.harbor.user.email))
            #expect(page.contains("Voice"))
            #expect(page.contains("id=\"queue-unassigned\" href=\"/staff/support?queue=unassigned\" aria-current=\"page\">Unassigned <span class=\"count\">1</span>"))
            // Past the due time the same row says it is breached, in the breached style.
            app.clock.set(due.addingTimeInterval(25 * 60))
            let late = try await admin.get("/staff/support?queue=all").text
            #expect(late.contains("class=\"due-breached\""))
            #expect(late.contains("breached 25 min ago"))
        }
    }

    @Test("Queues: an unknown filter value is 20001 beside that filter, the other filters still apply; a search over 200 characters is 20001 beside the box")
    func badInput() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(SupportWorld.mondayNight)
            _ = try await Self.open(app, world.harbor, count: 6, subject: "Harbor webhook retries")
            let admin = try await SupportWorld.staffBrowser(app, world.admin)
            let page = try await admin.get("/staff/support?queue=all&status=urgent&product=voice")
            #expect(page.status == .badRequest)
            #expect(page.text.contains("id=\"status-error\""))
            #expect(page.text.contains("aria-describedby=\"status-error\" aria-invalid=\"true\""))
            #expect(page.text.contains("20001"))
            #expect(page.text.contains("<option value=\"urgent\" selected>urgent (not a choice)</option>"), "what was asked is kept")
            let voice = try await Ticket.query(on: app.db).filter(\.$product == "voice").sort(\.$updatedAt, .descending).all()
            #expect(Self.rows(page.text) == voice.map(\.number), "the product filter still applies")
            #expect(page.text.contains("<option value=\"voice\" selected>"))

            let long = String(repeating: "x", count: 201)
            let search = try await admin.get("/staff/support?queue=all&q=\(long)")
            #expect(search.status == .badRequest)
            #expect(search.text.contains("id=\"q-error\""))
            #expect(search.text.contains("value=\"\(long)\""), "the search is shown as typed")
            #expect(Self.rows(search.text).count == 6, "the queue still shows")

            let forged = try await admin.get("/staff/support?queue=all&sort=priority&after=abc")
            #expect(forged.status == .badRequest)
            #expect(forged.text.contains("id=\"after-error\""))
        }
    }

    @Test("Queues: the next page starts after the last row in each order, so 60 tickets read as 50 then 10, none twice")
    func keysetPaging() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(SupportWorld.mondayNight)
            _ = try await Self.open(app, world.harbor, count: 60, subject: "Harbor webhook retries")
            let admin = try await SupportWorld.staffBrowser(app, world.admin)
            for order in ["updated", "priority", "due"] {
                let first = try await admin.get("/staff/support?queue=all&sort=\(order)").text
                let firstRows = Self.rows(first)
                #expect(firstRows.count == 50)
                let link = try #require(first.range(of: #"id="next-page" href="([^"]+)""#, options: .regularExpression).map { String(first[$0]) })
                let href = String(link.dropFirst(#"id="next-page" href=""#.count).dropLast()).replacingOccurrences(of: "&amp;", with: "&")
                let second = try await admin.get(href).text
                let secondRows = Self.rows(second)
                #expect(secondRows.count == 10, "\(order)")
                #expect(Set(firstRows + secondRows).count == 60, "\(order): no ticket twice, none skipped")
                #expect(!second.contains("id=\"next-page\""))
            }
        }
    }

    @Test("Queues: staff dismiss their own alerts; someone else's alert is not found")
    func dismissAlerts() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(SupportWorld.fridayEvening)
            _ = try await Self.open(app, world.acme, count: 1, subject: "Acme delivery delayed")
            let alert = try #require(try await SupportAlert.query(on: app.db).filter(\.$userSID == world.taylor.sid).first())
            let id = try #require(alert.id).uuidString.lowercased()
            let taylor = try await SupportWorld.staffBrowser(app, world.taylor)
            let queue = try await taylor.get("/staff/support")
            #expect(queue.text.contains("action=\"/staff/support/alerts/\(id)/dismiss\""))
            let admin = try await SupportWorld.staffBrowser(app, world.admin)
            try await admin.get("/staff/support")
            #expect(try await admin.post("/staff/support/alerts/\(id)/dismiss").status == .notFound)
            #expect(try await SupportAlert.find(alert.id, on: app.db) != nil)
            let dismissed = try await taylor.post("/staff/support/alerts/\(id)/dismiss")
            #expect(dismissed.status == .seeOther)
            #expect(try await SupportAlert.find(alert.id, on: app.db) == nil)
            #expect(!(try await taylor.get("/staff/support")).text.contains("id=\"support-alerts\""))
        }
    }

    @Test("SUP-8: a breached ticket stays due, in red and at the top of the due order, until staff answer it in public")
    func breachStaysUntilAnswered() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(SupportWorld.mondayNight)
            let numbers = try await Self.open(app, world.acme, count: 3, subject: "Acme delivery delayed")
            let first = try #require(try await Ticket.find(numbers[0], on: app.db))
            let due = try #require(first.nextDueAt)
            #expect(try await TicketSLARecord.query(on: app.db).filter(\.$ticketNumber == first.number).first()?.dueAt == due)
            app.clock.set(due.addingTimeInterval(10 * 60))
            await JobScheduler.runOnce(SupportJobs.slaBreach, application: app, holder: "test", now: app.now, logger: app.logger)
            #expect(try await TicketSLARecord.query(on: app.db).filter(\.$ticketNumber == first.number).first()?.status == "breached")
            let admin = try await SupportWorld.staffBrowser(app, world.admin)
            let breaching = try await admin.get("/staff/support?queue=breaching").text
            #expect(Self.rows(breaching).first == first.number, "the breach leads the breaching queue")
            #expect(breaching.contains("breached 10 min ago"))
            #expect(breaching.contains("data-due=\"\(DateDisplay.iso(due))\""))
            // A public reply answers it: the ticket owes nothing and leaves the due order.
            let staff = try await SupportWorld.staffBrowser(app, world.taylor)
            try await staff.get("/staff/support/tickets/\(first.number)")
            try await app.tickets(now: app.now).reply(to: first, by: TicketActor(user: world.taylor), body: "On it.", isPublic: true)
            #expect(try await Ticket.find(first.number, on: app.db)?.nextDueAt == nil)
            #expect(!Self.rows(try await admin.get("/staff/support?queue=all&sort=due").text).contains(first.number))
            #expect(!Self.rows(try await admin.get("/staff/support?queue=breaching").text).contains(first.number))
        }
    }

    @Test("Customer tickets: requester and the usual columns; filters and search match a brute-force filter of the organisation's tickets; a bad filter is 20001 beside it")
    func customerList() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(SupportWorld.mondayNight)
            _ = try await Self.open(app, world.acme, count: 6, subject: "Acme delivery delayed")
            _ = try await Self.open(app, world.harbor, count: 3, subject: "Harbor webhook retries")
            let customer = try await SupportWorld.customerBrowser(app, world.acme.user.username)
            let mine = try await Ticket.query(on: app.db).filter(\.$organisationSID == world.acme.account.sid).sort(\.$id, .descending).all()
            let page = try await customer.get("/console/support")
            #expect(page.status == .ok)
            #expect(Self.rows(page.text) == mine.map(\.number), "only the organisation's own tickets, newest first")
            #expect(page.text.contains("<th scope=\"col\">Requester</th>"))
            #expect(page.text.contains(world.acme.user.fullName))
            let cases: [(String, (Ticket) -> Bool)] = [
                ("product=voice", { $0.product == "voice" }),
                ("priority=1", { $0.priority == 1 }),
                ("q=delivery+DELAYED+3", { $0.subject.lowercased().contains("delivery delayed 3") }),
                ("q=%23\(mine[2].number)", { $0.number == mine[2].number }),
            ]
            for (query, keep) in cases {
                let filtered = try await customer.get("/console/support?\(query)")
                #expect(filtered.status == .ok, "\(query)")
                #expect(Self.rows(filtered.text) == mine.filter(keep).map(\.number), "\(query)")
            }
            let harbor = try await Ticket.query(on: app.db).filter(\.$organisationSID == world.harbor.account.sid).first()
            #expect(Self.rows(try await customer.get("/console/support?q=%23\(try #require(harbor).number)").text).isEmpty,
                    "another organisation's ticket number finds nothing")
            let bad = try await customer.get("/console/support?status=urgent&product=voice")
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("id=\"status-error\""))
            #expect(bad.text.contains("20001"))
            #expect(Self.rows(bad.text) == mine.filter { $0.product == "voice" }.map(\.number), "the product filter still applies")
        }
    }

    @Test("Queues: the queue links' counts are kept for at most 10 seconds per node; the rows are always current")
    func countsLagAtMostTenSeconds() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(SupportWorld.mondayNight)
            _ = try await Self.open(app, world.harbor, count: 1, subject: "Harbor webhook retries")
            let admin = try await SupportWorld.staffBrowser(app, world.admin)
            let link = { (count: Int) in "href=\"/staff/support?queue=unassigned\" aria-current=\"page\">Unassigned <span class=\"count\">\(count)</span>" }
            #expect(try await admin.get("/staff/support?queue=unassigned").text.contains(link(1)))
            let numbers = try await Self.open(app, world.harbor, count: 1, subject: "Harbor webhook retries")
            app.clock.set(app.now.addingTimeInterval(-60 + 9))  // `open` moved the clock a minute on
            let soon = try await admin.get("/staff/support?queue=unassigned").text
            #expect(soon.contains(link(1)), "within 10 s the count is the one already read")
            #expect(Self.rows(soon).contains(numbers[0]), "the rows are read fresh")
            app.clock.advance(by: 1)
            #expect(try await admin.get("/staff/support?queue=unassigned").text.contains(link(2)))
        }
    }
}
