import Foundation
import TrustDeskCore
import Vapor

/// A route change as the customer sees it (SUP-13).
struct RouteChangeDTO: Content {
    let id: String
    let accountSid: String
    let ticketNumber: Int
    let scope: String
    let destinations: [String]
    let reason: String
    let status: String
    let until: Date
    let dateCreated: Date
    let dateDecided: Date?
    let decisionNote: String?
    let dateEnded: Date?

    enum CodingKeys: String, CodingKey {
        case id, scope, destinations, reason, status, until
        case accountSid = "account_sid"
        case ticketNumber = "ticket_number"
        case dateCreated = "date_created"
        case dateDecided = "date_decided"
        case decisionNote = "decision_note"
        case dateEnded = "date_ended"
    }

    init(_ change: RouteChange) {
        self.id = change.id?.uuidString.lowercased() ?? ""
        self.accountSid = change.accountSID
        self.ticketNumber = change.ticketNumber
        self.scope = change.scopeKind
        self.destinations = change.destinationList
        self.reason = change.reason
        self.status = change.status
        self.until = change.until
        self.dateCreated = change.createdAt
        self.dateDecided = change.decidedAt
        self.decisionNote = change.decisionNote
        self.dateEnded = change.endedAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(accountSid, forKey: .accountSid)
        try container.encode(ticketNumber, forKey: .ticketNumber)
        try container.encode(scope, forKey: .scope)
        try container.encode(destinations, forKey: .destinations)
        try container.encode(reason, forKey: .reason)
        try container.encode(status, forKey: .status)
        try container.encode(until, forKey: .until)
        try container.encode(dateCreated, forKey: .dateCreated)
        try container.encode(dateDecided, forKey: .dateDecided)
        try container.encode(decisionNote, forKey: .decisionNote)
        try container.encode(dateEnded, forKey: .dateEnded)
    }
}

struct RouteChangeListDTO: Content {
    let routeChanges: [RouteChangeDTO]

    enum CodingKeys: String, CodingKey {
        case routeChanges = "route_changes"
    }
}

/// `POST /v1/Accounts/{sid}/RouteChanges`: `numbers` or `prefix`, `reason`, `until`, and
/// optionally the voice `ticket_number` to attach it to.
struct CreateRouteChangeBody: StrictContent {
    static let allowedFields: Set<String> = ["numbers", "prefix", "reason", "until", "ticket_number"]
    var numbers: [String]?
    var prefix: String?
    var reason: String?
    var until: String?
    var ticketNumber: Int?

    enum CodingKeys: String, CodingKey {
        case numbers, prefix, reason, until
        case ticketNumber = "ticket_number"
    }
}
