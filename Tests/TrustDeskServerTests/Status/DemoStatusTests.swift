import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Status page: demo world")
struct DemoStatusTests {
    @Test("STS-1 STS-2 STS-4: the demo has grouped components, a resolved SMS incident whose RFO ticket reached Acme, an open Voice incident and a maintenance tomorrow")
    func demo() async throws {
        try await withTrustDesk { app in
            let loaded = try #require(try await DemoWorld.loadIfEmpty(app))
            let components = try await StatusComponent.query(on: app.db).all()
            #expect(Set(components.map(\.name)) == ["Messaging", "SMS", "MMS", "WhatsApp", "Voice", "Video", "Email", "Verify", "Console & API"])
            let incidents = try await StatusIncident.query(on: app.db).all()
            let sms = try #require(incidents.first { $0.name == "Delayed SMS delivery to US carriers" })
            #expect(sms.status == "postmortem" && sms.impact == "major")
            #expect(incidents.contains { $0.name == "Elevated call failures to UK mobile numbers" && $0.status == "identified" })
            let maintenance = try #require(incidents.first { $0.isMaintenance })
            #expect(maintenance.status == "scheduled" && (maintenance.scheduledFor ?? .distantPast) > app.now)
            let delivery = try #require(try await StatusRFODelivery.query(on: app.db).first())
            #expect(delivery.organisationSID == loaded.acmeSID)
            let ticket = try #require(try await Ticket.find(delivery.ticketNumber, on: app.db))
            let taylor = try #require(try await User.query(on: app.db).filter(\.$username == "staff.taylor").first())
            #expect(ticket.subject == "Reason for outage: Delayed SMS delivery to US carriers" && ticket.assigneeSID == taylor.sid)
            let summary = try await app.testing().sendRequest(.GET, "/api/v2/summary.json").json
            #expect((summary["status"] as? [String: Any])?["indicator"] as? String == "minor")
            let browser = Browser(app)
            _ = try await browser.signIn("avery", password: DemoWorld.password)
            #expect(try await browser.get("/console/support/tickets/\(ticket.number)").text.contains("failover now happens after 30 seconds"))
        }
    }
}
