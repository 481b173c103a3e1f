import Foundation
import TrustDeskCore

// Leaf view models of the status pages. Times are shown in the page's zone.

struct StatusUpdateView: Encodable, Sendable {
    let status: String
    let statusTitle: String
    let body: String
    let at: String
}

struct StatusIncidentView: Encodable, Sendable {
    let id: String
    let name: String
    let isMaintenance: Bool
    let impact: String
    let impactTitle: String
    let status: String
    let statusTitle: String
    let components: String
    let started: String
    let window: String?
    let updates: [StatusUpdateView]
    let latest: StatusUpdateView?

    static func make(_ incident: StatusIncident, updates: [StatusIncidentUpdate], components: [StatusComponent], zone: TimeZone) -> StatusIncidentView {
        let updateViews = updates.map { update in
            StatusUpdateView(status: update.status, statusTitle: StatusMail.statusTitle(update.status), body: update.body,
                             at: StatusDateDisplay.local(update.displayAt, zone: zone))
        }
        var window: String?
        if let start = incident.scheduledFor, let end = incident.scheduledUntil {
            window = "\(StatusDateDisplay.local(start, zone: zone)) – \(StatusDateDisplay.local(end, zone: zone))"
        }
        return StatusIncidentView(
            id: incident.id ?? "", name: incident.name, isMaintenance: incident.isMaintenance, impact: incident.impact,
            impactTitle: incident.isMaintenance ? "Maintenance" : (IncidentImpact(rawValue: incident.impact)?.title ?? incident.impact),
            status: incident.status, statusTitle: StatusMail.statusTitle(incident.status),
            components: components.map(\.name).joined(separator: ", "), started: StatusDateDisplay.local(incident.startedAt, zone: zone),
            window: window, updates: updateViews, latest: updateViews.first)
    }
}

struct StatusComponentView: Encodable, Sendable {
    let id: String
    let name: String
    let description: String?
    let status: String
    let statusTitle: String
    let members: [StatusComponentView]
}

struct StatusPastDayView: Encodable, Sendable {
    let day: String
    let incidents: [StatusIncidentView]
}

/// `/status`: banner, components, what is happening, what is planned, the last 90 days.
struct StatusPageView: Encodable, Sendable {
    let pageName: String
    let indicator: String
    let description: String
    let updatedAt: String
    let timeZone: String
    let components: [StatusComponentView]
    let unresolved: [StatusIncidentView]
    let active: [StatusIncidentView]
    let upcoming: [StatusIncidentView]
    let past: [StatusPastDayView]

    static func make(settings: StatusPageSettings, status: PageStatus, components: [StatusComponent], unresolved: [StatusIncident],
                     active: [StatusIncident], upcoming: [StatusIncident], past: [StatusIncident], mapper: StatusDTOMapper, updatedAt: Date) throws -> StatusPageView {
        let zone = settings.timeZone
        func view(_ incident: StatusIncident) -> StatusIncidentView {
            StatusIncidentView.make(incident, updates: mapper.updatesByIncident[incident.id ?? ""] ?? [], components: mapper.affected(incident), zone: zone)
        }
        func row(_ component: StatusComponent, members: [StatusComponentView]) -> StatusComponentView {
            let status = mapper.status(of: component)
            return StatusComponentView(id: component.id ?? "", name: component.name, description: component.details, status: status.rawValue,
                                       statusTitle: status.title, members: members)
        }
        let shown = components.filter { !$0.onlyShowIfDegraded || mapper.status(of: $0) != .operational }
        let tops = shown.filter { $0.groupID == nil }.map { top in
            row(top, members: top.isGroup ? shown.filter { $0.groupID == top.id }.map { row($0, members: []) } : [])
        }
        var days: [(String, [StatusIncidentView])] = []
        for incident in past {
            let day = StatusDateDisplay.day(incident.startedAt, zone: zone)
            if let index = days.firstIndex(where: { $0.0 == day }) {
                days[index].1.append(view(incident))
            } else {
                days.append((day, [view(incident)]))
            }
        }
        return StatusPageView(
            pageName: settings.name, indicator: status.indicator.rawValue, description: status.description,
            updatedAt: StatusDateDisplay.local(updatedAt, zone: zone), timeZone: settings.zoneName,
            components: tops, unresolved: unresolved.map(view), active: active.map(view), upcoming: upcoming.map(view),
            past: days.map { StatusPastDayView(day: $0.0, incidents: $0.1) })
    }
}

extension PageForm {
    /// Fields named `component_<id>`: one checkbox or select per component, so a form never
    /// repeats a field name. Component id -> the value sent.
    func componentChoices() -> [String: String] {
        var choices: [String: String] = [:]
        for (name, value) in fields where name.hasPrefix("component_") {
            choices[String(name.dropFirst("component_".count))] = value
        }
        return choices
    }
}
