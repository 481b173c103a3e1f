import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Progressive Trust: demo world")
struct DemoTrustTests {
    @Test("PT-1 PT-2 PT-10: the demo enrols senders with different scores, one near its cap, an open request with its ticket and a decided score review")
    func demo() async throws {
        try await withTrustDesk { app in
            let loaded = try #require(try await DemoWorld.loadIfEmpty(app))
            let acme = try #require(try await TrustProfile.find(loaded.acmeSID, on: app.db))
            let harbor = try #require(try await TrustProfile.find(loaded.blueHarborSID, on: app.db))
            let eu = try #require(try await TrustProfile.find(loaded.acmeSubaccountSID, on: app.db))
            #expect(acme.score == 2 && eu.score == 3)
            // Blue Harbor was enrolled at 4; its approved review holds it at 3.
            let enrolment = try await TrustScoreRecord.query(on: app.db).filter(\.$accountSID == loaded.blueHarborSID).filter(\.$source == "enrolment").first()
            #expect(enrolment?.score == 4)
            #expect(harbor.overrideScore == 3 && harbor.score == 3)
            #expect(Set([acme.dailyLimit, eu.dailyLimit, harbor.dailyLimit]).count == 3)
            let open = try #require(try await TrustRequest.query(on: app.db).filter(\.$status == "open").first())
            let ticket = try #require(try await Ticket.find(open.ticketNumber, on: app.db))
            #expect(ticket.groupName == SupportGroup.trustSafety && ticket.ticketStatus == .new)
            #expect(try await TrustRequest.query(on: app.db).filter(\.$status == "approved").filter(\.$kind == "score_review").count() == 1)

            let riley = Browser(app)
            _ = try await riley.signIn("staff.riley", password: DemoWorld.password)
            try await riley.get("/signin/two-factor")
            try await riley.post("/signin/two-factor", ["code": TestData.code(app)])
            let overview = try await riley.get("/staff/trust")
            #expect(overview.text.contains(loaded.acmeSubaccountSID))
            #expect(overview.text.contains("href=\"/staff/support/tickets/\(ticket.number)\""))
            let group = try await riley.get("/staff/support?queue=group")
            #expect(group.text.contains(ticket.subject))
            let panel = try await riley.get("/staff/support/tickets/\(ticket.number)")
            #expect(panel.text.contains("id=\"trust-approve-form\""))

            let avery = Browser(app)
            _ = try await avery.signIn("avery", password: DemoWorld.password)
            let page = try await avery.get("/console/accounts/\(loaded.acmeSID)/messaging")
            #expect(page.status == .ok)
            // Each of the 60 days is a titled slot in the chart, and the demo admitted SMS on every one.
            #expect(page.text.components(separatedBy: "<g class=\"day\">").count == 61)
            #expect(page.text.components(separatedBy: "<rect class=\"bar\"").count == 61)
            #expect(page.text.contains("href=\"/console/support/tickets/\(ticket.number)\""))
        }
    }
}
