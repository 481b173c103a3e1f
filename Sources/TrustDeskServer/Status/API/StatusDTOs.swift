import Foundation
import Vapor

// The Statuspage v2 shapes (STS-5). Keys are snake_case per DTO; every documented key is
// present, with null where there is no value, as Statuspage's own pages answer.

struct StatusPageDTO: Content {
    let id: String
    let name: String
    let url: String
    let timeZone: String
    let updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, name, url
        case timeZone = "time_zone"
        case updatedAt = "updated_at"
    }
}

struct StatusIndicatorDTO: Content {
    let indicator: String
    let description: String
}

struct StatusComponentDTO: Content {
    let id: String
    let name: String
    let status: String
    let createdAt: String
    let updatedAt: String
    let position: Int
    let description: String?
    let showcase: Bool
    let startDate: String?
    let groupID: String?
    let pageID: String
    let group: Bool
    let onlyShowIfDegraded: Bool
    /// A group's members; absent on a plain component.
    let components: [String]?

    enum CodingKeys: String, CodingKey {
        case id, name, status, position, description, showcase, group, components
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case startDate = "start_date"
        case groupID = "group_id"
        case pageID = "page_id"
        case onlyShowIfDegraded = "only_show_if_degraded"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(status, forKey: .status)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(position, forKey: .position)
        try container.encode(description, forKey: .description)
        try container.encode(showcase, forKey: .showcase)
        try container.encode(startDate, forKey: .startDate)
        try container.encode(groupID, forKey: .groupID)
        try container.encode(pageID, forKey: .pageID)
        try container.encode(group, forKey: .group)
        try container.encode(onlyShowIfDegraded, forKey: .onlyShowIfDegraded)
        try container.encodeIfPresent(components, forKey: .components)
    }
}

struct StatusAffectedComponentDTO: Content {
    let code: String
    let name: String
    let oldStatus: String
    let newStatus: String

    enum CodingKeys: String, CodingKey {
        case code, name
        case oldStatus = "old_status"
        case newStatus = "new_status"
    }
}

struct StatusIncidentUpdateDTO: Content {
    let id: String
    let status: String
    let body: String
    let incidentID: String
    let createdAt: String
    let updatedAt: String
    let displayAt: String
    let affectedComponents: [StatusAffectedComponentDTO]
    let deliverNotifications: Bool

    enum CodingKeys: String, CodingKey {
        case id, status, body
        case incidentID = "incident_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case displayAt = "display_at"
        case affectedComponents = "affected_components"
        case deliverNotifications = "deliver_notifications"
        case customTweet = "custom_tweet"
        case tweetID = "tweet_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(status, forKey: .status)
        try container.encode(body, forKey: .body)
        try container.encode(incidentID, forKey: .incidentID)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(displayAt, forKey: .displayAt)
        try container.encode(affectedComponents, forKey: .affectedComponents)
        try container.encode(deliverNotifications, forKey: .deliverNotifications)
        // Statuspage's tweet fields: TrustDesk posts no tweets.
        try container.encodeNil(forKey: .customTweet)
        try container.encodeNil(forKey: .tweetID)
    }

    init(id: String, status: String, body: String, incidentID: String, createdAt: String, updatedAt: String, displayAt: String,
         affectedComponents: [StatusAffectedComponentDTO], deliverNotifications: Bool) {
        self.id = id
        self.status = status
        self.body = body
        self.incidentID = incidentID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.displayAt = displayAt
        self.affectedComponents = affectedComponents
        self.deliverNotifications = deliverNotifications
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try container.decode(String.self, forKey: .id), status: try container.decode(String.self, forKey: .status),
                  body: try container.decode(String.self, forKey: .body), incidentID: try container.decode(String.self, forKey: .incidentID),
                  createdAt: try container.decode(String.self, forKey: .createdAt), updatedAt: try container.decode(String.self, forKey: .updatedAt),
                  displayAt: try container.decode(String.self, forKey: .displayAt),
                  affectedComponents: try container.decode([StatusAffectedComponentDTO].self, forKey: .affectedComponents),
                  deliverNotifications: try container.decode(Bool.self, forKey: .deliverNotifications))
    }
}

struct StatusIncidentDTO: Content {
    let id: String
    let name: String
    let status: String
    let createdAt: String
    let updatedAt: String
    let monitoringAt: String?
    let resolvedAt: String?
    let impact: String
    let shortlink: String
    let startedAt: String
    let pageID: String
    let incidentUpdates: [StatusIncidentUpdateDTO]
    let components: [StatusComponentDTO]
    /// Scheduled maintenances only.
    let scheduledFor: String?
    let scheduledUntil: String?

    enum CodingKeys: String, CodingKey {
        case id, name, status, impact, shortlink, components
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case monitoringAt = "monitoring_at"
        case resolvedAt = "resolved_at"
        case startedAt = "started_at"
        case pageID = "page_id"
        case incidentUpdates = "incident_updates"
        case scheduledFor = "scheduled_for"
        case scheduledUntil = "scheduled_until"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(status, forKey: .status)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(monitoringAt, forKey: .monitoringAt)
        try container.encode(resolvedAt, forKey: .resolvedAt)
        try container.encode(impact, forKey: .impact)
        try container.encode(shortlink, forKey: .shortlink)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(pageID, forKey: .pageID)
        try container.encode(incidentUpdates, forKey: .incidentUpdates)
        try container.encode(components, forKey: .components)
        if scheduledFor != nil || scheduledUntil != nil {
            try container.encode(scheduledFor, forKey: .scheduledFor)
            try container.encode(scheduledUntil, forKey: .scheduledUntil)
        }
    }
}

/// `summary.json`.
struct StatusSummaryDTO: Content {
    let page: StatusPageDTO
    let components: [StatusComponentDTO]
    let incidents: [StatusIncidentDTO]
    let scheduledMaintenances: [StatusIncidentDTO]
    let status: StatusIndicatorDTO

    enum CodingKeys: String, CodingKey {
        case page, components, incidents, status
        case scheduledMaintenances = "scheduled_maintenances"
    }
}

/// `status.json`.
struct StatusStatusDTO: Content {
    let page: StatusPageDTO
    let status: StatusIndicatorDTO
}

/// `components.json`.
struct StatusComponentsDTO: Content {
    let page: StatusPageDTO
    let components: [StatusComponentDTO]
}

/// `incidents.json`, `incidents/unresolved.json`.
struct StatusIncidentsDTO: Content {
    let page: StatusPageDTO
    let incidents: [StatusIncidentDTO]
}

/// `scheduled-maintenances.json` and its `upcoming` and `active` lists.
struct StatusMaintenancesDTO: Content {
    let page: StatusPageDTO
    let scheduledMaintenances: [StatusIncidentDTO]

    enum CodingKeys: String, CodingKey {
        case page
        case scheduledMaintenances = "scheduled_maintenances"
    }
}
