import Foundation
import Testing
import TrustDeskCore

@Suite("Status page rules (STS)")
struct StatusRulesTests {
    @Test("STS-1: the five component statuses, their order of badness, and a group shows its worst member")
    func componentStatuses() throws {
        #expect(ComponentStatus.allCases.map(\.rawValue) == ["operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"])
        let table: [([ComponentStatus], ComponentStatus)] = [
            ([], .operational),
            ([.operational, .operational], .operational),
            ([.operational, .underMaintenance], .underMaintenance),
            ([.underMaintenance, .degradedPerformance], .degradedPerformance),
            ([.degradedPerformance, .majorOutage, .partialOutage], .majorOutage),
        ]
        for (members, worst) in table {
            #expect(ComponentStatus.worst(of: members) == worst)
        }
        #expect(try ComponentStatus.parse(" Partial_Outage ") == .partialOutage)
        #expect(throws: DomainError.self) { try ComponentStatus.parse("broken") }
    }

    @Test("STS-2: an incident's impact follows its components (Statuspage's mapping) unless set by hand with a reason")
    func impactFromComponents() throws {
        let table: [([ComponentStatus], IncidentImpact)] = [
            ([], .none),
            ([.operational], .none),
            ([.underMaintenance], .none),
            ([.degradedPerformance], .minor),
            ([.degradedPerformance, .partialOutage], .major),
            ([.partialOutage, .majorOutage, .operational], .critical),
        ]
        for (components, impact) in table {
            #expect(IncidentImpact.derived(from: components) == impact)
        }
        #expect(try IncidentImpact.resolve(components: [.degradedPerformance], override: nil, reason: nil) == (IncidentImpact.minor, false))
        #expect(try IncidentImpact.resolve(components: [.degradedPerformance], override: .minor, reason: nil) == (IncidentImpact.minor, false))
        #expect(try IncidentImpact.resolve(components: [.degradedPerformance], override: .critical, reason: "Payments fail for every customer") == (IncidentImpact.critical, true))
        #expect(throws: DomainError(.invalidParameter, "impact_reason: say why the impact differs from what the components imply (minor).")) {
            try IncidentImpact.resolve(components: [.degradedPerformance], override: .critical, reason: "  ")
        }
        #expect(throws: DomainError.self) { try IncidentImpact.parse("catastrophic") }
    }

    @Test("STS-2: the impact never drops by itself when components recover; a hand-set impact stays until changed")
    func impactAfterUpdates() throws {
        #expect(try IncidentImpact.afterUpdate(previous: .major, previousOverridden: false, components: [.operational], override: nil, reason: nil) == (IncidentImpact.major, false))
        #expect(try IncidentImpact.afterUpdate(previous: .minor, previousOverridden: false, components: [.majorOutage], override: nil, reason: nil) == (IncidentImpact.critical, false))
        #expect(try IncidentImpact.afterUpdate(previous: .minor, previousOverridden: true, components: [.majorOutage], override: nil, reason: nil) == (IncidentImpact.minor, true))
        #expect(try IncidentImpact.afterUpdate(previous: .critical, previousOverridden: false, components: [.majorOutage], override: .major, reason: "Only one region") == (IncidentImpact.major, true))
        #expect(throws: DomainError.self) {
            try IncidentImpact.afterUpdate(previous: .minor, previousOverridden: false, components: [], override: .major, reason: nil)
        }
    }

    @Test("STS-2: incidents move freely while open, a resolved one only to its postmortem, a postmortem nowhere")
    func incidentTransitions() throws {
        let open: [IncidentStatus] = [.investigating, .identified, .monitoring]
        for from in open {
            for to in [IncidentStatus.investigating, .identified, .monitoring, .resolved] {
                #expect(try from.update(to: to) == to)
            }
            #expect(throws: DomainError.self) { try from.update(to: .postmortem) }
        }
        for to in IncidentStatus.allCases {
            #expect(throws: DomainError.self) { try IncidentStatus.resolved.update(to: to) }
            #expect(throws: DomainError.self) { try IncidentStatus.postmortem.update(to: to) }
        }
        do {
            _ = try IncidentStatus.resolved.update(to: .investigating)
            Issue.record("a resolved incident went back to investigating")
        } catch {
            #expect(error.code == .statusTransitionNotAllowed && error.code.rawValue == 22001 && error.code.httpStatus == 409)
            #expect(error.field == "status" && error.message.contains("can't become investigating"))
        }
        #expect(IncidentStatus.initial == [.investigating, .identified, .monitoring, .resolved])
    }

    @Test("STS-2: maintenance runs scheduled, in progress, verifying, completed; completed is final")
    func maintenanceTransitions() throws {
        let allowed: [MaintenanceStatus: [MaintenanceStatus]] = [
            .scheduled: [.scheduled, .inProgress, .completed],
            .inProgress: [.inProgress, .verifying, .completed],
            .verifying: [.inProgress, .verifying, .completed],
            .completed: [],
        ]
        for from in MaintenanceStatus.allCases {
            for to in MaintenanceStatus.allCases {
                if allowed[from]?.contains(to) == true {
                    #expect(try from.update(to: to) == to)
                } else {
                    #expect(throws: DomainError.self) { try from.update(to: to) }
                }
            }
        }
        #expect(MaintenanceStatus.allCases.filter(\.isActive) == [.inProgress, .verifying])
    }

    @Test("STS-1 STS-2: an update sets what staff chose; resolving returns the rest to operational unless held elsewhere")
    func componentsAfterUpdate() {
        let current: [String: ComponentStatus] = ["sms": .majorOutage, "voice": .degradedPerformance, "email": .partialOutage]
        let affected: Set<String> = ["sms", "voice", "email"]
        #expect(IncidentComponents.afterUpdate(status: .identified, requested: ["sms": .partialOutage], current: current, affected: affected, heldElsewhere: [])
            == ["sms": .partialOutage])
        #expect(IncidentComponents.afterUpdate(status: .monitoring, requested: ["sms": .majorOutage], current: current, affected: affected, heldElsewhere: []) == [:])
        #expect(IncidentComponents.afterUpdate(status: .resolved, requested: ["email": .degradedPerformance], current: current, affected: affected, heldElsewhere: ["voice"])
            == ["sms": .operational, "email": .degradedPerformance])
        #expect(IncidentComponents.atMaintenanceStart(current: ["a": .operational, "b": .degradedPerformance, "c": .underMaintenance])
            == ["a": .underMaintenance, "b": .underMaintenance])
        #expect(IncidentComponents.atMaintenanceEnd(current: ["a": .underMaintenance, "b": .underMaintenance, "c": .majorOutage, "d": .underMaintenance],
                                                    prior: ["a": .operational, "b": .degradedPerformance, "c": .operational], heldElsewhere: ["d"])
            == ["a": .operational, "b": .degradedPerformance])
    }

    @Test("STS-5: the page indicator and description come from unresolved incidents and components, whichever is worse")
    func pageStatus() {
        let table: [([ComponentStatus], [IncidentImpact], Bool, IncidentImpact, String)] = [
            ([.operational, .operational], [], false, .none, "All Systems Operational"),
            ([.operational], [.none], false, .none, "All Systems Operational"),
            ([.degradedPerformance], [], false, .minor, "Minor Service Outage"),
            ([.operational], [.minor], false, .minor, "Minor Service Outage"),
            ([.partialOutage], [.minor], false, .major, "Partial System Outage"),
            ([.operational], [.major, .critical], false, .critical, "Major System Outage"),
            ([.majorOutage], [], false, .critical, "Major System Outage"),
            ([.underMaintenance, .operational], [], true, .none, "Service Under Maintenance"),
            ([.operational], [], true, .none, "Service Under Maintenance"),
            ([.underMaintenance, .degradedPerformance], [], true, .minor, "Minor Service Outage"),
        ]
        for (components, impacts, maintenance, indicator, description) in table {
            let status = PageStatus.compute(components: components, unresolvedImpacts: impacts, maintenanceActive: maintenance)
            #expect(status == PageStatus(indicator: indicator, description: description), "\(components) \(impacts) \(maintenance)")
        }
    }
}
