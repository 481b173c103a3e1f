import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("STD-6: sign-up vetting input")
struct SignupVettingInputTests {
    private static func form(_ name: String, country: String, phone: String) -> [String: String] {
        ["full_name": "\(name.capitalized) Tester", "email": "\(name)@example.com", "username": name,
         "password": "a-long-password-123", "account_name": "\(name.capitalized) Co", "country": country, "phone": phone]
    }

    /// Signs up through the form, confirms by the mailed link, and returns the new account.
    private static func signedUp(_ app: Application, _ form: [String: String]) async throws -> Account {
        let browser = Browser(app)
        let token = try await browser.signUp(form)
        _ = try await browser.get("/signup/confirm?token=\(token)")
        _ = try await browser.post("/signup/confirm", ["token": token])
        return try #require(try await Account.query(on: app.db).filter(\.$friendlyName == (form["account_name"] ?? "")).first())
    }

    @Test("STD-6: a sign-up from a review-listed country with a phone under another country's code lands in review, with a Consumer Trust ticket that explains each rule")
    func riskyCountryInReview() async throws {
        try await withTrustDesk { app in
            app.trustDeskConfiguration.vettingRiskCountries = ["FR"]
            let account = try await Self.signedUp(app, Self.form("remy", country: "fr", phone: "+1 555 010 0123"))
            #expect(account.standing == "pending_vetting")
            let record = try #require(try await StandingTestKit.records(app, account).last)
            #expect(record.reason == "vetting_review" && record.evidence.contains("country_risk") && record.evidence.contains("phone_unverifiable"))
            let ticket = try #require(try await Ticket.query(on: app.db).filter(\.$accountSID == account.sid).first())
            #expect(ticket.topic == "vetting_review" && ticket.groupName == "consumer_trust")
            #expect(ticket.description.contains("country_risk (+20)") && ticket.description.contains("phone_unverifiable (+20)"))

            let (staff, _) = try await StandingTestKit.staffBrowser(app, role: .consumerTrust)
            let desk = try await staff.get("/staff/consumer-trust?topic=vetting_review")
            #expect(desk.text.contains("Sign-up vetting review: Remy Co"))
            let page = try await staff.get("/staff/support/tickets/\(ticket.number)")
            #expect(page.text.contains("id=\"panel-vetting\""))
            #expect(page.text.contains("<td>country_risk</td><td>+20</td><td>sign-up from FR, on the country review list</td>"))
            #expect(page.text.contains("<td>phone_unverifiable</td><td>+20</td>"))
            #expect(page.text.contains("Score 40: review"))
            #expect(page.text.contains("Country FR, phone +15550100123"))
            #expect(page.text.contains("Pending vetting") || page.text.contains("pending_vetting"))
            #expect(page.text.contains("<li>Approve the sign-up</li>"), "Consumer Trust may approve the sign-up")
        }
    }

    @Test("STD-6: a clean sign-up (company address, country and a matching phone) is active, and its assessment is kept")
    func cleanIsActive() async throws {
        try await withTrustDesk { app in
            app.trustDeskConfiguration.vettingRiskCountries = ["FR"]
            let account = try await Self.signedUp(app, Self.form("sam", country: "US", phone: "+1 555 010 0199"))
            #expect(account.standing == "active")
            #expect(try await StandingTestKit.records(app, account).isEmpty)
            #expect(try await Ticket.query(on: app.db).filter(\.$accountSID == account.sid).count() == 0)
            let assessment = try #require(try await VettingAssessment.query(on: app.db).filter(\.$accountSID == account.sid).first())
            #expect(assessment.score == 0 && assessment.outcome == "approve" && assessment.country == "US" && assessment.phone == "+15550100199")
        }
    }

    @Test("STD-6: a bad country code or a phone not in E.164 is a clear error, and the form keeps what was typed")
    func validation() async throws {
        try await withTrustDesk { app in
            let browser = Browser(app)
            try await browser.get("/signup")
            let badCountry = try await browser.post("/signup", Self.form("tia", country: "XX", phone: "+44 20 7946 0000"))
            #expect(badCountry.errorCode == 20001)
            #expect(badCountry.text.contains("country: &quot;XX&quot; is not a country code"))
            #expect(badCountry.text.contains("value=\"XX\"") && badCountry.text.contains("value=\"+44 20 7946 0000\"") && badCountry.text.contains("value=\"tia@example.com\""))
            let badPhone = try await browser.post("/signup", Self.form("tia", country: "GB", phone: "020 7946 0000"))
            #expect(badPhone.errorCode == 20001)
            #expect(badPhone.text.contains("phone: give the number in international E.164 form"))
            #expect(badPhone.text.contains("value=\"020 7946 0000\"") && badPhone.text.contains("value=\"GB\""))
            #expect(try await Registration.query(on: app.db).count() == 0, "nothing is stored until every field passes")
        }
    }

    @Test("STD-6: sign-ups per network in the last hour feed the velocity rule; an hour later the count starts again")
    func networkVelocity() async throws {
        try await withTrustDesk { app in
            let registrations = Registrations(database: app.db, now: app.now, publicURL: "http://127.0.0.1:8080", accountHooks: app.accountCreationHooks)
            func signUp(_ name: String, network: String?, at registrations: Registrations) async throws {
                let valid = try Registrations.validate(.init(fullName: name, email: "\(name)@example.com", username: name, password: "a-long-password-123",
                                                             accountName: "\(name) Co", country: "US", phone: "+1 555 010 0100", network: network),
                                                         passwords: app.passwordPolicy)
                try await registrations.register(valid, passwordHash: try await TestData.hash(app))
            }
            for name in ["net1", "net2", "net3"] { try await signUp(name, network: "203.0.113.0/24", at: registrations) }
            try await signUp("other", network: "198.51.100.0/24", at: registrations)
            try await signUp("net4", network: "203.0.113.0/24", at: registrations)
            let fourth = try #require(try await Registration.query(on: app.db).filter(\.$username == "net4").first())
            #expect(fourth.networkSignups == 3)
            #expect(try await Registration.query(on: app.db).filter(\.$username == "other").first()?.networkSignups == 0)

            let token = try await TestData.latestLinkToken(app, to: "net4@example.com", path: "/signup/confirm")
            let (account, _, _) = try await registrations.confirm(token: token)
            #expect(try await StandingTestKit.reload(app, account).standing == "active", "25 for velocity alone stays below review")
            let assessment = try #require(try await VettingAssessment.query(on: app.db).filter(\.$accountSID == account.sid).first())
            #expect(try assessment.findingList.map(\.rule) == ["signup_velocity"] && assessment.network == "203.0.113.0/24")

            app.clock.advance(by: 3_601)
            let later = Registrations(database: app.db, now: app.now, publicURL: "http://127.0.0.1:8080", accountHooks: app.accountCreationHooks)
            try await signUp("net5", network: "203.0.113.0/24", at: later)
            #expect(try await Registration.query(on: app.db).filter(\.$username == "net5").first()?.networkSignups == 0)
        }
    }

    @Test("STD-6: a sign-up without a phone counts as unverifiable: with a free-mail address it goes to review")
    func noPhone() async throws {
        try await withTrustDesk { app in
            var form = Self.form("uma", country: "", phone: "")
            form["email"] = "uma.tester@gmail.com"
            let account = try await Self.signedUp(app, form)
            #expect(account.standing == "pending_vetting")
            let assessment = try #require(try await VettingAssessment.query(on: app.db).filter(\.$accountSID == account.sid).first())
            #expect(try assessment.findingList.map(\.rule) == ["free_mail_domain", "phone_unverifiable"] && assessment.score == 30)
        }
    }
}
