import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// After a refused form, every field shows what was typed (never a password), each problem
/// sits beside its field, and the summary at the top lists them all with links to the fields.
@Suite("Forms keep what was typed and say what is wrong beside each field")
struct FormRedisplayTests {
    /// The input or textarea of `field` in `html`: its opening tag and, for a textarea, its text.
    static func control(_ field: String, in html: String) -> String? {
        capture(#"(<(?:input|select|textarea)[^>]*\bid=""# + NSRegularExpression.escapedPattern(for: field) + #""[^>]*>(?:[^<]*</textarea>)?)"#, in: html)
    }

    static func expectInError(_ field: String, in html: String, _ comment: Comment? = nil) {
        let tag = control(field, in: html) ?? ""
        #expect(tag.contains("aria-invalid=\"true\""), comment)
        #expect(tag.contains("aria-describedby=\"\(field)-error\""), comment)
        #expect(html.contains("id=\"\(field)-error\""), comment)
        #expect(html.contains("href=\"#\(field)\""), "the summary links to \(field)")
    }

    @Test("ACC-3: sign-up shows every problem at once and keeps every field but the password")
    func signUp() async throws {
        try await withTrustDesk { app in
            let browser = Browser(app)
            try await browser.get("/signup")
            let page = try await browser.post("/signup", [
                "full_name": "Ada <Lovelace>", "email": "not-an-email", "username": "x", "password": "short",
                "account_name": "Analytical Engines", "country": "GB", "phone": "+44 555 010 0199",
            ])
            #expect(page.status == .badRequest)
            let html = page.text
            for field in ["email", "username", "password"] { Self.expectInError(field, in: html, "\(field) is wrong") }
            #expect(html.contains("3 problems need your attention"))
            #expect(Self.control("full_name", in: html)?.contains("value=\"Ada &lt;Lovelace&gt;\"") == true, "typed text is kept, escaped")
            #expect(Self.control("account_name", in: html)?.contains("value=\"Analytical Engines\"") == true)
            #expect(Self.control("country", in: html)?.contains("value=\"GB\"") == true)
            #expect(Self.control("phone", in: html)?.contains("value=\"+44 555 010 0199\"") == true)
            #expect(Self.control("email", in: html)?.contains("value=\"not-an-email\"") == true, "the bad value is kept too, to be corrected")
            #expect(!html.contains("short"), "a password is never echoed")
            #expect(!(Self.control("full_name", in: html)?.contains("aria-invalid") ?? true))
            #expect(try await Registration.query(on: app.db).count() == 0)
        }
    }

    @Test("A form's first visit shows empty fields and no errors")
    func firstVisit() async throws {
        try await withTrustDesk { app in
            let page = try await Browser(app).get("/signup")
            #expect(Self.control("full_name", in: page.text)?.contains("value=\"\"") == true)
            #expect(!page.text.contains("field-error"))
            #expect(!page.text.contains("error-summary"))
        }
    }

    @Test("SUP-12: the new-ticket form keeps every field, re-selects its choices and names the files to choose again")
    func newTicket() async throws {
        try await withTrustDesk { app in
            let ada = try await TestData.customer(app, "ada")
            let browser = try await StandingTestKit.customerBrowser(app, "ada")
            try await browser.get("/console/support/new?product=messaging")
            let page = try await browser.postMultipart("/console/support/tickets", [
                "product": "messaging", "account_sid": ada.account.sid, "topic": "", "priority": "2", "subject": "",
                "description": "Messages to +1 555 010 0100 are delayed.", "sids": "SM0123456789abcdef0123456789abcdef",
                "oldest_example_hours_ago": "5", "direction": "outbound",
            ], files: [Browser.Upload(filename: "carrier-log.txt", contentType: "text/plain", data: Data("log line".utf8))])
            #expect(page.status == .badRequest)
            let html = page.text
            Self.expectInError("subject", in: html)
            #expect(html.contains("<option value=\"outbound\" selected>"), "Inbound or outbound? keeps its choice")
            #expect(html.contains("<option value=\"2\" selected>"), "the priority keeps its choice")
            #expect(html.contains("<option value=\"\(ada.account.sid)\" selected>"))
            #expect(html.contains("Messages to +1 555 010 0100 are delayed.</textarea>"))
            #expect(Self.control("oldest_example_hours_ago", in: html)?.contains("value=\"5\"") == true)
            #expect(html.contains("SM0123456789abcdef0123456789abcdef</textarea>"))
            #expect(html.contains("You chose carrier-log.txt"), "the file input says which file to choose again")
            #expect(try await Ticket.query(on: app.db).count() == 0)
        }
    }

    @Test("SUP-12: problems found by the ticket's own checks and by the form show together")
    func newTicketAllProblems() async throws {
        try await withTrustDesk { app in
            let ada = try await TestData.customer(app, "ada")
            let browser = try await StandingTestKit.customerBrowser(app, "ada")
            try await browser.get("/console/support/new?product=voice")
            let page = try await browser.post("/console/support/tickets", [
                "product": "voice", "account_sid": ada.account.sid, "priority": "9", "subject": "Choppy audio",
                "description": "", "sids": "CAnope", "oldest_example_hours_ago": "soon", "countries": "US, GB",
            ])
            let html = page.text
            for field in ["priority", "description", "sids", "oldest_example_hours_ago", "countries"] {
                Self.expectInError(field, in: html, "\(field) is wrong")
            }
            #expect(Self.control("subject", in: html)?.contains("value=\"Choppy audio\"") == true)
        }
    }

    @Test("PT-10: the messaging-limit request keeps the reason, the amount and the choice")
    func messagingRequest() async throws {
        try await withTrustDesk { app in
            let ada = try await TestData.customer(app, "ada")
            let browser = try await StandingTestKit.customerBrowser(app, "ada")
            try await browser.get("/console/accounts/\(ada.account.sid)/messaging")
            let page = try await browser.post("/console/accounts/\(ada.account.sid)/messaging/requests", [
                "kind": "more_messages", "amount": "12,000", "starts_on": "2026-03-03", "ends_on": "someday", "reason": "Election reminders",
            ])
            #expect(page.status == .badRequest)
            let html = page.text
            Self.expectInError("ends_on", in: html)
            #expect(html.contains("Election reminders</textarea>"))
            #expect(Self.control("amount", in: html)?.contains("value=\"12,000\"") == true)
            #expect(Self.control("starts_on", in: html)?.contains("value=\"2026-03-03\"") == true)
            #expect(html.contains("<option value=\"more_messages\" selected>"))
            #expect(try await TrustRequest.query(on: app.db).count() == 0)
        }
    }

    @Test("SUP-6: a staff form's problems show beside that form only, on a page with several forms of the same field names")
    func staffTicketForms() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let created = try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(now: app.now))
            let number = try #require(created.json["number"] as? Int)
            let staff = try await SupportWorld.staffBrowser(app, world.taylor)
            try await staff.get("/staff/support/tickets/\(number)")
            let page = try await staff.post("/staff/support/tickets/\(number)/priority", ["priority": "1", "reason": " "])
            let html = page.text
            Self.expectInError("priority_reason", in: html)
            #expect(!(Self.control("status_reason", in: html)?.contains("aria-invalid") ?? true), "the status form's reason is not in error")
            #expect(html.contains("<option value=\"1\" selected>"), "the chosen priority stays chosen")

            // Public or internal is the button pressed, never a box ticked in advance.
            let comment = try await staff.post("/staff/support/tickets/\(number)/comment", ["body": "", "public": "false"])
            Self.expectInError("comment_body", in: comment.text)
            let fresh = try await staff.get("/staff/support/tickets/\(number)")
            #expect(!fresh.text.contains("type=\"checkbox\" name=\"public\""))
        }
    }

    @Test("PT-10: the trust-request panel links to Progressive Trust only for staff who may open it")
    func panelLinks() async throws {
        try await withTrustDesk { app in
            let ada = try await TestData.customer(app, "ada")
            let number = try await TrustRequestTicketTests.apiRequest(app, ada)
            let (agent, _) = try await StandingTestKit.staffBrowser(app, role: .agent)
            let agentView = try await agent.get("/staff/support/tickets/\(number)")
            #expect(agentView.text.contains("id=\"trust-request-panel\""))
            #expect(!agentView.text.contains("href=\"/staff/trust/"), "no link an agent can't open")
            #expect(try await agent.get("/staff/trust/accounts/\(ada.account.sid)").errorCode == 20006)
            let (safety, _) = try await StandingTestKit.staffBrowser(app, role: .trustSafety)
            let safetyView = try await safety.get("/staff/support/tickets/\(number)")
            #expect(safetyView.text.contains("href=\"/staff/trust/accounts/\(ada.account.sid)\""))
            #expect(try await safety.get("/staff/trust/accounts/\(ada.account.sid)").status == .ok)
            for role in StaffRole.allCases {
                #expect(StaffPage.progressiveTrust.mayOpen(role) == TrustRequestPolicy.deciders.contains(role))
            }
        }
    }

    @Test("PT-10: a refused decision on the ticket keeps the note and the typed limit")
    func panelDecision() async throws {
        try await withTrustDesk { app in
            let ada = try await TestData.customer(app, "ada")
            let number = try await TrustRequestTicketTests.apiRequest(app, ada)
            let (safety, _) = try await StandingTestKit.staffBrowser(app, role: .trustSafety)
            try await safety.get("/staff/support/tickets/\(number)")
            let sent = try await safety.post("/staff/trust/tickets/\(number)/decide", [
                "decision": "approve", "limit": "lots", "starts_on": "2026-03-02", "ends_on": "2026-03-08", "note": "Launch week, approved.",
            ])
            // Back to the ticket page (Support's), which shows the Trust form again as typed.
            #expect(sent.status == .seeOther)
            let page = try await safety.get("/staff/support/tickets/\(number)")
            Self.expectInError("approve_limit", in: page.text)
            #expect(Self.control("approve_limit", in: page.text)?.contains("value=\"lots\"") == true)
            #expect(page.text.contains("Launch week, approved.</textarea>"))
            #expect(!(Self.control("decline_note", in: page.text)?.contains("Launch week") ?? true), "the decline form is not filled in")
        }
    }
}
