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
    @ExplicitNull var dateDecided: Date?
    @ExplicitNull var decisionNote: String?
    @ExplicitNull var dateEnded: Date?

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
}

struct RouteChangeListDTO: Content {
    let routeChanges: [RouteChangeDTO]
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
}
