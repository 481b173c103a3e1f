import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// An account with two subaccounts and a dedicated address on each, to be banned.
private struct BanTarget {
    let parent: TestData.Customer
    let subaccounts: [Account]

    static func make(_ app: Application, _ username: String) async throws -> BanTarget {
        let parent = try await TestData.customer(app, username, account: "Rocket \"Ray\" & Co")
        let accounts = app.accounts(now: app.now)
        let (eu, _) = try await accounts.createSubaccount(of: parent.account, named: "Rocket EU", limits: app.trustDeskConfiguration.subaccountLimits)
        let (us, _) = try await accounts.createSubaccount(of: parent.account, named: "Rocket US", limits: app.trustDeskConfiguration.subaccountLimits)
        for (account, address) in [(parent.account, "192.0.2.40"), (eu, "192.0.2.41"), (us, "2001:db8::42")] {
            try await DedicatedIP(account: account.sid, address: address, now: app.now).create(on: app.db)
        }
        return BanTarget(parent: parent, subaccounts: [eu, us])
    }

    var all: [Account] { [parent.account] + subaccounts }
    var path: String { "/staff/accounts/\(parent.account.sid)/standing" }

    func standings(_ app: Application) async throws -> [String] {
        var result: [String] = []
        for account in all { result.append(try await StandingTestKit.reload(app, account).standing) }
        return result
    }

    func recordCount(_ app: Application) async throws -> Int {
        try await EnforcementRecord.query(on: app.db).filter(\.$accountSID ~~ all.map(\.sid)).count()
    }
}

private let banForm = [
    "from": "active", "action": "banned:ban",
    "justification": "Sent lookalike bank login links to 4,000 numbers after two warnings.",
    "evidence": "Carrier complaint CR-2026-77; abuse ticket #4411.",
]

/// Sends every request at once and answers each one's status and error code.
private func race(_ requests: [@Sendable () async throws -> TestingHTTPResponse]) async throws -> [(status: UInt, code: Int?)] {
    try await withThrowingTaskGroup(of: (status: UInt, code: Int?).self) { group in
        for request in requests {
            group.addTask {
                let response = try await request()
                return (response.status.code, response.errorCode)
            }
        }
        return try await group.reduce(into: []) { $0.append($1) }
    }
}

/// Sends one form post with a browser's cookies and CSRF token, from any task.
private func formPost(_ app: Application, _ path: String, cookies: String, _ fields: [String: String]) async throws -> TestingHTTPResponse {
    var headers = HTTPHeaders()
    headers.replaceOrAdd(name: .cookie, value: cookies)
    headers.contentType = .urlEncodedForm
    headers.replaceOrAdd(name: .accept, value: "text/html")
    return try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: Browser.formEncode(fields)))
}

private func cookieHeader(_ browser: Browser) -> String {
    browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
}

@Suite("STD-1, STD-3, STD-9: guard rails on the staff standing page")
struct StandingGuardRailsPageTests {
    @Test("STD-1: nothing is preselected; Continue on an untouched form changes nothing and says beside each field what is missing")
    func untouchedForm() async throws {
        try await withTrustDesk { app in
            let target = try await BanTarget.make(app, "ray")
            let (staff, _) = try await StandingTestKit.staffBrowser(app, role: .trustSafetyLead)
            let page = try await staff.get(target.path)
            let select = try #require(capture(#"(<select id="action".*?</select>)"#, in: page.text))
            #expect(select.contains(#"<option value="">Choose…</option>"#))
            #expect(!select.contains("selected"), "no change is chosen for the staff member")
            #expect(select.contains("Ban permanently (asks for confirmation)") && !select.contains("banned:ban\">banned"))

            let refused = try await staff.post(target.path, ["from": "active"])
            #expect(refused.status == .badRequest)
            #expect(refused.errorCode == 20001)
            #expect(refused.text.contains(#"<p class="field-error" id="action-error">choose the change to make.</p>"#))
            #expect(refused.text.contains(#"id="justification-error""#))
            #expect(refused.text.contains(#"aria-describedby="action-error" aria-invalid="true""#))
            #expect(refused.text.contains("2 problems need your attention:"))
            #expect(try await target.standings(app) == ["active", "active", "active"])
            #expect(try await target.recordCount(app) == 0)
        }
    }

    @Test("STD-1: a missing or short justification is refused with 20309 beside the field; what was typed and chosen stays")
    func shortJustification() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "sol")
            let (staff, _) = try await StandingTestKit.staffBrowser(app, role: .trustSafety)
            let path = "/staff/accounts/\(acme.account.sid)/standing"
            try await staff.get(path)
            let refused = try await staff.post(path, ["from": "active", "action": "suspended:fraud", "justification": "  fraud   ", "evidence": "Chargebacks <b>CB-9</b>"])
            #expect(refused.status == .badRequest && refused.errorCode == 20309)
            #expect(refused.text.contains(#"<option value="suspended:fraud" selected>Suspend: suspected fraud</option>"#))
            #expect(refused.text.contains(">  fraud   </textarea>"), "the justification as typed")
            #expect(refused.text.contains("Chargebacks &lt;b&gt;CB-9&lt;/b&gt;</textarea>"), "the evidence as typed, escaped")
            #expect(refused.text.contains(#"id="justification-error">a suspension needs a written justification of 10 to 2,000 characters; the account holder is told it.</p>"#))
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "active")
            #expect(try await StandingTestKit.records(app, acme.account).isEmpty)

            let done = try await staff.post(path, ["from": "active", "action": "suspended:fraud", "justification": "Card testing: 300 small charges in an hour.", "evidence": ""])
            #expect(done.status == .ok && done.errorCode == nil)
            #expect(done.text.contains("is now suspended"))
            let record = try #require(try await StandingTestKit.records(app, acme.account).last)
            #expect(record.justification == "Card testing: 300 small charges in an hour.")
            #expect(record.decidedByRole == "trust_safety")
        }
    }

    @Test("STD-9: a ban without evidence is refused; with it, a confirmation step names the account, its subaccounts and addresses, and nothing changes yet")
    func banNeedsEvidenceThenConfirmation() async throws {
        try await withTrustDesk { app in
            let target = try await BanTarget.make(app, "ray")
            let (staff, _) = try await StandingTestKit.staffBrowser(app, role: .trustSafety)
            try await staff.get(target.path)
            var noEvidence = banForm
            noEvidence["evidence"] = "   "
            let refused = try await staff.post(target.path, noEvidence)
            #expect(refused.errorCode == 20310)
            #expect(refused.text.contains(#"id="evidence-error">a ban needs evidence of 10 to 2,000 characters"#))
            #expect(refused.text.contains(#"<option value="banned:ban" selected>"#))
            #expect(refused.text.contains("Sent lookalike bank login links to 4,000 numbers after two warnings.</textarea>"))

            let step = try await staff.post(target.path, banForm)
            #expect(step.status == .ok && step.errorCode == nil)
            #expect(step.text.contains(#"id="confirm-form""#))
            #expect(step.text.contains("Rocket &quot;Ray&quot; &amp; Co"), "the account by name")
            let subaccounts = try #require(capture(#"(<ul id="confirm-subaccounts">.*?</ul>)"#, in: step.text))
            for sub in target.subaccounts { #expect(subaccounts.contains(sub.sid) && subaccounts.contains(sub.friendlyName)) }
            let addresses = try #require(capture(#"(<ul id="confirm-addresses">.*?</ul>)"#, in: step.text))
            for address in ["192.0.2.40", "192.0.2.41", "2001:db8::42"] { #expect(addresses.contains(address)) }
            #expect(step.text.contains(#"id="confirm-notified""#) && step.text.contains(target.parent.user.email))
            #expect(step.text.contains("Ban Rocket &quot;Ray&quot; &amp; Co and 2 subaccounts"))
            #expect(step.text.contains(#"<input type="hidden" name="justification" value="Sent lookalike bank login links to 4,000 numbers after two warnings.">"#))
            #expect(try await target.standings(app) == ["active", "active", "active"])
            #expect(try await target.recordCount(app) == 0)
            #expect(try await DedicatedIP.query(on: app.db).filter(\.$releasedAt == nil).count() == 3)
        }
    }

    @Test("STD-9: a wrong confirmation changes nothing and keeps what was typed; Back returns to the filled-in form")
    func wrongConfirmation() async throws {
        try await withTrustDesk { app in
            let target = try await BanTarget.make(app, "ray")
            let (staff, _) = try await StandingTestKit.staffBrowser(app, role: .trustSafety)
            try await staff.get(target.path)
            try await staff.post(target.path, banForm)
            for typed in ["", "rocket \"ray\" & co", "Rocket EU", target.parent.account.sid] {
                var form = banForm
                form["confirm"] = typed
                let refused = try await staff.post(target.path, form)
                #expect(refused.status == .badRequest && refused.errorCode == 20311, "\(typed)")
                #expect(refused.text.contains(#"id="confirm-form""#), "the confirmation step again")
                #expect(refused.text.contains(#"id="confirm-error""#) && refused.text.contains(#"aria-describedby="confirm-error" aria-invalid="true""#))
                #expect(refused.text.contains("Rocket &quot;Ray&quot; &amp; Co."), "the message names the account to type")
                let escaped = typed.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
                #expect(refused.text.contains(#"name="confirm" required autocomplete="off" spellcheck="false" value="\#(escaped)""#), "typed: \(typed)")
            }
            #expect(try await target.standings(app) == ["active", "active", "active"])
            #expect(try await target.recordCount(app) == 0)

            var back = banForm
            back["step"] = "edit"
            back["confirm"] = "not yet"
            let edit = try await staff.post(target.path, back)
            #expect(edit.status == .ok && edit.errorCode == nil)
            #expect(edit.text.contains(#"id="standing-form""#))
            #expect(edit.text.contains(#"<option value="banned:ban" selected>"#))
            #expect(edit.text.contains("Carrier complaint CR-2026-77; abuse ticket #4411.</textarea>"))
        }
    }

    @Test("STD-9: the right confirmation bans the account and every subaccount, releases their addresses and tells the owner why; the history names the decider and uses labels")
    func confirmedBanCascades() async throws {
        try await withTrustDesk { app in
            let target = try await BanTarget.make(app, "ray")
            let (staff, staffUser) = try await StandingTestKit.staffBrowser(app, role: .trustSafety)
            try await staff.get(target.path)
            try await staff.post(target.path, banForm)
            var confirmed = banForm
            confirmed["confirm"] = "  Rocket \"Ray\" & Co "
            let done = try await staff.post(target.path, confirmed)
            #expect(done.status == .ok && done.errorCode == nil)
            #expect(done.text.contains("is now banned"))
            #expect(try await target.standings(app) == ["banned", "banned", "banned"])
            #expect(try await DedicatedIP.query(on: app.db).filter(\.$releasedAt == nil).count() == 0)
            let record = try #require(try await StandingTestKit.records(app, target.parent.account).first)
            #expect(record.decidedBy == staffUser.sid && record.decidedByRole == "trust_safety")
            #expect(record.evidence == "Carrier complaint CR-2026-77; abuse ticket #4411.")
            for sub in target.subaccounts {
                let cascaded = try #require(try await StandingTestKit.records(app, sub).first)
                #expect(cascaded.reason == "ban_cascade" && cascaded.justification == record.justification)
            }
            let mail = try #require(try await TestData.mail(app, to: target.parent.user.email).last)
            #expect(mail.body.contains("Our reason: Sent lookalike bank login links to 4,000 numbers after two warnings."))

            let history = try #require(capture(#"(<table id="standing-history".*?</table>)"#, in: done.text))
            #expect(history.contains("\(staffUser.fullName) (Trust and safety)"))
            #expect(history.contains("Active → <strong>Banned</strong>") && history.contains("<td>Ban</td>"))
            #expect(!history.contains(staffUser.sid) && !history.contains("banned:ban") && !history.contains(">banned<"))
            let sub = try await staff.get("/staff/accounts/\(target.subaccounts[0].sid)/standing")
            #expect(sub.text.contains("Main account banned") && sub.text.contains("Automated: ban of the main account"))
            let accountPage = try await staff.get("/staff/accounts/\(target.parent.account.sid)")
            #expect(accountPage.text.contains(#"<dd id="account-status">Banned</dd>"#), "the staff account page names the standing too")
        }
    }

    @Test("STD-3: the customer's banner and notice carry the staff member's justification; their history shows labels")
    func customerIsTold() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "una")
            let (staff, _) = try await StandingTestKit.staffBrowser(app, role: .trustSafety)
            let path = "/staff/accounts/\(acme.account.sid)/standing"
            try await staff.get(path)
            try await staff.post(path, ["from": "active", "action": "suspended:abusive_traffic",
                                        "justification": "Your traffic to +1 555 0100 numbers tripled overnight", "evidence": "Traffic report TR-5"])
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "suspended")
            let mail = try #require(try await TestData.mail(app, to: acme.user.email).last)
            #expect(mail.body.contains("Our reason: Your traffic to +1 555 0100 numbers tripled overnight."))
            let customer = try await StandingTestKit.customerBrowser(app, "una")
            let page = try await customer.get("/console/accounts/\(acme.account.sid)/standing")
            let banner = try #require(capture(#"id="standing-banner">(.*?)</p>"#, in: page.text))
            #expect(banner.contains("Our reason: Your traffic to +1 555 0100 numbers tripled overnight."))
            #expect(page.text.contains(#"<dd id="standing" data-standing="suspended">Suspended</dd>"#))
            let history = try #require(capture(#"(<table id="standing-history".*?</table>)"#, in: page.text))
            #expect(history.contains("Abusive traffic") && history.contains("Our staff") && !history.contains("abusive_traffic"))
        }
    }

    @Test("STD-1: two staff members ban at once: one wins, the other gets a conflict, and there is one record per account")
    func concurrentBans() async throws {
        try await withTrustDesk { app in
            let target = try await BanTarget.make(app, "ray")
            var clients: [(cookies: String, csrf: String)] = []
            for role in [StaffRole.trustSafety, .trustSafetyLead, .admin] {
                let (browser, _) = try await StandingTestKit.staffBrowser(app, role: role)
                try await browser.get(target.path)
                clients.append((cookieHeader(browser), try #require(browser.csrfToken)))
            }
            let path = target.path
            var form = banForm
            form["confirm"] = target.parent.account.friendlyName
            let statuses = try await race(clients.map { client in
                var fields = form
                fields["csrf_token"] = client.csrf
                return { [fields] in try await formPost(app, path, cookies: client.cookies, fields) }
            })
            #expect(statuses.filter { $0.status == 200 && $0.code == nil }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0.status == 409 && $0.code == 20011 }.count == clients.count - 1, "\(statuses)")
            #expect(try await target.standings(app) == ["banned", "banned", "banned"])
            for account in target.all { #expect(try await StandingTestKit.records(app, account).count == 1) }
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$recipient == target.parent.user.email).count() == 1)
        }
    }

    @Test("STD-1: a decision made on a page that is out of date is refused with 20011, and the form keeps what was typed")
    func staleDecision() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "vic")
            let (first, _) = try await StandingTestKit.staffBrowser(app, role: .trustSafety)
            let path = "/staff/accounts/\(acme.account.sid)/standing"
            try await first.get(path)
            try await StandingTestKit.apply(app, StandingDecision(to: .suspended, reason: .abusiveTraffic, decider: .rule(StandingRule.abuseDetection), evidence: "spike"), to: acme.account)
            // Suspended -> suspended is no path for fraud, but a path exists for exposed
            // credentials; the stale check answers first either way.
            let stale = try await first.post(path, ["from": "active", "action": "suspended:fraud", "justification": "Card testing seen in the payment logs."])
            #expect(stale.status == .conflict && stale.errorCode == 20011)
            #expect(stale.text.contains("changed from active to suspended"))
            #expect(stale.text.contains("Card testing seen in the payment logs.</textarea>"))
            #expect(try await StandingTestKit.records(app, acme.account).count == 1)
        }
    }

    @Test("STD-9: support agents can't lift a ban; a lead's lift needs 20+ characters, stored and shown with their name and role")
    func liftNeedsLead() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "wes")
            try await StandingTestKit.ban(app, acme.account)
            let (lead, leadUser) = try await StandingTestKit.staffBrowser(app, role: .trustSafetyLead)
            let path = "/staff/accounts/\(acme.account.sid)/standing"
            let page = try await lead.get(path)
            #expect(page.text.contains(#"<option value="active:ban_lifted">Lift the ban</option>"#))
            let short = try await lead.post(path, ["from": "banned", "action": "active:ban_lifted", "justification": "Was a mistake."])
            #expect(short.errorCode == 20309 && short.text.contains("lifting a ban needs a written justification of 20 to 2,000 characters"))
            let lifted = try await lead.post(path, ["from": "banned", "action": "active:ban_lifted", "justification": "The traffic came from a compromised partner, now removed."])
            #expect(lifted.errorCode == nil && lifted.text.contains("is now active"))
            #expect(lifted.text.contains("\(leadUser.fullName) (Trust and safety lead)"))
        }
    }

    @Test("STD-4 and STD-5: a takeover and an exposed-credential report need a justification too, each shown beside its own form")
    func takeoverAndExposed() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "xia")
            let (staff, _) = try await StandingTestKit.staffBrowser(app, role: .trustSafety)
            let path = "/staff/accounts/\(acme.account.sid)/standing"
            try await staff.get(path)
            let takeover = try await staff.post("\(path)/takeover", ["from": "active", "case_reference": "FR-77", "revoke_credentials": "on", "takeover_justification": "short"])
            #expect(takeover.errorCode == 20309)
            #expect(takeover.text.contains(#"id="takeover_justification-error">a suspension needs a written justification"#))
            #expect(takeover.text.contains(#"value="FR-77""#) && takeover.text.contains(#"value="on" checked"#))
            #expect(!takeover.text.contains(#"id="justification-error""#), "the change form is not blamed")
            let exposed = try await staff.post("\(path)/exposed", ["credential": "SK00000000000000000000000000000000", "url": "", "exposed_justification": ""])
            #expect(exposed.status == .badRequest)
            #expect(exposed.text.contains(#"id="url-error""#) && exposed.text.contains(#"id="exposed_justification-error""#))
            #expect(exposed.text.contains(#"value="SK00000000000000000000000000000000""#))
            #expect(try await StandingTestKit.records(app, acme.account).isEmpty)
            #expect(try await StandingTestKit.reload(app, acme.account).standing == "active")
        }
    }
}

private func post(_ app: Application, _ path: String, _ headers: HTTPHeaders, _ body: [String: String]) async throws -> TestingHTTPResponse {
    let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
    return try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(bytes: data))
}

@Suite("STD-1, STD-9: guard rails on the staff standing API")
struct StandingGuardRailsAPITests {
    @Test("STD-1: GET says what each change needs, the name that confirms it, the subaccounts and addresses a ban touches")
    func requirements() async throws {
        try await withTrustDesk { app in
            let target = try await BanTarget.make(app, "ray")
            let (_, headers) = try await staffKey(app, role: .trustSafety)
            let view = try await app.testing().sendRequest(.GET, "/v1/Staff/Accounts/\(target.parent.account.sid)/Standing", headers: headers)
            #expect(view.status == .ok)
            #expect(view.json["confirmation_name"] as? String == "Rocket \"Ray\" & Co")
            #expect((view.json["dedicated_ips"] as? [String]) == ["192.0.2.40"])
            let subs = try #require(view.json["subaccounts"] as? [[String: Any]])
            #expect(Set(subs.compactMap { $0["account_sid"] as? String }) == Set(target.subaccounts.map(\.sid)))
            let actions = try #require(view.json["allowed_actions"] as? [[String: Any]])
            let ban = try #require(actions.first { $0["reason"] as? String == "ban" })
            #expect(ban["title"] as? String == "Ban permanently")
            #expect(ban["justification_required"] as? Bool == true && ban["minimum_justification"] as? Int == 10)
            #expect(ban["evidence_required"] as? Bool == true && ban["confirmation_required"] as? Bool == true)
            let fraud = try #require(actions.first { $0["reason"] as? String == "fraud" })
            #expect(fraud["evidence_required"] as? Bool == false && fraud["confirmation_required"] as? Bool == false)
            #expect(fraud["justification_required"] as? Bool == true)
        }
    }

    @Test("STD-1 and STD-9: the API refuses a change without justification (20309), a ban without evidence (20310) or the account's name (20311), changing nothing")
    func refusals() async throws {
        try await withTrustDesk { app in
            let target = try await BanTarget.make(app, "ray")
            let (staff, headers) = try await staffKey(app, role: .trustSafety)
            let path = "/v1/Staff/Accounts/\(target.parent.account.sid)/Standing"
            let justification = banForm["justification"] ?? ""
            let evidence = banForm["evidence"] ?? ""
            let cases: [([String: String], Int, String)] = [
                (["to": "suspended", "reason": "fraud"], 20309, "justification:"),
                (["to": "suspended", "reason": "fraud", "justification": "fraud"], 20309, "justification:"),
                (["to": "banned", "reason": "ban", "justification": justification], 20310, "evidence:"),
                (["to": "banned", "reason": "ban", "justification": justification, "evidence": evidence], 20311, "confirm:"),
                (["to": "banned", "reason": "ban", "justification": justification, "evidence": evidence, "confirm": "Rocket EU"], 20311, "confirm:"),
                (["to": "banned", "reason": "ban", "justification": justification, "evidence": evidence, "confirm": "Rocket \"Ray\" & Co",
                  "expected_standing": "suspended"], 20011, "changed from suspended to active"),
            ]
            for (body, code, words) in cases {
                let refused = try await post(app, path, headers, body)
                #expect(refused.errorCode == code, "\(body)")
                #expect(refused.status == (code == 20011 ? .conflict : .badRequest))
                #expect(refused.text.contains(words), "\(refused.text)")
            }
            #expect(try await target.standings(app) == ["active", "active", "active"])
            #expect(try await target.recordCount(app) == 0)
            let audits = try await StaffAuditEvent.query(on: app.db).filter(\.$staffUserSID == staff.sid).filter(\.$action == "api_change_standing").all()
            #expect(audits.map(\.detail).sorted() == ["refused 20011", "refused 20309", "refused 20309", "refused 20310", "refused 20311", "refused 20311"])
        }
    }

    @Test("STD-9: a confirmed ban through the API cascades; the history names the decider and their role")
    func confirmedBan() async throws {
        try await withTrustDesk { app in
            let target = try await BanTarget.make(app, "ray")
            let (staff, headers) = try await staffKey(app, role: .trustSafety)
            var body = banForm
            body["from"] = nil
            body["action"] = nil
            body["to"] = "banned"
            body["reason"] = "ban"
            body["confirm"] = "Rocket \"Ray\" & Co"
            body["expected_standing"] = "active"
            let done = try await post(app, "/v1/Staff/Accounts/\(target.parent.account.sid)/Standing", headers, body)
            #expect(done.status == .ok)
            #expect(done.json["standing"] as? String == "banned")
            let record = try #require((done.json["records"] as? [[String: Any]])?.first)
            #expect(record["decided_by"] as? String == staff.sid)
            #expect(record["decided_by_name"] as? String == "\(staff.fullName) (Trust and safety)")
            #expect(record["decided_by_role"] as? String == "trust_safety")
            #expect(record["justification"] as? String == banForm["justification"])
            #expect(try await target.standings(app) == ["banned", "banned", "banned"])
            #expect(try await DedicatedIP.query(on: app.db).filter(\.$releasedAt == nil).count() == 0)
            let sub = try await app.testing().sendRequest(.GET, "/v1/Staff/Accounts/\(target.subaccounts[0].sid)/Standing", headers: headers)
            let cascaded = try #require((sub.json["records"] as? [[String: Any]])?.first)
            #expect(cascaded["reason"] as? String == "ban_cascade" && cascaded["decided_by"] as? String == "rule:ban_cascade")
        }
    }

    @Test("STD-1: several API clients ban at once: exactly one succeeds, the rest get 409, one record per account")
    func concurrentClients() async throws {
        try await withTrustDesk { app in
            let target = try await BanTarget.make(app, "ray")
            var keys: [HTTPHeaders] = []
            for index in 0..<6 {
                keys.append(try await staffKey(app, role: index.isMultiple(of: 2) ? .trustSafety : .admin, "racer.\(index)").1)
            }
            let path = "/v1/Staff/Accounts/\(target.parent.account.sid)/Standing"
            let body = ["to": "banned", "reason": "ban", "justification": banForm["justification"] ?? "", "evidence": banForm["evidence"] ?? "",
                        "confirm": target.parent.account.friendlyName]
            let results = try await race(keys.map { headers in { try await post(app, path, headers, body) } })
            #expect(results.filter { $0.status == 200 }.count == 1, "\(results)")
            #expect(results.filter { $0.status == 409 && ($0.code == 20011 || $0.code == 20307) }.count == keys.count - 1, "\(results)")
            for account in target.all { #expect(try await StandingTestKit.records(app, account).count == 1) }
            #expect(try await StaffAuditEvent.query(on: app.db).filter(\.$action == "standing_ban").count() == 1)
        }
    }
}
