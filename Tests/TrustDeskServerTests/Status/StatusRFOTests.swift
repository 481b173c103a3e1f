import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Status page: reasons for outage as support tickets")
struct StatusRFOTests {
    /// The support world (Acme personalized with TAMs, Harbor standard) plus a second
    /// personalized organisation, and a resolved SMS incident.
    static func world(_ app: Application) async throws -> (SupportWorld, TestData.Customer, User, StatusIncident) {
        let world = try await SupportWorld.make(app)
        let orbit = try await TestData.customer(app, "olive", account: "Orbit Labs")
        let profile = SupportProfile(accountSID: orbit.account.sid, plan: "personalized", now: app.now)
        profile.primaryTAMSID = world.lee.sid
        try await profile.create(on: app.db)
        let staff = try await StatusTestKit.admin(app)
        let sms = try await StatusTestKit.component(app, "SMS", product: .sms, by: staff)
        let incident = try await StatusTestKit.incident(app, "SMS delays", components: [sms.id ?? "": .partialOutage], by: staff)
        app.clock.advance(by: 2 * 3600)
        try await StatusTestKit.update(app, incident, status: "resolved", body: "Fixed.", by: staff)
        return (world, orbit, staff, incident)
    }

    @Test("STS-4: the RFO becomes the postmortem; the job opens one ticket per organisation however often it runs, assigned to the primary TAM, RFO as a public comment")
    func ticketsOnce() async throws {
        try await withTrustDesk { app in
            let (world, orbit, staff, incident) = try await Self.world(app)
            app.clock.advance(by: 86_400)
            try await StatusTestKit.publishRFO(app, incident, body: "Root cause: a carrier gateway refused connections.\nFix: faster failover.",
                                               organisations: [world.acme.account.sid, orbit.account.sid], by: staff)
            let published = try #require(try await StatusIncident.find(incident.id, on: app.db))
            #expect(published.status == "postmortem" && published.postmortemAt != nil)
            let json = try await StatusTestKit.get(app, "/api/v2/incidents.json").json["incidents"] as? [[String: Any]]
            #expect(json?.first?["status"] as? String == "postmortem")
            #expect((json?.first?["incident_updates"] as? [[String: Any]])?.first?["body"] as? String
                == "Root cause: a carrier gateway refused connections.\nFix: faster failover.")
            try await StatusTestKit.run(StatusJobs.rfoTickets, app)
            try await StatusTestKit.run(StatusJobs.rfoTickets, app)
            // A lease that lapsed mid-run: two runners at once open nothing twice.
            async let first: Int = app.statusRFO(now: app.now).deliverDue(logger: app.logger)
            async let second: Int = app.statusRFO(now: app.now).deliverDue(logger: app.logger)
            #expect(try await first + second == 0)
            let tickets = try await Ticket.query(on: app.db).all()
            #expect(tickets.count == 2)
            let acme = try #require(tickets.first { $0.organisationSID == world.acme.account.sid })
            #expect(acme.subject == "Reason for outage: SMS delays" && acme.product == "messaging")
            #expect(acme.assigneeSID == world.taylor.sid && acme.requesterSID == world.acme.user.sid)
            let comments = try await TicketComment.query(on: app.db).filter(\.$ticketNumber == acme.number).all()
            #expect(comments.contains { $0.isPublic && $0.authorSID == world.taylor.sid && $0.body.contains("faster failover") })
            let orbitTicket = try #require(tickets.first { $0.organisationSID == orbit.account.sid })
            #expect(orbitTicket.assigneeSID == world.lee.sid)
            let deliveries = try await StatusRFODelivery.query(on: app.db).all()
            #expect(deliveries.count == 2 && deliveries.allSatisfy { $0.dueAt == nil && $0.ticketNumber != nil })
            // The customer sees it in the console.
            let avery = try await SupportWorld.customerBrowser(app, "avery")
            let list = try await avery.get("/console/support")
            #expect(list.text.contains("Reason for outage: SMS delays"))
            let page = try await avery.get("/console/support/tickets/\(acme.number)")
            #expect(page.status == .ok && page.text.contains("faster failover"))
            #expect(try await TestData.mail(app, to: world.acme.user.email).contains { $0.body.contains("faster failover") })
            // A second RFO is refused.
            var errors = FormErrors()
            let rfo = app.statusRFO(now: app.now)
            let checked = try #require(try await rfo.check(body: "Again", organisations: [], errors: &errors))
            await #expect(throws: DomainError.self) { try await rfo.publish(published, checked, by: staff) }
        }
    }

    @Test("STS-4: the RFO form lists personalized organisations only, pre-ticks those that sent SMS during an SMS incident, and refuses others")
    func narrowing() async throws {
        try await withTrustDesk { app in
            let (world, orbit, staff, incident) = try await Self.world(app)
            // Acme sent SMS during the incident; Orbit did not; Harbor is not personalized.
            let bucket = QuotaBucket()
            bucket.id = UUID()
            bucket.accountSID = world.acme.account.sid
            bucket.bucket = QuotaRule.bucket(incident.startedAt)
            bucket.granted = 120
            try await bucket.create(on: app.db)
            let found = try await app.statusRFO(now: app.now).candidates(for: try #require(try await StatusIncident.find(incident.id, on: app.db)))
            #expect(found.narrowed)
            #expect(Set(found.candidates.map(\.organisationSID)) == [world.acme.account.sid, orbit.account.sid])
            #expect(found.candidates.filter(\.suggested).map(\.organisationSID) == [world.acme.account.sid])
            let browser = try await SupportWorld.staffBrowser(app, staff)
            let page = try await browser.get("/staff/status/incidents/\(incident.id ?? "")")
            #expect(page.text.contains("name=\"organisation_\(world.acme.account.sid)\" value=\"1\" checked"))
            #expect(page.text.contains("name=\"organisation_\(orbit.account.sid)\" value=\"1\">"))
            #expect(!page.text.contains(world.harbor.account.sid))
            let refused = try await browser.post("/staff/status/incidents/\(incident.id ?? "")/rfo", ["rfo": "", "organisation_\(world.harbor.account.sid)": "1"])
            #expect(refused.errorCode == 20001 && refused.text.contains("id=\"organisations-error\""))
            #expect(try await StatusRFODelivery.query(on: app.db).count() == 0)
            let posted = try await browser.post("/staff/status/incidents/\(incident.id ?? "")/rfo", ["rfo": "The cause.", "organisation_\(world.acme.account.sid)": "1"])
            #expect(posted.location?.contains("published=1") == true)
            #expect(try await StatusRFODelivery.query(on: app.db).all().map(\.organisationSID) == [world.acme.account.sid])
            #expect(try await StaffAuditEvent.query(on: app.db).filter(\.$action == "status_rfo_publish").count() == 1)
        }
    }
}
