import Fluent
import Foundation
import TrustDeskCore

/// The page's past: incidents and maintenances newest first, by keyset pages, with their
/// updates and components read in one query each.
struct StatusHistory {
    let database: any Database

    struct Page {
        let incidents: [StatusIncident]
        let updates: [String: [StatusIncidentUpdate]]
        let components: [String: [StatusComponent]]
        /// The cursor of the next (older) page, when there is one.
        let next: StatusHistoryCursor?
    }

    static let pageSize = 25

    func page(before cursor: StatusHistoryCursor?, limit: Int = pageSize) async throws -> Page {
        var query = StatusIncident.query(on: database)
        if let cursor {
            // The first condition bounds the index range; without it PostgreSQL walks the index
            // from the newest incident and filters, so a deep page cost grew with its depth.
            query = query.filter(\.$startedAt <= cursor.startedAt).group(.or) { group in
                group.filter(\.$startedAt < cursor.startedAt)
                    .group(.and) { same in same.filter(\.$startedAt == cursor.startedAt).filter(\.$id < cursor.id) }
            }
        }
        let rows = try await query.sort(\.$startedAt, .descending).sort(\.$id, .descending).limit(limit + 1).all()
        let incidents = Array(rows.prefix(limit))
        let next = rows.count > limit ? incidents.last.map { StatusHistoryCursor(startedAt: $0.startedAt, id: $0.id ?? "") } : nil
        return try await details(of: incidents, next: next)
    }

    func details(of incidents: [StatusIncident], next: StatusHistoryCursor? = nil) async throws -> Page {
        let ids = incidents.compactMap(\.id)
        guard !ids.isEmpty else { return Page(incidents: [], updates: [:], components: [:], next: nil) }
        let updates = try await StatusIncidentUpdate.query(on: database).filter(\.$incidentID ~~ ids)
            .sort(\.$displayAt, .descending).sort(\.$createdAt, .descending).all()
        let links = try await StatusIncidentComponent.query(on: database).filter(\.$incidentID ~~ ids).all()
        let components = try await StatusComponent.query(on: database).filter(\.$id ~~ Set(links.map(\.componentID)).sorted()).sort(\.$position).all()
        let byID = Dictionary(components.compactMap { component in component.id.map { ($0, component) } }, uniquingKeysWith: { first, _ in first })
        var affected: [String: [StatusComponent]] = [:]
        for link in links { if let component = byID[link.componentID] { affected[link.incidentID, default: []].append(component) } }
        return Page(incidents: incidents, updates: Dictionary(grouping: updates, by: \.incidentID), components: affected, next: next)
    }
}
