import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Support desk: demo world")
struct DemoSupportTests {
    @Test("SUP-1 SUP-6: the demo has Acme on personalized with its TAMs, Blue Harbor on standard, and tickets in every status")
    func demo() async throws {
        try await withTrustDesk { app in
            let loaded = try #require(try await DemoWorld.loadIfEmpty(app))
            let acme = try #require(try await SupportProfile.find(loaded.acmeSID, on: app.db))
            let taylor = try #require(try await User.query(on: app.db).filter(\.$username == "staff.taylor").first())
            #expect(acme.plan == "personalized" && acme.primaryTAMSID == taylor.sid && acme.secondaryTAMSID != nil && acme.tamManagerSID != nil)
            #expect(try await SupportProfile.find(loaded.blueHarborSID, on: app.db)?.plan == "standard")
            let statuses = Set(try await Ticket.query(on: app.db).all().map(\.status))
            #expect(statuses == Set(TicketStatus.allCases.map(\.rawValue)))
            // A demo customer sees the console pages.
            let browser = Browser(app)
            _ = try await browser.signIn("avery", password: DemoWorld.password)
            #expect(try await browser.get("/console/support").text.contains("Choppy audio on conference bridge"))
            #expect(try await browser.get("/console/support/account").text.contains("Taylor Reed"))
        }
    }
}
