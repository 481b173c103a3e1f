import Foundation
import TrustDeskCore
import Vapor

/// What a ticket's JSON says of its newest escalation (SUP-9).
struct EscalationSummaryDTO: Content {
    let status: String
    let reason: String
    let dateCreated: Date

    init(_ escalation: TicketEscalation) {
        self.status = escalation.status
        self.reason = escalation.reason
        self.dateCreated = escalation.createdAt
    }
}

/// `GET|POST /v1/Tickets/{number}/Escalations`. Who was alerted stays internal.
struct EscalationDTO: Content {
    let id: String
    let ticketNumber: Int
    let reason: String
    let note: String
    let status: String
    let dateCreated: Date
    @ExplicitNull var dateAcknowledged: Date?
    @ExplicitNull var dateResolved: Date?
    @ExplicitNull var resolution: String?

    init(_ escalation: TicketEscalation) {
        self.id = escalation.id?.uuidString.lowercased() ?? ""
        self.ticketNumber = escalation.ticketNumber
        self.reason = escalation.reason
        self.note = escalation.note
        self.status = escalation.status
        self.dateCreated = escalation.createdAt
        self.dateAcknowledged = escalation.acknowledgedAt
        self.dateResolved = escalation.resolvedAt
        self.resolution = escalation.resolution
    }
}

struct EscalationListDTO: Content {
    let escalations: [EscalationDTO]
}

/// `POST /v1/Tickets/{number}/Escalations`.
struct CreateEscalationBody: StrictContent {
    static let allowedFields: Set<String> = ["reason", "note"]
    var reason: String?
    var note: String?
}
