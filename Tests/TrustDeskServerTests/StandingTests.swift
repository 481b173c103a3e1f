import Crypto
import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// Helpers for standing tests.
enum StandingTestKit {
    static func staffBrowser(_ app: Application, role: StaffRole) async throws -> (Browser, User) {
        let staff = try await TestData.staff(app, "staff.\(role.rawValue)", role: role)
        let browser = Browser(app)
        _ = try await browser.signIn(staff.username)
        try await browser.get("/signin/two-factor")
        _ = try await browser.post("/signin/two-factor", ["code": TestData.code(app)])
        return (browser, staff)
    }

    static func customerBrowser(_ app: Application, _ username: String) async throws -> Browser {
        let browser = Browser(app)
        _ = try await browser.signIn(username)
        return browser
    }

    /// Applies a change as the service would, in one transaction.
    static func apply(_ app: Application, _ decision: StandingDecision, to account: Account) async throws {
        try await app.db.transaction { db in
            guard let locked = try await Account.find(account.sid, on: db) else { return }
            try await StandingService(database: db, now: app.now, configuration: app.trustDeskConfiguration).apply(decision, to: locked)
        }
    }

    /// A complete staff ban, as trust and safety would make it: justified, evidenced and
    /// confirmed by the account's name (STD-9).
    static func ban(_ app: Application, _ account: Account, by decider: StandingDecider = .staff(sid: "US00000000000000000000000000000009", role: .trustSafety)) async throws {
        try await apply(app, StandingDecision(to: .banned, reason: .ban, decider: decider,
                                              justification: "Phishing links sent after two warnings.", evidence: "Carrier complaint CR-2026-77.",
                                              confirmation: account.friendlyName), to: account)
    }

    static func reload(_ app: Application, _ account: Account) async throws -> Account {
        try #require(try await Account.find(account.sid, on: app.db))
    }

    static func records(_ app: Application, _ account: Account) async throws -> [EnforcementRecord] {
        try await EnforcementRecord.query(on: app.db).filter(\.$accountSID == account.sid).sort(\.$decidedAt).all()
    }

    static let serviceToken = "service-token-for-tests-0123456789"

    static func service(_ app: Application) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: serviceToken)
        headers.contentType = .json
        return headers
    }

    static func utc(_ year: Int, _ month: Int, _ day: Int, hour: Int = 12) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour)) ?? .distantPast
    }
}

@Suite("STD: standing effects on API, console and sign-in")
struct StandingEffectsTests {
    @Test("STD-2: a suspended account's API requests are refused with 20301; its standing stays readable")
    func suspendedAPI() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "ada")
            let headers = TestData.basic(acme.account.sid, acme.authToken)
            #expect(try await app.testing().sendRequest(.GET, "/v1/Accounts/\(acme.account.sid)", headers: headers).status == .ok)
            try await StandingTestKit.apply(app, StandingDecision(to: .suspended, reason: .abusiveTraffic, decider: .rule(StandingRule.abuseDetection), evidence: "spike"), to: acme.account)
            let refused = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(acme.account.sid)", headers: headers)
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == 20301)
            #expect(refused.text.contains("suspended"))
            let standing = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(acme.account.sid)/Standing", headers: headers)
            #expect(standing.status == .ok)
            #expect(standing.json["standing"] as? String == "suspended")
            let records = standing.json["records"] as? [[String: Any]]
            #expect(records?.first?["reason"] as? String == "abusive_traffic")
            #expect(records?.first?["decided_by"] as? String == "rule:abuse_detection")
        }
    }

    @Test("STD-2: each restricted standing has its own refusal code; a banned subaccount is refused through its parent's credential")
    func codesPerStanding() async throws {
        try await withTrustDesk { app in
            let parent = try await TestData.customer(app, "bea")
            let (sub, subToken) = try await app.accounts(now: app.now).createSubaccount(of: parent.account, named: "Bea EU", limits: app.trustDeskConfiguration.subaccountLimits)
            try await StandingTestKit.ban(app, sub)
            let viaParent = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(sub.sid)", headers: TestData.basic(parent.account.sid, parent.authToken))
            #expect(viaParent.errorCode == 20304)
            #expect(try await app.testing().sendRequest(.GET, "/v1/Accounts/\(parent.account.sid)", headers: TestData.basic(parent.account.sid, parent.authToken)).status == .ok)
            let own = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(sub.sid)/Standing", headers: TestData.basic(sub.sid, subToken))
            #expect(own.errorCode == 20304, "a banned account's standing is not readable either")
            let expected: [(Standing, Int)] = [(.pendingVetting, 20306), (.suspended, 20301), (.dormant, 20302), (.terminated, 20303), (.banned, 20304), (.closed, 20305)]
            for (standing, code) in expected {
                #expect(standing.refusalCode?.rawValue == code)
            }
        }
    }

    @Test("STD-2: a suspended account's console is read-only with a banner, but credentials can be replaced")
    func readOnlyConsole() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "cy")
            try await StandingTestKit.apply(app, StandingDecision(to: .suspended, reason: .exposedCredentials, decider: .rule(StandingRule.secretScanning)), to: acme.account)
            let browser = try await StandingTestKit.customerBrowser(app, "cy")
            let page = try await browser.get("/console/accounts/\(acme.account.sid)")
            #expect(page.status == .ok)
            #expect(page.text.contains("id=\"standing-banner\""))
            #expect(page.text.contains("suspended because one of its credentials was found exposed"))
            #expect(page.text.contains("ask for a human review"))
            let refused = try await browser.post("/console/accounts/\(acme.account.sid)/subaccounts", ["friendly_name": "New"])
            #expect(refused.errorCode == 20301)
            try await browser.get("/console/accounts/\(acme.account.sid)/credentials")
            let rotated = try await browser.post("/console/accounts/\(acme.account.sid)/tokens/secondary")
            #expect(rotated.errorCode == nil)
            #expect(try await StandingTestKit.reload(app, acme.account).secondaryTokenHash != nil)
        }
    }

    @Test("STD-8 and STD-9: terminated or banned customers can't sign in and are told why")
    func signInRefused() async throws {
        try await withTrustDesk { app in
            let terminated = try await TestData.customer(app, "dee")
            try await StandingTestKit.apply(app, StandingDecision(to: .terminated, reason: .nonPayment, decider: .rule(StandingRule.nonPayment)), to: terminated.account)
            let browser = Browser(app)
            let refused = try await browser.signIn("dee")
            #expect(refused.errorCode == 20303)
            #expect(refused.text.contains("terminated"))
            let wrong = try await browser.signIn("dee", password: "wrong-password-123")
            #expect(wrong.errorCode == 20003, "a wrong password says nothing about the standing")

            let banned = try await TestData.customer(app, "eli")
            try await StandingTestKit.ban(app, banned.account)
            let bannedSignIn = try await Browser(app).signIn("eli")
            #expect(bannedSignIn.errorCode == 20304)
            #expect(bannedSignIn.text.contains("banned"))
            // Someone with another account in good standing still signs in.
            _ = try await app.accounts(now: app.now).createAccount(named: "Eli Two", owner: banned.user)
            #expect(try await Browser(app).signIn("eli").location == "/console")
        }
    }
}

@Suite("STD-9: bans")
struct StandingBanTests {
    @Test("STD-9: a ban on a parent bans every subaccount with its own record, releases their IPs, ends sessions and mails the owner")
    func cascade() async throws {
        try await withTrustDesk { app in
            let parent = try await TestData.customer(app, "fay")
            let accounts = app.accounts(now: app.now)
            let (sub1, _) = try await accounts.createSubaccount(of: parent.account, named: "Fay EU", limits: app.trustDeskConfiguration.subaccountLimits)
            let (sub2, _) = try await accounts.createSubaccount(of: parent.account, named: "Fay US", limits: app.trustDeskConfiguration.subaccountLimits)
            for (account, address) in [(parent.account, "192.0.2.10"), (sub1, "192.0.2.11"), (sub2, "192.0.2.12")] {
                try await DedicatedIP(account: account.sid, address: address, now: app.now).create(on: app.db)
            }
            let customer = try await StandingTestKit.customerBrowser(app, "fay")
            #expect(try await customer.get("/console").status == .seeOther)
            let (staff, staffUser) = try await StandingTestKit.staffBrowser(app, role: .trustSafety)
            let page = try await staff.get("/staff/accounts/\(parent.account.sid)/standing")
            #expect(page.text.contains("banned:ban"))
            #expect(page.text.contains("192.0.2.10"))
            let done = try await staff.post("/staff/accounts/\(parent.account.sid)/standing", [
                "action": "banned:ban", "justification": "Phishing links sent after two warnings.", "evidence": "phishing campaign",
                "confirm": parent.account.friendlyName,
            ])
            #expect(done.errorCode == nil)
            #expect(done.text.contains("now banned"))

            for account in [parent.account, sub1, sub2] {
                #expect(try await StandingTestKit.reload(app, account).standing == "banned")
                let records = try await StandingTestKit.records(app, account)
                #expect(records.count == 1)
            }
            #expect(try await StandingTestKit.records(app, parent.account).first?.decidedBy == staffUser.sid)
            #expect(try await StandingTestKit.records(app, sub1).first?.reason == "ban_cascade")
            #expect(try await StandingTestKit.records(app, sub2).first?.decidedBy == "rule:ban_cascade")
            let live = try await DedicatedIP.query(on: app.db).filter(\.$releasedAt == nil).count()
            #expect(live == 0)
            #expect(try await UserSession.query(on: app.db).filter(\.$userSID == parent.user.sid).count() == 0)
            let mail = try await TestData.mail(app, to: parent.user.email)
            #expect(mail.count == 1, "one notice for the main account; subaccounts are covered by it")
            #expect(mail.first?.body.contains("every subaccount is banned") == true)
            let audit = try await StaffAuditEvent.query(on: app.db).filter(\.$action == "standing_ban").count()
            #expect(audit == 1)
        }
    }

    @Test("STD-9: support agents can't lift a ban; a trust-and-safety lead can, with a written justification")
    func lift() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "gus")
            try await StandingTestKit.ban(app, acme.account)
            let (agent, _) = try await StandingTestKit.staffBrowser(app, role: .agent)
            let page = try await agent.get("/staff/accounts/\(acme.account.sid)/standing")
            #expect(page.text.contains("id=\"no-actions\""))
            let refused = try await agent.post("/staff/accounts/\(acme.account.sid)/standing", ["action": "active:ban_lifted", "justification": String(repeating: "because ", count: 5)])
            #expect(refused.errorCode == 20006)
            #expect(refused.text.contains("only a trust-and-safety lead"))
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "banned")

            let (lead, _) = try await StandingTestKit.staffBrowser(app, role: .trustSafetyLead)
            let short = try await lead.post("/staff/accounts/\(acme.account.sid)/standing", ["action": "active:ban_lifted", "justification": "ok"])
            #expect(short.errorCode == 20309)
            let lifted = try await lead.post("/staff/accounts/\(acme.account.sid)/standing", ["action": "active:ban_lifted", "justification": "Traffic came from a compromised partner, now removed."])
            #expect(lifted.errorCode == nil)
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "active")
            let records = try await StandingTestKit.records(app, acme.account)
            #expect(records.map(\.reason) == ["ban", "ban_lifted"])
            #expect(records.last?.justification.contains("compromised partner") == true)
        }
    }

    @Test("STD-10: closing twice is refused")
    func closeTwice() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "hal")
            try await StandingTestKit.apply(app, StandingDecision(to: .closed, reason: .ownerRequest, decider: .owner(sid: acme.user.sid)), to: acme.account)
            await #expect(throws: DomainError.self) {
                try await StandingTestKit.apply(app, StandingDecision(to: .closed, reason: .ownerRequest, decider: .owner(sid: acme.user.sid)), to: acme.account)
            }
            #expect(try await StandingTestKit.records(app, acme.account).count == 1)
        }
    }
}

@Suite("STD-5 and SEC-4: exposed credentials")
struct ExposedCredentialsTests {
    struct Signer {
        let key = P256.Signing.PrivateKey()
        let identifier = "test-key-1"

        func configure(_ app: Application) {
            app.trustDeskConfiguration.secretScanningKeys = [identifier: key.publicKey.pemRepresentation]
        }

        func headers(for body: String, identifier: String? = nil, key signingKey: P256.Signing.PrivateKey? = nil) throws -> HTTPHeaders {
            let signature = try (signingKey ?? key).signature(for: Data(body.utf8))
            var headers = HTTPHeaders()
            headers.contentType = .json
            headers.add(name: "Github-Public-Key-Identifier", value: identifier ?? self.identifier)
            headers.add(name: "Github-Public-Key-Signature", value: signature.derRepresentation.base64EncodedString())
            return headers
        }
    }

    static func report(_ token: String) -> String {
        #"[{"token":"\#(token)","type":"trustdesk_auth_token","url":"https://github.com/example/leaky/blob/main/config.env","source":"content"}]"#
    }

    @Test("STD-5: a signed report of an auth token revokes it, suspends the account and tells the owner where it was found")
    func signedReport() async throws {
        try await withTrustDesk { app in
            let signer = Signer()
            signer.configure(app)
            let acme = try await TestData.customer(app, "ivy")
            let bystander = try await TestData.customer(app, "jon")
            let body = Self.report(acme.authToken)
            let response = try await app.testing().sendRequest(.POST, "/v1/SecretScanning/GitHub", headers: try signer.headers(for: body), body: ByteBuffer(string: body))
            #expect(response.status == .ok)
            let feedback = try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [[String: String]]
            #expect(feedback == [["token_raw": acme.authToken, "token_type": "trustdesk_auth_token", "label": "true_positive"]])

            #expect(try await StandingTestKit.reload(app, acme.account).standing == "suspended")
            #expect(try await StandingTestKit.reload(app, bystander.account).standing == "active")
            let old = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(acme.account.sid)", headers: TestData.basic(acme.account.sid, acme.authToken))
            #expect(old.errorCode == 20003, "the exposed token no longer authenticates")
            let record = try #require(try await StandingTestKit.records(app, acme.account).last)
            #expect(record.reason == "exposed_credentials" && record.decidedBy == "rule:secret_scanning")
            let mail = try #require(try await TestData.mail(app, to: acme.user.email).last)
            #expect(mail.body.contains("primary auth token ending \(Secrets.hint(acme.authToken))"))
            #expect(mail.body.contains("https://github.com/example/leaky/blob/main/config.env"))
            #expect(mail.body.contains("human review"))

            let unknown = Self.report(Secrets.generate(.authToken))
            let other = try await app.testing().sendRequest(.POST, "/v1/SecretScanning/GitHub", headers: try signer.headers(for: unknown), body: ByteBuffer(string: unknown))
            #expect(other.text.contains("false_positive"))
        }
    }

    @Test("STD-5: an API key secret in a report is revoked")
    func apiKey() async throws {
        try await withTrustDesk { app in
            let signer = Signer()
            signer.configure(app)
            let acme = try await TestData.customer(app, "kai")
            let (key, secret) = try await Credentials(database: app.db, now: app.now).createKey(for: acme.account.sid, friendlyName: "CI")
            let body = Self.report(secret)
            _ = try await app.testing().sendRequest(.POST, "/v1/SecretScanning/GitHub", headers: try signer.headers(for: body), body: ByteBuffer(string: body))
            #expect(try await APIKey.find(key.sid, on: app.db)?.revokedAt != nil)
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "suspended")
            #expect(try await TestData.mail(app, to: acme.user.email).last?.body.contains(key.sid) == true)
        }
    }

    @Test("SEC-4: a signed report may leave url and source out, but a null in any field refuses the whole report (openapi.yaml: strings)")
    func reportFieldsAsDocumented() async throws {
        try await withTrustDesk { app in
            let signer = Signer()
            signer.configure(app)
            let acme = try await TestData.customer(app, "noa")
            for field in ["token", "type", "url", "source"] {
                var item = ["\"token\":\"\(acme.authToken)\"", "\"type\":\"trustdesk_auth_token\"", "\"url\":\"https://github.com/x/y\"", "\"source\":\"content\""]
                item = item.map { $0.hasPrefix("\"\(field)\"") ? "\"\(field)\":null" : $0 }
                let body = "[{" + item.joined(separator: ",") + "}]"
                let response = try await app.testing().sendRequest(.POST, "/v1/SecretScanning/GitHub", headers: try signer.headers(for: body), body: ByteBuffer(string: body))
                #expect(response.status == .badRequest, "\(field): null")
                #expect(response.errorCode == 20009, "\(field): null")
            }
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "active", "a refused report changes nothing")
            #expect(try await StandingTestKit.records(app, acme.account).isEmpty)

            let body = #"[{"token":"\#(acme.authToken)","type":"trustdesk_auth_token"},{"token":"tdat_unknown","type":"trustdesk_auth_token","url":"","source":""}]"#
            let response = try await app.testing().sendRequest(.POST, "/v1/SecretScanning/GitHub", headers: try signer.headers(for: body), body: ByteBuffer(string: body))
            #expect(response.status == .ok)
            let feedback = try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [[String: String]]
            #expect(feedback?.map { $0["label"] } == ["true_positive", "false_positive"])
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "suspended")
            #expect(try await TestData.mail(app, to: acme.user.email).last?.body.contains("(no URL given)") == true)
        }
    }

    @Test("SEC-4: unsigned, badly signed or unknown-key reports change nothing")
    func badSignatures() async throws {
        try await withTrustDesk { app in
            let signer = Signer()
            signer.configure(app)
            let acme = try await TestData.customer(app, "lee")
            let body = Self.report(acme.authToken)
            var unsigned = HTTPHeaders()
            unsigned.contentType = .json
            let attempts: [HTTPHeaders] = [
                unsigned,
                try signer.headers(for: body, key: P256.Signing.PrivateKey()),
                try signer.headers(for: body + " "),
                try signer.headers(for: body, identifier: "unknown-key"),
            ]
            for headers in attempts {
                let response = try await app.testing().sendRequest(.POST, "/v1/SecretScanning/GitHub", headers: headers, body: ByteBuffer(string: body))
                #expect(response.status == .unauthorized)
                #expect(response.errorCode == 20308)
            }
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "active")
            #expect(try await app.testing().sendRequest(.GET, "/v1/Accounts/\(acme.account.sid)", headers: TestData.basic(acme.account.sid, acme.authToken)).status == .ok)
            #expect(try await StandingTestKit.records(app, acme.account).isEmpty)
        }
    }

    @Test("STD-5: staff report by hand; reinstatement needs new credentials and a review")
    func reinstatement() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "max")
            let (staff, _) = try await StandingTestKit.staffBrowser(app, role: .consumerTrust)
            try await staff.get("/staff/accounts/\(acme.account.sid)/standing")
            let reported = try await staff.post("/staff/accounts/\(acme.account.sid)/standing/exposed", ["credential": "primary", "url": "https://pastebin.example.com/abc",
                                                                                                              "exposed_justification": "Our own scan found the token in a public paste."])
            #expect(reported.errorCode == nil)
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "suspended")
            #expect(try await StandingTestKit.records(app, acme.account).last?.evidence.contains("pastebin.example.com") == true)

            // The customer asks for a review; Consumer Trust tries to reinstate before new credentials exist.
            app.clock.advance(by: 60)
            let customer = try await StandingTestKit.customerBrowser(app, "max")
            try await customer.get("/console/accounts/\(acme.account.sid)/standing")
            let asked = try await customer.post("/console/accounts/\(acme.account.sid)/standing/review", ["message": "We rotated everything, please review."])
            #expect(asked.errorCode == nil)
            let review = try #require(try await ReviewRequest.query(on: app.db).first())
            #expect(review.ticketNumber != nil, "a Consumer Trust ticket is opened for the review")
            try await staff.get("/staff/standing/reviews")
            let early = try await staff.post("/staff/standing/reviews/\(review.id?.uuidString ?? "")", ["decision": "reinstate", "justification": "The owner rotated everything."])
            #expect(early.errorCode == 20307)
            #expect(early.text.contains("new auth token or API key"))

            app.clock.advance(by: 60)
            try await customer.get("/console/accounts/\(acme.account.sid)/credentials")
            _ = try await customer.post("/console/accounts/\(acme.account.sid)/tokens/secondary")
            _ = try await customer.post("/console/accounts/\(acme.account.sid)/tokens/promote")
            try await staff.get("/staff/standing/reviews")
            let done = try await staff.post("/staff/standing/reviews/\(review.id?.uuidString ?? "")", ["decision": "reinstate", "justification": "New token in place."])
            #expect(done.errorCode == nil)
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "active")
            #expect(try await TestData.mail(app, to: acme.user.email).contains { $0.subject.contains("active again") })
        }
    }
}

@Suite("STD-3 and STD-4: reviews and account takeover")
struct StandingReviewTests {
    @Test("STD-3: an automated decision can be reviewed; upholding is recorded and mailed")
    func upheld() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "ned")
            try await StandingTestKit.apply(app, StandingDecision(to: .dormant, reason: .dormancy, decider: .rule(StandingRule.dormancy)), to: acme.account)
            let customer = try await StandingTestKit.customerBrowser(app, "ned")
            let page = try await customer.get("/console/accounts/\(acme.account.sid)/standing")
            #expect(page.text.contains("id=\"review-form\""))
            _ = try await customer.post("/console/accounts/\(acme.account.sid)/standing/review", ["message": "We still use it monthly."])
            let again = try await customer.get("/console/accounts/\(acme.account.sid)/standing")
            #expect(!again.text.contains("id=\"review-form\""))
            #expect(again.text.contains("id=\"open-review\""))

            let (agent, _) = try await StandingTestKit.staffBrowser(app, role: .agent)
            let review = try #require(try await ReviewRequest.query(on: app.db).first())
            try await agent.get("/staff/standing/reviews")
            let refused = try await agent.post("/staff/standing/reviews/\(review.id?.uuidString ?? "")", ["decision": "uphold"])
            #expect(refused.errorCode == 20006)

            let (ct, ctUser) = try await StandingTestKit.staffBrowser(app, role: .consumerTrust)
            try await ct.get("/staff/standing/reviews")
            let upheld = try await ct.post("/staff/standing/reviews/\(review.id?.uuidString ?? "")", ["decision": "uphold", "justification": "No usage in 200 days."])
            #expect(upheld.errorCode == nil)
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "dormant")
            let last = try #require(try await StandingTestKit.records(app, acme.account).last)
            #expect(last.reason == "review_upheld" && last.decidedBy == ctUser.sid)
            #expect(try await TestData.mail(app, to: acme.user.email).last?.body.contains("upheld") == true)
            #expect(try await ReviewRequest.find(review.id, on: app.db)?.status == "upheld")
        }
    }

    @Test("STD-4: a takeover suspends with a case reference, ends sessions, revokes credentials and gives the hotline")
    func takeover() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "oli")
            let (_, secret) = try await Credentials(database: app.db, now: app.now).createKey(for: acme.account.sid, friendlyName: "prod")
            let customer = try await StandingTestKit.customerBrowser(app, "oli")
            #expect(try await UserSession.query(on: app.db).filter(\.$userSID == acme.user.sid).count() == 1)
            let (agent, _) = try await StandingTestKit.staffBrowser(app, role: .agent)
            let agentPage = try await agent.get("/staff/accounts/\(acme.account.sid)/standing")
            #expect(!agentPage.text.contains("id=\"takeover-form\""))
            let (staff, _) = try await StandingTestKit.staffBrowser(app, role: .trustSafety)
            try await staff.get("/staff/accounts/\(acme.account.sid)/standing")
            let done = try await staff.post("/staff/accounts/\(acme.account.sid)/standing/takeover", ["case_reference": "FR-2026-0042", "revoke_credentials": "on",
                                                                                                           "takeover_justification": "The owner called the hotline: logins from an unknown country."])
            #expect(done.errorCode == nil)
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "suspended")
            #expect(try await UserSession.query(on: app.db).filter(\.$userSID == acme.user.sid).count() == 0)
            #expect(try await customer.get("/console").location == "/signin")
            #expect(try await APIKey.query(on: app.db).filter(\.$revokedAt == nil).count() == 0)
            _ = secret
            let mail = try #require(try await TestData.mail(app, to: acme.user.email).last)
            #expect(mail.body.contains("FR-2026-0042"))
            #expect(mail.body.contains(app.trustDeskConfiguration.fraudHotline))
            #expect(mail.body.contains("Our reason: The owner called the hotline: logins from an unknown country."), "STD-3: the notice carries the justification")
            #expect(try await StandingTestKit.records(app, acme.account).last?.caseReference == "FR-2026-0042")
        }
    }
}

@Suite("STD-7 and STD-8: dormancy and non-payment jobs")
struct StandingJobTests {
    @Test("STD-7: 14 days' warning before 180 days without usage, then dormant; usage resets the clock")
    func dormancy() async throws {
        try await withTrustDesk { app in
            let idle = try await TestData.customer(app, "pia")
            let busy = try await TestData.customer(app, "quin")
            app.clock.advance(by: 165 * 86_400)
            #expect(try await app.testing().sendRequest(.GET, "/v1/Accounts/\(busy.account.sid)", headers: TestData.basic(busy.account.sid, busy.authToken)).status == .ok)
            try await StandingJobs.runDormancy(app, now: app.now)
            #expect(try await TestData.mail(app, to: idle.user.email).isEmpty)
            app.clock.advance(by: 86_400)
            try await StandingJobs.runDormancy(app, now: app.now)
            try await StandingJobs.runDormancy(app, now: app.now)
            let warnings = try await TestData.mail(app, to: idle.user.email)
            #expect(warnings.count == 1, "the job is idempotent")
            #expect(warnings.first?.subject.contains("will be deactivated") == true)
            #expect(try await TestData.mail(app, to: busy.user.email).isEmpty)
            app.clock.advance(by: 13 * 86_400)
            try await StandingJobs.runDormancy(app, now: app.now)
            #expect(try await StandingTestKit.reload(app, idle.account).standing == "active")
            app.clock.advance(by: 86_400)
            try await StandingJobs.runDormancy(app, now: app.now)
            #expect(try await StandingTestKit.reload(app, idle.account).standing == "dormant")
            #expect(try await StandingTestKit.reload(app, busy.account).standing == "active")
            let record = try #require(try await StandingTestKit.records(app, idle.account).last)
            #expect(record.decidedBy == "rule:dormancy")
            #expect(try await TestData.mail(app, to: idle.user.email).last?.body.contains("human review") == true)
            let refused = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(idle.account.sid)", headers: TestData.basic(idle.account.sid, idle.authToken))
            #expect(refused.errorCode == 20302)
        }
    }

    static func invoice(_ app: Application, _ account: Account, reference: String, billRun: String, due: String, cents: Int = 5_000) async throws -> TestingHTTPResponse {
        let body = #"{"reference":"\#(reference)","account_sid":"\#(account.sid)","bill_run":"\#(billRun)","amount_cents":\#(cents),"currency":"USD","due_date":"\#(due)"}"#
        return try await app.testing().sendRequest(.POST, "/v1/Invoices", headers: StandingTestKit.service(app), body: ByteBuffer(string: body))
    }

    @Test("STD-8: invoices and payments take the service credential")
    func serviceCredential() async throws {
        try await withTrustDesk { app in
            app.trustDeskConfiguration.serviceToken = StandingTestKit.serviceToken
            let acme = try await TestData.customer(app, "rae")
            let body = #"{"reference":"INV-1","account_sid":"\#(acme.account.sid)","bill_run":"2026-02","amount_cents":100,"due_date":"2026-03-01"}"#
            let customerTry = try await app.testing().sendRequest(.POST, "/v1/Invoices", headers: TestData.json(acme.account.sid, acme.authToken), body: ByteBuffer(string: body))
            #expect(customerTry.status == .unauthorized)
            let created = try await Self.invoice(app, acme.account, reference: "INV-1", billRun: "2026-02", due: "2026-03-01")
            #expect(created.status == .created)
            #expect(created.json["owed_cents"] as? Int == 5_000)
            #expect(try await Self.invoice(app, acme.account, reference: "INV-1", billRun: "2026-02", due: "2026-03-01").errorCode == 20011)
            #expect(try await Self.invoice(app, acme.account, reference: "INV-2", billRun: "2026-13", due: "2026-03-01").errorCode == 20001)
        }
    }

    @Test("STD-8: warnings 3, 10 and 17 days past due, then termination in the month's final 7 days")
    func warningsAndTermination() async throws {
        try await withTrustDesk { app in
            app.trustDeskConfiguration.serviceToken = StandingTestKit.serviceToken
            let late = try await TestData.customer(app, "sol")
            let payer = try await TestData.customer(app, "tia")
            _ = try await Self.invoice(app, late.account, reference: "INV-L", billRun: "2026-02", due: "2026-03-01")
            _ = try await Self.invoice(app, payer.account, reference: "INV-P", billRun: "2026-02", due: "2026-03-01")
            var subjects: [Int: Int] = [:]
            for day in 2...31 {
                app.clock.set(StandingTestKit.utc(2026, 3, day, hour: 6))
                if day == 20 {
                    let paid = try await app.testing().sendRequest(.POST, "/v1/Payments", headers: StandingTestKit.service(app),
                                                                   body: ByteBuffer(string: #"{"invoice_reference":"INV-P","amount_cents":5000}"#))
                    #expect(paid.json["paid"] as? Bool == true)
                }
                try await StandingJobs.runNonPayment(app, now: app.now)
                let standing = try await StandingTestKit.reload(app, late.account).standing
                #expect(standing == (day >= 25 ? "terminated" : "active"), "March \(day)")
                subjects[day] = try await TestData.mail(app, to: late.user.email).count
            }
            #expect(subjects[3] == 0 && subjects[4] == 1 && subjects[10] == 1 && subjects[11] == 2 && subjects[18] == 3 && subjects[24] == 3)
            #expect(try await TestData.mail(app, to: late.user.email).last?.subject.contains("terminated") == true)
            #expect(try await StandingTestKit.reload(app, payer.account).standing == "active", "paying in full stops termination")
            #expect(try await StandingTestKit.records(app, late.account).count == 1)
        }
    }

    @Test("STD-8: a leap-year February terminates from the 23rd")
    func leapFebruary() async throws {
        try await withTrustDesk { app in
            app.trustDeskConfiguration.serviceToken = StandingTestKit.serviceToken
            let acme = try await TestData.customer(app, "uma")
            app.clock.set(StandingTestKit.utc(2028, 2, 1))
            _ = try await Self.invoice(app, acme.account, reference: "INV-J", billRun: "2028-01", due: "2028-02-01")
            for day in 1...29 {
                app.clock.set(StandingTestKit.utc(2028, 2, day))
                try await StandingJobs.runNonPayment(app, now: app.now)
                #expect(try await StandingTestKit.reload(app, acme.account).standing == (day >= 23 ? "terminated" : "active"), "2028-02-\(day)")
            }
        }
    }
}

@Suite("STD-1: demo world")
struct StandingDemoTests {
    @Test("STD-1: the demo world has an account in each standing, each with its record, and dedicated IPs on Acme")
    func demo() async throws {
        try await withTrustDesk { app in
            let loaded = try #require(try await DemoWorld.loadIfEmpty(app))
            let standings = Set(try await Account.query(on: app.db).all().map(\.standing))
            #expect(standings == Set(Standing.allCases.map(\.rawValue)))
            #expect(try await EnforcementRecord.query(on: app.db).count() == DemoStanding.samples.count + DemoPrivacy.closedAccounts.count)
            #expect(try await DedicatedIP.query(on: app.db).filter(\.$accountSID == loaded.acmeSubaccountSID).count() == 1)
            #expect(try await ReviewRequest.query(on: app.db).count() == 1)
        }
    }
}

@Suite("STD-6: sign-up vetting on confirmation")
struct SignupVettingTests {
    @Test("STD-6: a sign-up from a disposable address is closed at confirmation and notified; a company address stays active")
    func rejectAtConfirmation() async throws {
        try await withTrustDesk { app in
            let browser = Browser(app)
            let token = try await browser.signUp(["full_name": "Vic Throwaway", "email": "vic@mailinator.com", "username": "vic.t",
                                                  "password": "a-long-password-123", "account_name": "Vic Co"])
            _ = try await browser.get("/signup/confirm?token=\(token)")
            _ = try await browser.post("/signup/confirm", ["token": token])
            let account = try #require(try await Account.query(on: app.db).filter(\.$friendlyName == "Vic Co").first())
            #expect(account.standing == "closed")
            let record = try #require(try await StandingTestKit.records(app, account).first)
            #expect(record.reason == "vetting_rejected" && record.evidence.contains("disposable_email_domain"))
            #expect(try await TestData.mail(app, to: "vic@mailinator.com").last?.body.contains("did not pass vetting") == true)

            let fine = try await TestData.customer(app, "wes")
            let result = try await SignupVetting(database: app.db, now: app.now, publicURL: "http://127.0.0.1:8080").vet(fine.account, owner: fine.user)
            #expect(result.outcome == .approve)
            #expect(try await StandingTestKit.reload(app, fine.account).standing == "active")
        }
    }

    @Test("STD-6: a review outcome leaves the account pending vetting with a Consumer Trust ticket")
    func review() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "xan")
            var policy = VettingPolicy()
            policy.reviewAt = 0
            policy.rejectAt = 100
            let lenient = policy
            _ = try await app.db.transaction { db in
                try await SignupVetting(database: db, now: app.now, publicURL: "http://127.0.0.1:8080", policy: lenient)
                    .vet(acme.account, owner: acme.user)
            }
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "pending_vetting")
            #expect(try await Ticket.query(on: app.db).filter(\.$accountSID == acme.account.sid).count() == 1)
            let refused = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(acme.account.sid)", headers: TestData.basic(acme.account.sid, acme.authToken))
            #expect(refused.errorCode == 20306)
        }
    }
}

@Suite("STD-10: closing by the owner")
struct StandingCloseTests {
    @Test("STD-10: only the owner closes an account, by typing its name; a closed account refuses the API with 20305")
    func ownerCloses() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "yve")
            _ = try await TestData.teammate(app, "zed", role: .admin, on: acme.account)
            let admin = try await StandingTestKit.customerBrowser(app, "zed")
            let adminPage = try await admin.get("/console/accounts/\(acme.account.sid)/standing")
            #expect(!adminPage.text.contains("id=\"close-form\""))
            #expect(try await admin.post("/console/accounts/\(acme.account.sid)/standing/close", ["confirm": acme.account.friendlyName]).errorCode == 20006)

            let owner = try await StandingTestKit.customerBrowser(app, "yve")
            #expect(try await owner.get("/console/accounts/\(acme.account.sid)/standing").text.contains("id=\"close-form\""))
            #expect(try await owner.post("/console/accounts/\(acme.account.sid)/standing/close", ["confirm": "nope"]).errorCode == 20311)
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "active")
            _ = try await owner.get("/console/accounts/\(acme.account.sid)/standing")
            let closed = try await owner.post("/console/accounts/\(acme.account.sid)/standing/close", ["confirm": acme.account.friendlyName])
            #expect(closed.errorCode == nil)
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "closed")
            #expect(try await StandingTestKit.records(app, acme.account).last?.decidedBy == acme.user.sid)
            let api = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(acme.account.sid)", headers: TestData.basic(acme.account.sid, acme.authToken))
            #expect(api.errorCode == 20305)
        }
    }

    @Test("STD-1: of two decisions racing on one account, the second is refused and unrecorded")
    func race() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "ari")
            let stale = try await StandingTestKit.reload(app, acme.account)
            try await StandingTestKit.apply(app, StandingDecision(to: .suspended, reason: .fraud, decider: .rule(StandingRule.abuseDetection)), to: acme.account)
            await #expect(throws: DomainError.self) {
                try await app.db.transaction { db in
                    try await StandingService(database: db, now: app.now, configuration: app.trustDeskConfiguration)
                        .apply(StandingDecision(to: .dormant, reason: .dormancy, decider: .rule(StandingRule.dormancy)), to: stale)
                }
            }
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "suspended")
            #expect(try await StandingTestKit.records(app, acme.account).count == 1)
        }
    }
}

@Suite("STD-7: usage tracking")
struct StandingUsageTests {
    @Test("STD-7: API requests record usage at most hourly; sign-in records it too")
    func usage() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "bo")
            let headers = TestData.basic(acme.account.sid, acme.authToken)
            _ = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(acme.account.sid)", headers: headers)
            let first = try #require(try await AccountActivity.find(acme.account.sid, on: app.db))
            #expect(first.lastUsedAt == testEpoch)
            app.clock.advance(by: 1800)
            _ = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(acme.account.sid)", headers: headers)
            #expect(try await AccountActivity.find(acme.account.sid, on: app.db)?.lastUsedAt == testEpoch)
            app.clock.advance(by: 1800)
            _ = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(acme.account.sid)", headers: headers)
            #expect(try await AccountActivity.find(acme.account.sid, on: app.db)?.lastUsedAt == testEpoch.addingTimeInterval(3600))
            app.clock.advance(by: 7200)
            _ = try await StandingTestKit.customerBrowser(app, "bo")
            let afterSignIn = try #require(try await AccountActivity.find(acme.account.sid, on: app.db))
            #expect(afterSignIn.lastUsedAt == testEpoch.addingTimeInterval(3600 + 7200))
            #expect(afterSignIn.dormancyDueAt == afterSignIn.lastUsedAt.addingTimeInterval(166 * 86_400))
        }
    }
}
