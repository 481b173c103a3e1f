import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Navigation: every area reachable as the role allows, the current page marked")
struct NavigationTests {
    /// The links of the main navigation, in order, and the one marked current.
    static func mainNav(_ html: String) -> (links: [String], current: [String]) {
        guard let start = html.range(of: "<nav aria-label=\"Main\">"),
              let end = html.range(of: "</nav>", range: start.upperBound..<html.endIndex) else { return ([], []) }
        let nav = String(html[start.upperBound..<end.lowerBound])
        return (hrefs(nav, marked: false), hrefs(nav, marked: true))
    }

    static func hrefs(_ html: String, marked: Bool) -> [String] {
        let pattern = marked ? #"<a href="([^"]+)" aria-current="page">"# : #"<a href="([^"]+)""#
        let regex = try? NSRegularExpression(pattern: pattern)
        let range = NSRange(html.startIndex..., in: html)
        return (regex?.matches(in: html, range: range) ?? []).compactMap { match in
            Range(match.range(at: 1), in: html).map { String(html[$0]) }
        }
    }

    @Test("SEC-3: each role's staff navigation lists every area it may open, each opens, and no other area does")
    func staffAreasByRole() async throws {
        try await withTrustDesk { app in
            for role in StaffRole.allCases {
                let (browser, _) = try await StandingTestKit.staffBrowser(app, role: role)
                let home = try await browser.get("/staff/api-keys")
                #expect(home.status == .ok)
                let (links, current) = Self.mainNav(home.text)
                #expect(current == ["/staff/api-keys"], "\(role)")
                #expect(links.contains("/staff/support") && links.contains("/security") && links.contains("/preferences"), "\(role)")
                #expect(!links.contains("/console"), "\(role): staff have their own console")
                // Every area of either console: a link shows exactly when following it opens the page.
                for area in SiteNavigation.areas {
                    let page = try await browser.get(area.href)
                    #expect(links.contains(area.href) == (page.status == .ok), "\(role) \(area.href): \(page.status)")
                    if links.contains(area.href) {
                        #expect(Self.mainNav(page.text).current == [area.href], "\(role) \(area.href) is marked current")
                    }
                }
            }
        }
    }

    @Test("SEC-3: an administrator reaches accounts, queues, both trust desks, reviews, calendars, reports, status, privacy and API keys")
    func administratorSeesEverything() async throws {
        try await withTrustDesk { app in
            let (browser, _) = try await StandingTestKit.staffBrowser(app, role: .admin)
            let (links, _) = Self.mainNav(try await browser.get("/staff/accounts").text)
            #expect(links == ["/staff/accounts", "/staff/support", "/staff/consumer-trust", "/staff/trust", "/staff/standing/reviews",
                              "/staff/support/calendars", "/staff/support/reports", "/staff/status", "/staff/privacy", "/staff/api-keys", "/security", "/preferences"])
            let calendars = try await browser.get("/staff/support/calendars")
            #expect(Self.mainNav(calendars.text).current == ["/staff/support/calendars"], "the deepest area holding the page is marked, not the queues")
        }
    }

    @Test("Deep staff pages show the trail back to their area, ending with the page itself")
    func breadcrumbs() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "wren", account: "Acme Widgets")
            let (browser, _) = try await StandingTestKit.staffBrowser(app, role: .trustSafety)
            let account = try await browser.get("/staff/accounts/\(acme.account.sid)")
            #expect(account.text.contains("<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\"><ol><li><a href=\"/staff/accounts\">Accounts</a></li><li><span aria-current=\"page\">"))
            #expect(Self.mainNav(account.text).current == ["/staff/accounts"])
            let trust = try await browser.get("/staff/trust/accounts/\(acme.account.sid)")
            #expect(trust.status == .ok)
            #expect(trust.text.contains("<li><a href=\"/staff/trust\">Progressive Trust</a></li>"))
            let top = try await browser.get("/staff/trust")
            #expect(!top.text.contains("aria-label=\"Breadcrumb\""), "an area's own page needs no trail")
        }
    }

    @Test("A customer reaches standing and closing from the account page; the account navigation marks the page shown")
    func customerAccount() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "wren", account: "Acme Widgets")
            let browser = try await StandingTestKit.customerBrowser(app, "wren")
            let sid = acme.account.sid
            let overview = try await browser.get("/console/accounts/\(sid)")
            #expect(Self.mainNav(overview.text).links == ["/console", "/console/support", "/console/privacy", "/security", "/preferences"])
            #expect(Self.mainNav(overview.text).current == ["/console"])
            #expect(overview.text.contains("<a href=\"/console/accounts/\(sid)\" aria-current=\"page\">Overview</a>"))
            #expect(overview.text.contains("id=\"account-standing-link\" href=\"/console/accounts/\(sid)/standing\""))
            #expect(overview.text.contains("id=\"account-close-link\" class=\"danger\" href=\"/console/accounts/\(sid)/standing#close-form\""))
            let standing = try await browser.get("/console/accounts/\(sid)/standing")
            #expect(standing.text.contains("<a href=\"/console/accounts/\(sid)/standing\" aria-current=\"page\">Standing</a>"))
            #expect(standing.text.contains("id=\"close-form\""), "the link lands on the form")
            #expect(!standing.text.contains("aria-current=\"page\">Overview"))
            let tickets = try await browser.get("/console/support")
            #expect(Self.mainNav(tickets.text).current == ["/console/support"])
        }
    }

    @Test("SEC-3: a customer's teammate without the right to close sees no link to close")
    func noCloseLinkWithoutRight() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "wren", account: "Acme Widgets")
            _ = try await TestData.teammate(app, "xia", role: .developer, on: acme.account)
            let browser = try await StandingTestKit.customerBrowser(app, "xia")
            let overview = try await browser.get("/console/accounts/\(acme.account.sid)")
            #expect(overview.status == .ok)
            #expect(overview.text.contains("id=\"account-standing-link\""))
            #expect(!overview.text.contains("id=\"account-close-link\""))
        }
    }
}
