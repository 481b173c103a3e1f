import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The public status page (STS-1, STS-2, STS-5): the page, an incident, the history and its
/// feeds. No sign-in and no cookie: these routes run without the session and CSRF middleware.
struct StatusPublicPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let status = routes.grouped("status")
        status.get(use: page)
        status.get("incidents", ":id", use: incident)
        status.get("history", use: history)
        status.get("history.atom") { try await feed($0, atom: true) }
        status.get("history.rss") { try await feed($0, atom: false) }
        // RFC 8058 one-click: a POST with no session and no CSRF token.
        status.get("unsubscribe", ":token", use: unsubscribePage)
        status.post("unsubscribe", ":token", use: unsubscribe)
    }

    func page(request: Request) async throws -> Response {
        let snapshot = try await request.application.statusSnapshots.current(request.application)
        return try await request.page("status/page", title: "\(snapshot.view.pageName) status", snapshot.view)
    }

    struct IncidentBody: Encodable {
        let pageName: String
        let incident: StatusIncidentView
        let timeZone: String
    }

    func incident(request: Request) async throws -> Response {
        let incident = try await request.statusIncidents.find(request.parameters.get("id"))
        let details = try await StatusHistory(database: request.db).details(of: [incident])
        let id = incident.id ?? ""
        let settings = request.statusSettings
        let view = StatusIncidentView.make(incident, updates: details.updates[id] ?? [], components: details.components[id] ?? [], zone: settings.timeZone)
        return try await request.page("status/incident", title: incident.name, IncidentBody(pageName: settings.name, incident: view, timeZone: settings.zoneName))
    }

    struct HistoryBody: Encodable {
        let pageName: String
        let incidents: [StatusIncidentView]
        let next: String?
        let isFirst: Bool
    }

    func history(request: Request) async throws -> Response {
        let before = try (request.query[String.self, at: "before"]).map { token throws(DomainError) in try StatusHistoryCursor(token: token) }
        let page = try await StatusHistory(database: request.db).page(before: before)
        let zone = request.statusSettings.timeZone
        let views = page.incidents.map { incident in
            StatusIncidentView.make(incident, updates: page.updates[incident.id ?? ""] ?? [], components: page.components[incident.id ?? ""] ?? [], zone: zone)
        }
        return try await request.page("status/history", title: "Status history",
                                      HistoryBody(pageName: request.statusSettings.name, incidents: views, next: page.next?.token, isFirst: before == nil))
    }

    static let feedLength = 50

    func feed(_ request: Request, atom: Bool) async throws -> Response {
        let page = try await StatusHistory(database: request.db).page(before: nil, limit: Self.feedLength)
        let settings = request.statusSettings
        let entries = StatusFeeds.entries(page, settings: settings)
        let updated = page.incidents.map(\.updatedAt).max() ?? Date(timeIntervalSince1970: 0)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: atom ? "atom+xml" : "rss+xml", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=60")
        let text = atom ? StatusFeeds.atom(entries, settings: settings, updated: updated) : StatusFeeds.rss(entries, settings: settings, updated: updated)
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }

    struct UnsubscribeBody: Encodable {
        let token: String
        let pageName: String
    }

    /// Shows a button: mail scanners open links, and a GET must not unsubscribe anyone.
    func unsubscribePage(request: Request) async throws -> Response {
        let token = request.parameters.get("token") ?? ""
        return try await request.page("status/unsubscribe", title: "Unsubscribe", UnsubscribeBody(token: token, pageName: request.statusSettings.name))
    }

    /// Unsubscribes, from the page's button or a mail client's one-click POST. An unknown token
    /// gets the same answer.
    func unsubscribe(request: Request) async throws -> Response {
        try await request.statusSubscribers.unsubscribe(token: request.parameters.get("token") ?? "")
        return try await request.page("status/unsubscribed", title: "Unsubscribed", UnsubscribeBody(token: "", pageName: request.statusSettings.name))
    }
}
