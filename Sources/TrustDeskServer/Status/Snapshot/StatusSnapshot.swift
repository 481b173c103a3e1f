import Crypto
import Fluent
import Foundation
import TrustDeskCore

/// One node's view of the status page at one revision: the eight JSON bodies ready to send,
/// each with its ETag, and what the HTML page shows. Built from the database when the page's
/// revision moves, then served from memory without touching the database (STS-5).
struct StatusSnapshot: Sendable {
    /// One document, ready to send as it is or gzipped (compressed once per rebuild, not per
    /// request: Statuspage clients poll with `Accept-Encoding: gzip`). Each form has its own
    /// strong ETag, as a cache must not answer one with the other.
    struct Body: Sendable {
        let data: Data
        let etag: String
        let gzip: Data
        let gzipETag: String

        init(_ value: some Encodable) throws {
            let data = try JSONEncoder.trustDesk.encode(value)
            let tag = Hex.encode(SHA256.hash(data: data).prefix(12))
            self.data = data
            self.etag = "\"" + tag + "\""
            self.gzip = try Gzip.compress(data)
            self.gzipETag = "\"" + tag + "-gzip\""
        }
    }

    enum Endpoint: String, CaseIterable, Sendable {
        case summary, status, components, incidents, unresolved
        case maintenances, upcoming, active
    }

    let revision: Int64
    let builtAt: Date
    let bodies: [Endpoint: Body]
    let view: StatusPageView

    func body(_ endpoint: Endpoint) -> Body? { bodies[endpoint] }
}

/// Reads everything the snapshot holds, in a fixed number of queries.
struct StatusSnapshotBuilder {
    let database: any Database
    let now: Date
    let settings: StatusPageSettings

    /// Incidents and maintenances in the JSON lists (Statuspage: the 50 most recent).
    static let listLength = 50
    /// Past incidents on the HTML page.
    static let pastDays = 90

    func build() async throws -> StatusSnapshot {
        let page = try await StatusRevision.current(on: database)
        let pageID = page.id ?? ""
        let components = try await StatusComponent.query(on: database).sort(\.$position).sort(\.$name).all()
        let incidentKind = StatusIncident.Kind.incident.rawValue
        let maintenanceKind = StatusIncident.Kind.maintenance.rawValue
        let openStatuses = IncidentStatus.allCases.filter(\.isOpen).map(\.rawValue)
        let unresolved = try await StatusIncident.query(on: database).filter(\.$kind == incidentKind).filter(\.$status ~~ openStatuses)
            .sort(\.$startedAt, .descending).sort(\.$id, .descending).limit(500).all()
        let latest = try await StatusIncident.query(on: database).filter(\.$kind == incidentKind)
            .sort(\.$startedAt, .descending).sort(\.$id, .descending).limit(Self.listLength).all()
        let maintenances = try await StatusIncident.query(on: database).filter(\.$kind == maintenanceKind)
            .sort(\.$startedAt, .descending).sort(\.$id, .descending).limit(Self.listLength).all()
        let openMaintenances = try await StatusIncident.query(on: database).filter(\.$kind == maintenanceKind)
            .filter(\.$status != MaintenanceStatus.completed.rawValue).sort(\.$startedAt).limit(500).all()
        let pastSince = now.addingTimeInterval(-Double(Self.pastDays) * 86_400)
        let past = try await StatusIncident.query(on: database).filter(\.$startedAt >= pastSince)
            .sort(\.$startedAt, .descending).sort(\.$id, .descending).limit(200).all()

        var byID: [String: StatusIncident] = [:]
        for incident in unresolved + latest + maintenances + openMaintenances + past { if let id = incident.id { byID[id] = incident } }
        let ids = byID.keys.sorted()
        let updates = ids.isEmpty ? [] : try await StatusIncidentUpdate.query(on: database).filter(\.$incidentID ~~ ids)
            .sort(\.$displayAt, .descending).sort(\.$createdAt, .descending).all()
        let links = ids.isEmpty ? [] : try await StatusIncidentComponent.query(on: database).filter(\.$incidentID ~~ ids).all()

        let mapper = StatusDTOMapper(pageID: pageID, settings: settings, components: components,
                                     updatesByIncident: Dictionary(grouping: updates, by: \.incidentID),
                                     links: Dictionary(grouping: links, by: \.incidentID).mapValues { $0.map(\.componentID) })
        let componentDTOs = components.map(mapper.component)
        let upcoming = openMaintenances.filter { $0.maintenanceStatus == .scheduled }
        let active = openMaintenances.filter { $0.maintenanceStatus?.isActive == true }
        let pageStatus = PageStatus.compute(
            components: components.filter { !$0.isGroup }.map(\.componentStatus),
            unresolvedImpacts: unresolved.compactMap { IncidentImpact(rawValue: $0.impact) },
            maintenanceActive: !active.isEmpty)
        let pageDTO = StatusPageDTO(id: pageID, name: settings.name, url: settings.pageURL, timeZone: settings.zoneName,
                                    updatedAt: StatusDateDisplay.iso(page.updatedAt))
        let indicator = StatusIndicatorDTO(indicator: pageStatus.indicator.rawValue, description: pageStatus.description)
        let unresolvedDTOs = try unresolved.map(mapper.incident)
        let upcomingAndActive = try (active + upcoming).map(mapper.incident)
        var bodies: [StatusSnapshot.Endpoint: StatusSnapshot.Body] = [:]
        bodies[.summary] = try StatusSnapshot.Body(StatusSummaryDTO(page: pageDTO, components: componentDTOs, incidents: unresolvedDTOs,
                                                      scheduledMaintenances: upcomingAndActive, status: indicator))
        bodies[.status] = try StatusSnapshot.Body(StatusStatusDTO(page: pageDTO, status: indicator))
        bodies[.components] = try StatusSnapshot.Body(StatusComponentsDTO(page: pageDTO, components: componentDTOs))
        bodies[.incidents] = try StatusSnapshot.Body(StatusIncidentsDTO(page: pageDTO, incidents: try latest.map(mapper.incident)))
        bodies[.unresolved] = try StatusSnapshot.Body(StatusIncidentsDTO(page: pageDTO, incidents: unresolvedDTOs))
        bodies[.maintenances] = try StatusSnapshot.Body(StatusMaintenancesDTO(page: pageDTO, scheduledMaintenances: try maintenances.map(mapper.incident)))
        bodies[.upcoming] = try StatusSnapshot.Body(StatusMaintenancesDTO(page: pageDTO, scheduledMaintenances: try upcoming.map(mapper.incident)))
        bodies[.active] = try StatusSnapshot.Body(StatusMaintenancesDTO(page: pageDTO, scheduledMaintenances: try active.map(mapper.incident)))

        let view = try StatusPageView.make(settings: settings, status: pageStatus, components: components, unresolved: unresolved,
                                           active: active, upcoming: upcoming, past: past.filter { !$0.isUnresolved && $0.maintenanceStatus != .scheduled && $0.maintenanceStatus?.isActive != true },
                                           mapper: mapper, updatedAt: page.updatedAt)
        return StatusSnapshot(revision: page.revision, builtAt: now, bodies: bodies, view: view)
    }
}

/// Turns rows into the Statuspage shapes (explicit mappers: models never leave as JSON).
struct StatusDTOMapper {
    let pageID: String
    let settings: StatusPageSettings
    let components: [StatusComponent]
    let updatesByIncident: [String: [StatusIncidentUpdate]]
    let links: [String: [String]]

    private var byID: [String: StatusComponent] {
        Dictionary(components.compactMap { component in component.id.map { ($0, component) } }, uniquingKeysWith: { first, _ in first })
    }

    /// A group's status is its members' worst.
    func status(of component: StatusComponent) -> ComponentStatus {
        guard component.isGroup else { return component.componentStatus }
        return ComponentStatus.worst(of: components.filter { $0.groupID == component.id }.map(\.componentStatus))
    }

    func component(_ component: StatusComponent) -> StatusComponentDTO {
        let id = component.id ?? ""
        let day = DateFormatter()
        day.locale = Locale(identifier: "en_US_POSIX")
        day.timeZone = settings.timeZone
        day.dateFormat = "yyyy-MM-dd"
        return StatusComponentDTO(
            id: id, name: component.name, status: status(of: component).rawValue,
            createdAt: StatusDateDisplay.iso(component.createdAt), updatedAt: StatusDateDisplay.iso(component.updatedAt),
            position: component.position, description: component.details, showcase: component.showcase,
            startDate: day.string(from: component.createdAt), groupId: component.groupID, pageId: pageID, group: component.isGroup,
            onlyShowIfDegraded: component.onlyShowIfDegraded,
            components: component.isGroup ? components.filter { $0.groupID == id }.compactMap(\.id) : nil)
    }

    func updates(of incident: StatusIncident) throws -> [StatusIncidentUpdateDTO] {
        try (updatesByIncident[incident.id ?? ""] ?? []).map { update in
            StatusIncidentUpdateDTO(
                id: update.id ?? "", status: update.status, body: update.body, incidentId: update.incidentID,
                createdAt: StatusDateDisplay.iso(update.createdAt), updatedAt: StatusDateDisplay.iso(update.updatedAt),
                displayAt: StatusDateDisplay.iso(update.displayAt),
                affectedComponents: try update.affectedComponents().map {
                    StatusAffectedComponentDTO(code: $0.code, name: $0.name, oldStatus: $0.oldStatus, newStatus: $0.newStatus)
                },
                deliverNotifications: update.deliverNotifications)
        }
    }

    func affected(_ incident: StatusIncident) -> [StatusComponent] {
        let lookup = byID
        return (links[incident.id ?? ""] ?? []).compactMap { lookup[$0] }.sorted { ($0.position, $0.name) < ($1.position, $1.name) }
    }

    func incident(_ incident: StatusIncident) throws -> StatusIncidentDTO {
        let id = incident.id ?? ""
        return StatusIncidentDTO(
            id: id, name: incident.name, status: incident.status,
            createdAt: StatusDateDisplay.iso(incident.createdAt), updatedAt: StatusDateDisplay.iso(incident.updatedAt),
            monitoringAt: incident.monitoringAt.map(StatusDateDisplay.iso), resolvedAt: incident.resolvedAt.map(StatusDateDisplay.iso),
            impact: incident.impact, shortlink: settings.incidentURL(id), startedAt: StatusDateDisplay.iso(incident.startedAt),
            pageId: pageID, incidentUpdates: try updates(of: incident), components: affected(incident).map(component),
            scheduledFor: incident.scheduledFor.map(StatusDateDisplay.iso), scheduledUntil: incident.scheduledUntil.map(StatusDateDisplay.iso))
    }
}
