import Foundation
import Vapor

// The Statuspage v2 shapes (STS-5), in the API's key convention; every documented key is
// present, with null where there is no value (`ExplicitNull`), as Statuspage's own pages answer.

struct StatusPageDTO: Content {
    let id: String
    let name: String
    let url: String
    let timeZone: String
    let updatedAt: String
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
    @ExplicitNull var description: String?
    let showcase: Bool
    @ExplicitNull var startDate: String?
    @ExplicitNull var groupId: String?
    let pageId: String
    let group: Bool
    let onlyShowIfDegraded: Bool
    /// A group's members; absent on a plain component.
    let components: [String]?
}

struct StatusAffectedComponentDTO: Content {
    let code: String
    let name: String
    let oldStatus: String
    let newStatus: String
}

struct StatusIncidentUpdateDTO: Content {
    let id: String
    let status: String
    let body: String
    let incidentId: String
    let createdAt: String
    let updatedAt: String
    let displayAt: String
    let affectedComponents: [StatusAffectedComponentDTO]
    let deliverNotifications: Bool
    /// Statuspage's tweet fields, always null: TrustDesk posts no tweets.
    @ExplicitNull var customTweet: String? = nil
    @ExplicitNull var tweetId: String? = nil
}

struct StatusIncidentDTO: Content {
    let id: String
    let name: String
    let status: String
    let createdAt: String
    let updatedAt: String
    @ExplicitNull var monitoringAt: String?
    @ExplicitNull var resolvedAt: String?
    let impact: String
    let shortlink: String
    let startedAt: String
    let pageId: String
    let incidentUpdates: [StatusIncidentUpdateDTO]
    let components: [StatusComponentDTO]
    /// Scheduled maintenances only (they always have both); absent on an incident.
    let scheduledFor: String?
    let scheduledUntil: String?
}

/// `summary.json`.
struct StatusSummaryDTO: Content {
    let page: StatusPageDTO
    let components: [StatusComponentDTO]
    let incidents: [StatusIncidentDTO]
    let scheduledMaintenances: [StatusIncidentDTO]
    let status: StatusIndicatorDTO
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
}
