import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Staff console and SEC-3 audit")
struct StaffConsoleTests {
    static func signedInStaff(_ app: Application, role: StaffRole = .agent) async throws -> (Browser, User) {
        let staff = try await TestData.staff(app, "staff.\(role.rawValue)", role: role)
        let browser = Browser(app)
        _ = try await browser.signIn(staff.username)
        try await browser.get("/signin/two-factor")
        let done = try await browser.post("/signin/two-factor", ["code": TestData.code(app)])
        #expect(done.location == "/staff")
        return (browser, staff)
    }

    @Test("SEC-3: staff find accounts by SID, email, username or name, and see their users")
    func search() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "wren", account: "Acme Widgets")
            _ = try await TestData.teammate(app, "xia", role: .developer, on: acme.account)
            _ = try await TestData.customer(app, "yara", account: "Other Co")
            let (browser, _) = try await Self.signedInStaff(app)

            for query in [acme.account.sid, "wren@example.com", "xia", "widgets", "ACME"] {
                let page = try await browser.get("/staff/accounts?q=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query)")
                #expect(page.status == .ok)
                #expect(page.text.contains(acme.account.sid), "query \(query)")
                #expect(!page.text.contains("Other Co"), "query \(query)")
            }
            let detail = try await browser.get("/staff/accounts/\(acme.account.sid)")
            #expect(detail.text.contains("id=\"account-users\""))
            #expect(detail.text.contains("wren@example.com") && detail.text.contains("xia@example.com"))
            let none = try await browser.get("/staff/accounts?q=%25")
            #expect(!none.text.contains(acme.account.sid))
            #expect(try await browser.get("/staff/accounts?q=ACzz").status == .ok)
            #expect(try await browser.get("/staff/accounts/\(SID.generate(.account))").status == .notFound)
        }
    }

    @Test("SEC-3: every staff search and account view is recorded")
    func audit() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "wren")
            let (browser, staff) = try await Self.signedInStaff(app, role: .trustSafety)
            try await browser.get("/staff/accounts?q=wren")
            try await browser.get("/staff/accounts/\(acme.account.sid)")
            let events = try await StaffAuditEvent.query(on: app.db).filter(\.$staffUserSID == staff.sid).sort(\.$at).all()
            #expect(events.map(\.action) == ["search_accounts", "view_account"])
            #expect(events.last?.accountSID == acme.account.sid)
        }
    }

    @Test("SEC-3: customers and half-signed-in staff can't reach the staff console")
    func staffOnly() async throws {
        try await withTrustDesk { app in
            _ = try await TestData.customer(app, "wren")
            let customer = Browser(app)
            _ = try await customer.signIn("wren")
            #expect(try await customer.get("/staff/accounts").status == .notFound)
            _ = try await TestData.staff(app, "staff.half", role: .admin)
            let half = Browser(app)
            _ = try await half.signIn("staff.half")
            #expect(try await half.get("/staff/accounts").location == "/signin")
        }
    }
}
