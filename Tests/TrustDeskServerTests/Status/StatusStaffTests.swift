import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Status page: the staff console")
struct StatusStaffTests {
    @Test("STS-1 SEC-3: admins, PSEs and support managers manage the status page, agents and TAMs do not; every change is audited")
    func permissions() async throws {
        try await withTrustDesk { app in
            #expect(StaffRole.allCases.filter { $0.can(.manageStatus) } == [.pse, .admin, .supportManager])
            let agent = try await TestData.staff(app, "staff.agent", role: .agent)
            let denied = try await SupportWorld.staffBrowser(app, agent)
            #expect(try await denied.get("/staff/status").errorCode == 20006)
            #expect(try await denied.post("/staff/status/components", ["name": "SMS", "product": "sms", "position": "1", "status": "operational"]).errorCode == 20006)
            let customer = try await TestData.customer(app, "ada")
            _ = customer
            let browserOfCustomer = Browser(app)
            _ = try await browserOfCustomer.signIn("ada")
            #expect(try await browserOfCustomer.get("/staff/status").status != .ok)
            let pse = try await TestData.staff(app, "staff.pse", role: .pse)
            let browser = try await SupportWorld.staffBrowser(app, pse)
            #expect(try await browser.get("/staff/status").status == .ok)
            try await browser.get("/staff/status/components/new")
            let created = try await browser.post("/staff/status/components", ["name": "SMS", "product": "sms", "position": "1", "status": "degraded_performance", "showcase": "1"])
            #expect(created.status == .seeOther || created.status == .found)
            let component = try #require(try await StatusComponent.query(on: app.db).first())
            #expect(component.name == "SMS" && component.componentStatus == .degradedPerformance)
            let changes = try await StatusComponentChange.query(on: app.db).all()
            #expect(changes.count == 1 && changes[0].toStatus == "degraded_performance" && changes[0].actor == pse.sid)
            let audit = try await StaffAuditEvent.query(on: app.db).filter(\.$action == "status_component_create").all()
            #expect(audit.count == 1 && audit[0].staffUserSID == pse.sid)
            #expect(try await StatusTestKit.get(app, "/status").text.contains("Degraded performance"))
        }
    }

    @Test("STS-2: a bad incident form shows every problem beside its field and keeps what was typed")
    func formErrors() async throws {
        try await withTrustDesk { app in
            let staff = try await StatusTestKit.admin(app)
            let sms = try await StatusTestKit.component(app, "SMS", by: staff)
            let browser = try await SupportWorld.staffBrowser(app, staff)
            try await browser.get("/staff/status/incidents/new")
            let long = String(repeating: "x", count: 10_001)
            let page = try await browser.post("/staff/status/incidents", ["kind": "incident", "name": "Queue <b>stuck</b>", "status": "on_fire", "body": long,
                                                                           "impact": "catastrophic", "component_\(sms.id ?? "")": "major_outage"])
            #expect(page.errorCode == 20001)
            #expect(page.text.contains("id=\"status-error\"") && page.text.contains("id=\"body-error\"") && page.text.contains("id=\"impact-error\""))
            #expect(page.text.contains("3 problems need your attention:"))
            #expect(page.text.contains("value=\"Queue &lt;b&gt;stuck&lt;/b&gt;\""))
            #expect(page.text.contains("<option value=\"major_outage\" selected>"))
            #expect(try await StatusIncident.query(on: app.db).count() == 0)
            let reasonMissing = try await browser.post("/staff/status/incidents", ["kind": "incident", "name": "Queue stuck", "status": "investigating", "body": "Looking.",
                                                                                    "impact": "critical", "component_\(sms.id ?? "")": "degraded_performance"])
            #expect(reasonMissing.errorCode == 20001 && reasonMissing.text.contains("id=\"impact_reason-error\""))
            try await browser.get("/staff/status/incidents/new?kind=maintenance")
            let window = try await browser.post("/staff/status/incidents", ["kind": "maintenance", "name": "Upgrade", "body": "Work.",
                                                                             "scheduled_for": "2026-03-05T03:00", "scheduled_until": "2026-03-05T01:00"])
            #expect(window.errorCode == 20001 && window.text.contains("id=\"scheduled_until-error\"") && window.text.contains("value=\"2026-03-05T03:00\""))
        }
    }

    @Test("STS-2: staff open an incident, post updates with component statuses, resolve it; a resolved incident can't go back (22001)")
    func incidentLifecycle() async throws {
        try await withTrustDesk { app in
            let staff = try await StatusTestKit.admin(app)
            let sms = try await StatusTestKit.component(app, "SMS", by: staff)
            let voice = try await StatusTestKit.component(app, "Voice", product: .voice, position: 2, by: staff)
            let browser = try await SupportWorld.staffBrowser(app, staff)
            try await browser.get("/staff/status/incidents/new")
            let opened = try await browser.post("/staff/status/incidents", ["kind": "incident", "name": "SMS delays", "status": "investigating", "body": "Looking.",
                                                                             "component_\(sms.id ?? "")": "partial_outage", "notify": "1"])
            let id = try #require(opened.location?.split(separator: "/").last.map(String.init))
            var incident = try #require(try await StatusIncident.find(id, on: app.db))
            #expect(incident.impact == "major" && incident.status == "investigating")
            app.clock.advance(by: 600)
            try await browser.get("/staff/status/incidents/\(id)")
            try await browser.post("/staff/status/incidents/\(id)/updates", ["status": "identified", "body": "Carrier gateway.",
                                                                              "component_\(voice.id ?? "")": "degraded_performance", "notify": "1"])
            app.clock.advance(by: 600)
            try await browser.post("/staff/status/incidents/\(id)/updates", ["status": "monitoring", "body": "Rerouted."])
            incident = try #require(try await StatusIncident.find(id, on: app.db))
            #expect(incident.monitoringAt != nil && incident.resolvedAt == nil)
            app.clock.advance(by: 600)
            try await browser.post("/staff/status/incidents/\(id)/updates", ["status": "resolved", "body": "All good."])
            incident = try #require(try await StatusIncident.find(id, on: app.db))
            #expect(incident.status == "resolved" && incident.resolvedAt != nil && incident.impact == "major")
            let components = try await StatusComponent.query(on: app.db).all()
            #expect(components.allSatisfy { $0.componentStatus == .operational })
            #expect(try await StatusIncidentUpdate.query(on: app.db).filter(\.$incidentID == id).count() == 4)
            let back = try await browser.post("/staff/status/incidents/\(id)/updates", ["status": "investigating", "body": "Again?"])
            #expect(back.errorCode == 22001 && back.status == .conflict)
            #expect(try await StatusIncidentUpdate.query(on: app.db).filter(\.$incidentID == id).count() == 4)
            let rfoEarly = try await StatusTestKit.incident(app, "Open one", components: [sms.id ?? "": .degradedPerformance], by: staff)
            let early = try await browser.post("/staff/status/incidents/\(rfoEarly.id ?? "")/rfo", ["rfo": "Too soon."])
            #expect(early.errorCode == 22002)
            #expect(try await StaffAuditEvent.query(on: app.db).filter(\.$action == "status_update").count() == 3)
            let summary = try await StatusTestKit.get(app, "/api/v2/incidents.json").json["incidents"] as? [[String: Any]]
            let resolved = try #require(summary?.first { $0["id"] as? String == id })
            #expect((resolved["incident_updates"] as? [[String: Any]])?.map { $0["status"] as? String } == ["resolved", "monitoring", "identified", "investigating"])
        }
    }

    @Test("STS-2: two staff resolving the same incident at once post one resolution; the other gets 22001")
    func concurrentUpdates() async throws {
        try await withTrustDesk { app in
            let staff = try await StatusTestKit.admin(app)
            let sms = try await StatusTestKit.component(app, "SMS", by: staff)
            let incident = try await StatusTestKit.incident(app, components: [sms.id ?? "": .majorOutage], by: staff)
            // Four members of staff loaded the page while it was still open.
            var copies: [StatusIncident] = []
            for _ in 0..<4 { copies.append(try #require(try await StatusIncident.find(incident.id, on: app.db))) }
            let incidents = app.statusIncidents(now: app.now)
            let outcomes = try await withThrowingTaskGroup(of: Int?.self) { group in
                for copy in copies {
                    group.addTask {
                        var errors = FormErrors()
                        let checked = try #require(try await incidents.check(UpdateInput(status: "resolved", body: "Fixed."), for: copy, errors: &errors))
                        do {
                            try await incidents.post(checked, to: copy, by: staff)
                            return nil
                        } catch let error as DomainError {
                            return error.code.rawValue
                        }
                    }
                }
                return try await group.reduce(into: [Int?]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == nil }.count == 1)
            #expect(outcomes.compactMap { $0 }.allSatisfy { $0 == 22001 })
            #expect(try await StatusIncidentUpdate.query(on: app.db).filter(\.$status == "resolved").count() == 1)
        }
    }
}
