import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Times in the viewer's zone")
struct TimeZoneTests {
    static func created(_ html: String) -> String? {
        guard let range = html.range(of: #"<dt>Created</dt><dd>([^<]+)</dd>"#, options: .regularExpression) else { return nil }
        return String(html[range]).replacingOccurrences(of: "<dt>Created</dt><dd>", with: "").replacingOccurrences(of: "</dd>", with: "")
    }

    @Test("Time zones: a customer who chooses a zone reads every time in it, with its abbreviation; empty goes back to UTC")
    func customerChoosesZone() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "wren", account: "Acme Widgets")
            let browser = try await StandingTestKit.customerBrowser(app, "wren")
            let before = try await browser.get("/console/accounts/\(acme.account.sid)")
            #expect(Self.created(before.text) == DateDisplay.utc(acme.account.createdAt))
            #expect(Self.created(before.text)?.hasSuffix(" UTC") == true)

            try await browser.get("/preferences")
            let saved = try await browser.post("/preferences/time-zone", ["time_zone": "Europe/Paris"])
            #expect(saved.status == .ok)
            #expect(saved.text.contains("<option value=\"Europe/Paris\" selected>"))
            #expect(try await User.find(acme.user.sid, on: app.db)?.timeZone == "Europe/Paris")
            let after = try await browser.get("/console/accounts/\(acme.account.sid)")
            let paris = try #require(TimeZone(identifier: "Europe/Paris"))
            let shown = try #require(Self.created(after.text))
            #expect(shown == DateDisplay.format(acme.account.createdAt, in: paris))
            #expect(shown != DateDisplay.utc(acme.account.createdAt))
            #expect(!shown.hasSuffix("UTC") && (shown.hasSuffix("CET") || shown.hasSuffix("CEST") || shown.hasSuffix("GMT+1") || shown.hasSuffix("GMT+2")), "\(shown)")

            try await browser.get("/preferences")
            #expect(try await browser.post("/preferences/time-zone", ["time_zone": ""]).status == .ok)
            #expect(try await User.find(acme.user.sid, on: app.db)?.timeZone == nil)
            #expect(Self.created(try await browser.get("/console/accounts/\(acme.account.sid)").text) == DateDisplay.utc(acme.account.createdAt))
        }
    }

    @Test("Time zones: a mistyped zone is 20030 beside the field, what was sent stays chosen, and nothing changes")
    func mistypedZone() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "wren")
            let browser = try await StandingTestKit.customerBrowser(app, "wren")
            try await browser.get("/preferences")
            _ = try await browser.post("/preferences/time-zone", ["time_zone": "Europe/Paris"])
            let refused = try await browser.post("/preferences/time-zone", ["time_zone": "Europe/Pariss"])
            #expect(refused.status == .badRequest)
            #expect(refused.errorCode == 20030)
            #expect(refused.text.contains("<p class=\"field-error\" id=\"time_zone-error\">"))
            #expect(refused.text.contains("aria-describedby=\"time_zone-error\" aria-invalid=\"true\""))
            #expect(refused.text.contains("<option value=\"Europe/Pariss\" selected>Europe/Pariss (not a time zone)</option>"))
            #expect(try await User.find(acme.user.sid, on: app.db)?.timeZone == "Europe/Paris", "the saved zone stays")
        }
    }

    @Test("Time zones: staff choose theirs too, and the staff pages follow it")
    func staffZone() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "wren", account: "Acme Widgets")
            let (browser, staff) = try await StandingTestKit.staffBrowser(app, role: .admin)
            try await browser.get("/preferences")
            #expect(try await browser.post("/preferences/time-zone", ["time_zone": "America/New_York"]).status == .ok)
            #expect(try await User.find(staff.sid, on: app.db)?.timeZone == "America/New_York")
            let page = try await browser.get("/staff/accounts/\(acme.account.sid)")
            let newYork = try #require(TimeZone(identifier: "America/New_York"))
            #expect(page.text.contains(DateDisplay.format(acme.account.createdAt, in: newYork)))
            #expect(!page.text.contains(DateDisplay.utc(acme.account.createdAt)))
        }
    }

    @Test("Time zones: mail, which no one viewer reads, keeps UTC and says so")
    func mailSaysUTC() {
        let date = Date(timeIntervalSince1970: 1_772_460_300) // 2026-03-02 14:05 UTC
        let shown = DateDisplay.$viewerZone.withValue(TimeZone(identifier: "Europe/Paris") ?? .gmt) {
            (DateDisplay.local(date), DateDisplay.utc(date))
        }
        #expect(shown.1 == "2026-03-02 14:05 UTC")
        #expect(shown.0.hasPrefix("2026-03-02 15:05 "))
    }
}
