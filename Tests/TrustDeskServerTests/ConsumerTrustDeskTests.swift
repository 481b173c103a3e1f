import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// Opens a ticket on `topic` (nil: an ordinary support ticket) for a customer.
private func openCase(_ app: Application, _ customer: TestData.Customer, topic: ConsumerTrustTopic?, subject: String) async throws -> Int {
    try await app.db.transaction { db in
        try await app.tickets(now: app.now, on: db).open(
            NewTicket(subject: subject, description: "Please look at our account.", priority: "3", topic: topic?.rawValue ?? "",
                      intake: IntakeForm(product: .other)),
            about: customer.account, by: TicketActor(user: customer.user)
        ).ticket.number
    }
}

@Suite("SUP-15: the Consumer Trust desk")
struct ConsumerTrustDeskTests {
    @Test("SUP-15: the desk lists open Consumer Trust cases by type, oldest first, with counts per type and a type filter")
    func desk() async throws {
        try await withTrustDesk { app in
            let ada = try await TestData.customer(app, "ada")
            let takeover = try await openCase(app, ada, topic: .accountTakeover, subject: "Someone took over our account")
            app.clock.advance(by: 60)
            let dormant = try await openCase(app, ada, topic: .dormantReactivation, subject: "Please reactivate us")
            app.clock.advance(by: 60)
            let laterTakeover = try await openCase(app, ada, topic: .accountTakeover, subject: "Second takeover report")
            let ordinary = try await openCase(app, ada, topic: nil, subject: "SMS delivery question")

            let (staff, _) = try await StandingTestKit.staffBrowser(app, role: .consumerTrust)
            let console = try await staff.get("/staff/support")
            #expect(console.text.contains("href=\"/staff/consumer-trust\""), "the desk is linked from the staff navigation")
            let all = try await staff.get("/staff/consumer-trust")
            #expect(all.status == .ok)
            #expect(all.text.contains("<span id=\"count-account_takeover\">2</span>"))
            #expect(all.text.contains("<span id=\"count-dormant_reactivation\">1</span>"))
            #expect(all.text.contains("<span id=\"count-vetting_review\">0</span>"))
            #expect(!all.text.contains("SMS delivery question"), "ordinary tickets are not Consumer Trust cases (#\(ordinary))")
            let first = try #require(all.text.range(of: "tickets/\(takeover)\""))
            let second = try #require(all.text.range(of: "tickets/\(dormant)\""))
            let third = try #require(all.text.range(of: "tickets/\(laterTakeover)\""))
            #expect(first.lowerBound < second.lowerBound && second.lowerBound < third.lowerBound, "oldest first: there is no SLA")

            let filtered = try await staff.get("/staff/consumer-trust?topic=account_takeover")
            #expect(filtered.text.contains("Someone took over our account") && filtered.text.contains("Second takeover report"))
            #expect(!filtered.text.contains("Please reactivate us"))

            let bad = try await staff.get("/staff/consumer-trust?topic=everything")
            #expect(bad.errorCode == 20001)
            #expect(bad.text.contains("is not a Consumer Trust topic"))

            let customer = try await StandingTestKit.customerBrowser(app, "ada")
            #expect(try await customer.get("/staff/consumer-trust").status == .notFound, "customers don't see the desk")
        }
    }

    @Test("SUP-15: the desk pages through its cases by ticket number")
    func paging() async throws {
        try await withTrustDesk { app in
            let bo = try await TestData.customer(app, "bo")
            var numbers: [Int] = []
            for index in 0..<(ConsumerTrustDeskController.pageSize + 2) {
                numbers.append(try await openCase(app, bo, topic: .exposedCredentials, subject: "Leak report \(index)"))
            }
            let (staff, _) = try await StandingTestKit.staffBrowser(app, role: .consumerTrust)
            let first = try await staff.get("/staff/consumer-trust?topic=exposed_credentials")
            #expect(first.text.contains("Leak report 0<"))
            #expect(!first.text.contains("Leak report \(ConsumerTrustDeskController.pageSize)<"))
            let next = try #require(capture(#"id="desk-next" href="([^"]+)""#, in: first.text)).replacingOccurrences(of: "&amp;", with: "&")
            let second = try await staff.get(next)
            #expect(second.text.contains("Leak report \(ConsumerTrustDeskController.pageSize)<"))
            #expect(second.text.contains("Leak report \(ConsumerTrustDeskController.pageSize + 1)<"))
            #expect(!second.text.contains("Leak report 0<"))
            #expect(!second.text.contains("id=\"desk-next\""))
        }
    }

    @Test("STD-3: the ticket shows the account's standing; a review is decided there with a justification, posted as a public reply and recorded")
    func decideOnTicket() async throws {
        try await withTrustDesk { app in
            let cy = try await TestData.customer(app, "cy")
            try await StandingTestKit.apply(app, StandingDecision(to: .dormant, reason: .dormancy, decider: .rule(StandingRule.dormancy),
                                                                  evidence: "No usage for 180 days."), to: cy.account)
            app.clock.advance(by: 60)
            let customer = try await StandingTestKit.customerBrowser(app, "cy")
            try await customer.get("/console/accounts/\(cy.account.sid)/standing")
            _ = try await customer.post("/console/accounts/\(cy.account.sid)/standing/review", ["message": "We still need this account."])
            let review = try #require(try await ReviewRequest.query(on: app.db).first())
            let number = try #require(review.ticketNumber)
            #expect(try await Ticket.find(number, on: app.db)?.topic == "dormant_reactivation")

            let (agent, _) = try await StandingTestKit.staffBrowser(app, role: .agent)
            let agentView = try await agent.get("/staff/support/tickets/\(number)")
            #expect(agentView.text.contains("id=\"standing-panel\""))
            #expect(agentView.text.contains("id=\"panel-no-actions\""))
            #expect(!agentView.text.contains("id=\"panel-review-form\""), "support agents don't decide reviews")

            let (ct, ctUser) = try await StandingTestKit.staffBrowser(app, role: .consumerTrust)
            let page = try await ct.get("/staff/support/tickets/\(number)")
            #expect(page.text.contains("<dd id=\"panel-standing\" data-standing=\"dormant\">Dormant</dd>"))
            #expect(page.text.contains("No usage for 180 days.") && page.text.contains("Automated: dormancy check"))
            #expect(!page.text.contains("rule:dormancy"), "who decided is named, not coded")
            #expect(page.text.contains("id=\"panel-actions\"") && page.text.contains("<li>Reinstate</li>"))
            #expect(page.text.contains("id=\"panel-review-form\"") && page.text.contains("We still need this account."))

            let missing = try await ct.post("/staff/support/tickets/\(number)/standing-review", ["decision": "reinstate", "justification": "ok"])
            #expect(missing.errorCode == 20309)
            #expect(missing.text.contains("id=\"panel-justification-error\""), "the error sits beside the justification")
            #expect(missing.text.contains(">ok</textarea>"), "what the reviewer typed is kept")
            #expect(try await StandingTestKit.reload(app, cy.account).standing == "dormant")

            let done = try await ct.post("/staff/support/tickets/\(number)/standing-review",
                                         ["decision": "reinstate", "justification": "The customer confirmed monthly usage."])
            #expect(done.status == .seeOther || done.status == .found)
            #expect(done.location == "/staff/support/tickets/\(number)#standing-panel")
            #expect(try await StandingTestKit.reload(app, cy.account).standing == "active")
            let record = try #require(try await StandingTestKit.records(app, cy.account).last)
            #expect(record.reason == "reinstated" && record.decidedBy == ctUser.sid && record.justification == "The customer confirmed monthly usage.")
            #expect(try await ReviewRequest.find(review.id, on: app.db)?.status == "reinstated")
            #expect(try await Ticket.find(number, on: app.db)?.status == "solved", "the decided case leaves the desk")
            #expect(!(try await ct.get("/staff/consumer-trust").text.contains("tickets/\(number)\"")))
            let audit = try await StaffAuditEvent.query(on: app.db).filter(\.$staffUserSID == ctUser.sid).filter(\.$action == "standing_reinstated").count()
            #expect(audit == 1)

            let after = try await ct.get("/staff/support/tickets/\(number)")
            #expect(after.text.contains("<dd id=\"panel-standing\" data-standing=\"active\">Active</dd>"))
            #expect(after.text.contains("\(ctUser.fullName) (Consumer Trust)"), "the history names who decided, with their role")
            #expect(!after.text.contains("id=\"panel-review-form\""))
            let customerTicket = try await customer.get("/console/support/tickets/\(number)")
            #expect(customerTicket.text.contains("reinstated it") && customerTicket.text.contains("The customer confirmed monthly usage."))
            #expect(try await TestData.mail(app, to: cy.user.email).contains { $0.body.contains("The customer confirmed monthly usage.") })

            let twice = try await ct.post("/staff/support/tickets/\(number)/standing-review", ["decision": "uphold", "justification": "Trying to decide again."])
            #expect(twice.errorCode == 20011 && twice.text.contains("no open review request"))
        }
    }
}
