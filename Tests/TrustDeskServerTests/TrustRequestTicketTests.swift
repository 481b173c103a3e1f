import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Progressive Trust: requests as trust-and-safety tickets, decided from the ticket")
struct TrustRequestTicketTests {
    static func requestsURL(_ customer: TestData.Customer) -> String { "/v1/Accounts/\(customer.account.sid)/MessagingLimits/Requests" }

    /// A more-messages request through the API; returns its ticket number.
    static func apiRequest(_ app: Application, _ customer: TestData.Customer, amount: Int = 5_000) async throws -> Int {
        let created = try await app.testing().sendRequest(.POST, requestsURL(customer), headers: TestData.json(customer.account.sid, customer.authToken),
                                                          body: try TrustTestKit.body(["kind": "more_messages", "amount": amount, "starts_on": "2026-03-02",
                                                                                       "ends_on": "2026-03-08", "reason": "Spring product launch"]))
        #expect(created.status == .created)
        return try #require(created.json["ticket_number"] as? Int)
    }

    @Test("PT-10 SUP-5: a request from the messaging page opens an unassigned trust-and-safety ticket the customer sees and follows")
    func consoleRequestOpensTicket() async throws {
        try await withTrustDesk { app in
            let ada = try await TestData.customer(app, "ada")
            let browser = Browser(app)
            _ = try await browser.signIn("ada")
            try await browser.get("/console/accounts/\(ada.account.sid)/messaging")
            let posted = try await browser.post("/console/accounts/\(ada.account.sid)/messaging/requests", [
                "kind": "more_messages", "amount": "12,000", "starts_on": "2026-03-03", "ends_on": "2026-03-10", "reason": "Election reminders",
            ])
            let request = try #require(try await TrustRequest.query(on: app.db).first())
            let number = try #require(request.ticketNumber)
            #expect(posted.text.contains("ticket #\(number)"))
            let ticket = try #require(try await Ticket.find(number, on: app.db))
            #expect(ticket.groupName == SupportGroup.trustSafety)
            #expect(ticket.assigneeSID == nil)
            #expect(ticket.accountSID == ada.account.sid && ticket.requesterSID == ada.user.sid)
            #expect(ticket.hasSLA)
            #expect(ticket.description.contains("12,000") && ticket.description.contains("Election reminders"))
            let history = try await TicketEvent.query(on: app.db).filter(\.$ticketNumber == number).all()
            #expect(history.contains { $0.action == "routed" && $0.detail.contains("trust-and-safety group") })
            // The customer finds it from the messaging page and in their ticket list.
            let page = try await browser.get("/console/accounts/\(ada.account.sid)/messaging")
            #expect(page.text.contains("href=\"/console/support/tickets/\(number)\""))
            let list = try await browser.get("/console/support")
            #expect(list.text.contains(ticket.subject))
            #expect(try await browser.get("/console/support/tickets/\(number)").status == .ok)
            #expect(try await TestData.mail(app, to: ada.user.email).contains { $0.subject.hasPrefix("[#\(number)] We received your ticket") })
        }
    }

    @Test("PT-10: the API answers with the ticket number; a refused request leaves neither request nor ticket")
    func apiRequestOpensTicket() async throws {
        try await withTrustDesk { app in
            let ada = try await TestData.customer(app, "ada")
            let bad = try await app.testing().sendRequest(.POST, Self.requestsURL(ada), headers: TestData.json(ada.account.sid, ada.authToken),
                                                          body: try TrustTestKit.body(["kind": "more_messages", "amount": 5_000, "starts_on": "2026-03-02",
                                                                                       "ends_on": "2027-03-02", "reason": "All year"]))
            #expect(bad.errorCode == 20001)
            #expect(try await Ticket.query(on: app.db).count() == 0)
            #expect(try await TrustRequest.query(on: app.db).count() == 0)
            let number = try await Self.apiRequest(app, ada)
            let ticket = try #require(try await Ticket.find(number, on: app.db))
            #expect(ticket.groupName == "trust_safety")
            #expect(ticket.requesterEmail == ada.user.email)
            #expect(try await TrustRequest.query(on: app.db).filter(\.$ticketNumber == number).count() == 1)
        }
    }

    @Test("PT-10: trust and safety approve from the ticket: the customer reads the reply, the limit in force changes, the decision is audited; a second decision fails and changes nothing")
    func approveFromTicket() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let ada = try await TestData.customer(app, "ada")
            _ = try await TrustTestKit.batch(app, TrustTestKit.sms(ada.account.sid, count: 1_000))
            let number = try await Self.apiRequest(app, ada)
            let tina = try await TestData.staff(app, "tina", role: .trustSafety)
            let staff = try await SupportWorld.staffBrowser(app, tina)
            let page = try await staff.get("/staff/support/tickets/\(number)")
            #expect(page.text.contains("id=\"trust-request-panel\""))
            #expect(capture(#"id="trust-request-amount">([^<]+)<"#, in: page.text) == "5,000")
            #expect(page.text.contains("id=\"trust-approve-form\"") && page.text.contains("id=\"trust-decline-form\""))
            // The note is required.
            let noNote = try await staff.post("/staff/trust/tickets/\(number)/decide", ["decision": "approve", "limit": "6000", "note": " "])
            #expect(noNote.status == .seeOther)
            #expect(noNote.location == "/staff/support/tickets/\(number)#trust-request-panel")
            let refused = try await staff.get("/staff/support/tickets/\(number)")
            #expect(refused.errorCode == 20001)
            #expect(try await TrustRequest.query(on: app.db).first()?.status == "open")
            // The error was for that one visit: the page opened again is clean.
            #expect(try await staff.get("/staff/support/tickets/\(number)").errorCode == nil)

            let approved = try await staff.post("/staff/trust/tickets/\(number)/decide", [
                "decision": "approve", "limit": "6,000", "starts_on": "2026-03-02", "ends_on": "2026-03-05", "note": "Launch verified with the sales team",
            ])
            #expect(approved.status == .seeOther)
            #expect(approved.location == "/staff/support/tickets/\(number)#trust-request-panel")
            let request = try #require(try await TrustRequest.query(on: app.db).first())
            #expect(request.status == "approved" && request.grantedLimit == 6_000 && request.decidedBy == tina.sid)

            // The limit in force, on this node after the policy poll (every node does the same).
            try await TrustMaintenance.run(app, now: app.now)
            let limits = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(ada.account.sid)/MessagingLimits", headers: TestData.basic(ada.account.sid, ada.authToken))
            #expect(limits.json["daily_limit"] as? Int == 6_000)
            #expect(limits.json["override_active"] as? Bool == true)
            #expect(TrustTestKit.admittedCount(try await TrustTestKit.batch(app, TrustTestKit.sms(ada.account.sid, count: 6_000))) == 5_000)

            // The customer reads the decision on the ticket and got it by mail.
            let customer = Browser(app)
            _ = try await customer.signIn("ada")
            let ticketPage = try await customer.get("/console/support/tickets/\(number)")
            #expect(ticketPage.text.contains("Launch verified with the sales team"))
            #expect(ticketPage.text.contains("6,000 from 2026-03-02 through 2026-03-05"))
            #expect(try await TestData.mail(app, to: ada.user.email).contains { $0.subject == "[#\(number)] New reply: More messages: Ada Inc" })
            let ticket = try #require(try await Ticket.find(number, on: app.db))
            #expect(ticket.ticketStatus == .solved)
            let history = try await TicketEvent.query(on: app.db).filter(\.$ticketNumber == number).all()
            #expect(history.contains { $0.action == "status" && $0.detail.contains("Progressive Trust request approved by Tina") })
            let audit = try await StaffAuditEvent.query(on: app.db).filter(\.$action == "trust_request_approved").all()
            #expect(audit.count == 1)
            #expect(audit.first?.staffUserSID == tina.sid && audit.first?.detail.contains("Launch verified") == true)
            // The panel now shows the decision instead of the forms.
            let after = try await staff.get("/staff/support/tickets/\(number)")
            #expect(after.text.contains("id=\"trust-request-decision\"") && !after.text.contains("id=\"trust-approve-form\""))

            // Deciding again: a conflict, nothing changed.
            let comments = try await TicketComment.query(on: app.db).filter(\.$ticketNumber == number).count()
            let again = try await staff.post("/staff/trust/tickets/\(number)/decide", ["decision": "decline", "note": "Changed my mind"])
            #expect(again.status == .seeOther)
            let conflict = try await staff.get("/staff/support/tickets/\(number)")
            #expect(conflict.status == .conflict)
            #expect(conflict.errorCode == 20011)
            let unchanged = try #require(try await TrustRequest.query(on: app.db).first())
            #expect(unchanged.status == "approved" && unchanged.decisionNote == "Launch verified with the sales team")
            #expect(try await TrustProfile.find(ada.account.sid, on: app.db)?.overrideLimit == 6_000)
            #expect(try await TicketComment.query(on: app.db).filter(\.$ticketNumber == number).count() == comments)
            #expect(try await StaffAuditEvent.query(on: app.db).filter(\.$action ~~ ["trust_request_approved", "trust_request_declined"]).count() == 1)
        }
    }

    @Test("PT-10: a support agent sees the request on the ticket but can't decide it")
    func agentCannotDecide() async throws {
        try await withTrustDesk { app in
            let ada = try await TestData.customer(app, "ada")
            let number = try await Self.apiRequest(app, ada)
            let agent = try await TestData.staff(app, "sam", role: .agent)
            let staff = try await SupportWorld.staffBrowser(app, agent)
            let page = try await staff.get("/staff/support/tickets/\(number)")
            #expect(page.text.contains("id=\"trust-request-panel\""))
            #expect(!page.text.contains("id=\"trust-approve-form\""))
            #expect(page.text.contains("id=\"trust-request-no-decide\""))
            let tried = try await staff.post("/staff/trust/tickets/\(number)/decide", ["decision": "approve", "limit": "9000", "note": "Looks fine"])
            #expect(tried.errorCode == 20006)
            #expect(try await TrustRequest.query(on: app.db).first()?.status == "open")
            #expect(try await TrustProfile.find(ada.account.sid, on: app.db)?.overrideLimit == nil)
        }
    }

    @Test("PT-10: a declined score review tells the customer on the ticket and leaves the score as it was; the requests page links to the ticket")
    func declineScoreReview() async throws {
        try await withTrustDesk { app in
            let ada = try await TestData.customer(app, "ada")
            let created = try await app.testing().sendRequest(.POST, Self.requestsURL(ada), headers: TestData.json(ada.account.sid, ada.authToken),
                                                              body: try TrustTestKit.body(["kind": "score_review", "reason": "Double opt-in everywhere"]))
            let number = try #require(created.json["ticket_number"] as? Int)
            let before = try await TrustProfile.find(ada.account.sid, on: app.db)?.score
            let lead = try await TestData.staff(app, "lee", role: .trustSafetyLead)
            let staff = try await SupportWorld.staffBrowser(app, lead)
            let overview = try await staff.get("/staff/trust")
            #expect(overview.text.contains("href=\"/staff/support/tickets/\(number)\""))
            let page = try await staff.get("/staff/support/tickets/\(number)")
            #expect(page.text.contains("id=\"approve_score\""))
            let declined = try await staff.post("/staff/trust/tickets/\(number)/decide", ["decision": "decline", "note": "The account is only three weeks old"])
            #expect(declined.status == .seeOther)
            let request = try #require(try await TrustRequest.query(on: app.db).first())
            #expect(request.status == "declined")
            #expect(try await TrustProfile.find(ada.account.sid, on: app.db)?.score == before)
            #expect(try await TrustProfile.find(ada.account.sid, on: app.db)?.overrideScore == nil)
            let reply = try await TicketComment.query(on: app.db).filter(\.$ticketNumber == number).filter(\.$isPublic == true).all()
            #expect(reply.contains { $0.body.contains("kept it as it is") && $0.body.contains("three weeks old") })
            #expect(try await StaffAuditEvent.query(on: app.db).filter(\.$action == "trust_request_declined").count() == 1)
        }
    }
}
