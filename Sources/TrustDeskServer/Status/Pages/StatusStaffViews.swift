import Foundation
import TrustDeskCore

// Leaf view models of the staff status console.

struct StatusOption: Encodable, Sendable {
    let value: String
    let title: String
    let selected: Bool

    static func list(_ values: [(String, String)], selected: String) -> [StatusOption] {
        values.map { StatusOption(value: $0.0, title: $0.1, selected: $0.0 == selected) }
    }
}

struct StaffComponentRow: Encodable, Sendable {
    let id: String
    let name: String
    let status: String
    let statusTitle: String
    let product: String
    let group: String
    let isGroup: Bool
    let position: Int
}

struct StaffIncidentRow: Encodable, Sendable {
    let id: String
    let name: String
    let status: String
    let statusTitle: String
    let impact: String
    let when: String
    let isMaintenance: Bool

    static func make(_ incident: StatusIncident, zone: TimeZone) -> StaffIncidentRow {
        let when = incident.scheduledFor.map { StatusDateDisplay.local($0, zone: zone) } ?? StatusDateDisplay.local(incident.startedAt, zone: zone)
        return StaffIncidentRow(id: incident.id ?? "", name: incident.name, status: incident.status, statusTitle: StatusMail.statusTitle(incident.status),
                                impact: incident.impact, when: when, isMaintenance: incident.isMaintenance)
    }
}

/// A component's line on the incident and update forms: a select of statuses, or for a
/// maintenance a checkbox.
struct StaffComponentChoice: Encodable, Sendable {
    let id: String
    let name: String
    let current: String
    let options: [StatusOption]
    let checked: Bool
}

extension StaffComponentChoice {
    /// `blank` is the first option: "not affected" on a new incident, "unchanged" on an update.
    static func list(_ components: [StatusComponent], values: [String: String], blank: String) -> [StaffComponentChoice] {
        components.filter { !$0.isGroup }.map { component in
            let id = component.id ?? ""
            let chosen = values[id] ?? ""
            let options = [StatusOption(value: "", title: blank, selected: chosen.isEmpty)]
                + ComponentStatus.allCases.map { StatusOption(value: $0.rawValue, title: $0.title, selected: $0.rawValue == chosen) }
            return StaffComponentChoice(id: id, name: component.name, current: component.componentStatus.title, options: options, checked: !chosen.isEmpty)
        }
    }
}
