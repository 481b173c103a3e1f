import Fluent
import SQLKit
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("PRV-2: the privacy overview's row counts")
struct PrivacyOverviewCountTests {
    /// Every row `SubjectRows.condition` selects, counted the slow way: what export and erasure read.
    static func everyRow(_ app: Application, _ inventory: TableInventory, _ subject: DataSubject) async throws -> Int {
        guard let condition = SubjectRows.condition(inventory, subject) else { return 0 }
        return try await app.db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: inventory.table) WHERE \(condition)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    @Test("PRV-2: each table's count equals its rows of the subject (capped), read from either side of a ticket link, a row reached twice counted once")
    func countsMatchTheRows() async throws {
        try await withTrustDesk { app in
            let owner = try await TestData.customer(app, "avery")
            let casey = try await TestData.teammate(app, "casey", role: .developer, on: owner.account)
            let other = try await TestData.customer(app, "harper")
            let tickets = app.tickets(now: app.now)
            // Casey's ticket is reached by the organisation and by its requester; Casey's comments
            // on Avery's tickets by their author and by the organisation.
            for (index, (customer, actor)) in [(owner.account, owner.user), (owner.account, casey), (owner.account, owner.user),
                                                (other.account, other.user)].enumerated() {
                let ticket = try await tickets.open(
                    NewTicket(subject: "Question \(index)", description: "Details \(index)", priority: "3", intake: IntakeForm(product: .other)),
                    about: customer, by: TicketActor(user: actor)).ticket
                _ = try await tickets.reply(to: ticket, by: TicketActor(user: actor), body: "More \(index)", isPublic: true)
                if actor.sid != casey.sid, customer.sid == owner.account.sid {
                    _ = try await tickets.reply(to: ticket, by: TicketActor(user: casey), body: "Casey adds \(index)", isPublic: true)
                }
            }
            let subjects = [
                DataSubject(accountSIDs: [owner.account.sid], userSIDs: [owner.user.sid], emails: [owner.user.email]),
                DataSubject(userSIDs: [casey.sid], emails: [casey.email]),
                DataSubject(accountSIDs: [other.account.sid], userSIDs: [other.user.sid], emails: [other.user.email]),
            ]
            let sql = try app.db.sql
            let tables = PrivacyInventory.tables.filter(\.holdsPersonalData)
            var checked = 0
            for subject in subjects {
                var rows: [Int] = []
                for inventory in tables { rows.append(try await Self.everyRow(app, inventory, subject)) }
                for cap in [1000, 1] {
                    // All tables in one statement, as the overview counts them, and each table alone.
                    let tableSide = try await SubjectRowCount(sql: sql).counts(tables, of: subject, upTo: cap)
                    let ticketSide = try await SubjectRowCount(sql: sql, smallTable: 0).counts(tables, of: subject, upTo: cap)
                    for (index, inventory) in tables.enumerated() {
                        let expected = min(rows[index], cap + 1)
                        let alone = try await SubjectRowCount(sql: sql).counts([inventory], of: subject, upTo: cap)
                        #expect(tableSide[index] == expected, "\(inventory.table), cap \(cap), read from the table")
                        #expect(ticketSide[index] == expected, "\(inventory.table), cap \(cap), read from the tickets")
                        #expect(alone == [expected], "\(inventory.table), cap \(cap), counted alone")
                    }
                }
                checked += rows.filter { $0 > 1 }.count
            }
            #expect(checked >= 4, "several tables hold more than one row of a subject, so the caps were exercised")
            let caseyComments = try await Self.everyRow(app, TicketComment.inventory, subjects[1])
            #expect(caseyComments >= 3, "Casey's comments reach by author and by Casey's own ticket, each once")
        }
    }

    @Test("PRV-2: the overview page says 'more than 1,000' only past 1,000 rows and lists the tickets a person holds")
    func overviewPage() async throws {
        try await withTrustDesk { app in
            let owner = try await TestData.customer(app, "avery")
            _ = try await app.tickets(now: app.now).open(
                NewTicket(subject: "Avery's question", description: "Details", priority: "3", intake: IntakeForm(product: .other)),
                about: owner.account, by: TicketActor(user: owner.user))
            let browser = try await PrivacyTestKit.signedIn(app, "avery")
            let page = try await browser.get("/console/privacy")
            #expect(page.status == .ok)
            #expect(page.text.contains("tickets"))
            #expect(!page.text.contains("more than 1,000"))
        }
    }
}
