import Foundation
import TrustDeskCore
import Vapor

/// What a ticket's JSON says of its newest escalation (SUP-9).
struct EscalationSummaryDTO: Content {
    let status: String
    let reason: String
    let dateCreated: Date

    enum CodingKeys: String, CodingKey {
        case status, reason
        case dateCreated = "date_created"
    }

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
    let dateAcknowledged: Date?
    let dateResolved: Date?
    let resolution: String?

    enum CodingKeys: String, CodingKey {
        case id, reason, note, status, resolution
        case ticketNumber = "ticket_number"
        case dateCreated = "date_created"
        case dateAcknowledged = "date_acknowledged"
        case dateResolved = "date_resolved"
    }

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

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(ticketNumber, forKey: .ticketNumber)
        try container.encode(reason, forKey: .reason)
        try container.encode(note, forKey: .note)
        try container.encode(status, forKey: .status)
        try container.encode(dateCreated, forKey: .dateCreated)
        try container.encode(dateAcknowledged, forKey: .dateAcknowledged)
        try container.encode(dateResolved, forKey: .dateResolved)
        try container.encode(resolution, forKey: .resolution)
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
