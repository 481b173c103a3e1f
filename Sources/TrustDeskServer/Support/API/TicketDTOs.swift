import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// A ticket as the customer sees it. Staff-only fields (assignee, group, tags, routing
/// reason, internal notes, internal history) are never in it.
struct TicketDTO: Content {
    let number: Int
    let subject: String
    let description: String
    let product: String
    let priority: Int
    let status: String
    let accountSid: String
    let organisationSid: String
    let requesterName: String
    let sids: [String]
    let details: [String: String]
    let warnings: [String]
    let followUpOf: Int?
    let hasSla: Bool
    let targets: [TargetDTO]
    /// The newest escalation (SUP-9), open or resolved; null when never escalated.
    let escalation: EscalationSummaryDTO?
    let firstResponseAt: Date?
    let dateCreated: Date
    let dateUpdated: Date

    enum CodingKeys: String, CodingKey {
        case number, subject, description, product, priority, status, sids, details, warnings, targets, escalation
        case firstResponseAt = "first_response_at"
        case accountSid = "account_sid"
        case organisationSid = "organisation_sid"
        case requesterName = "requester_name"
        case followUpOf = "follow_up_of"
        case hasSla = "has_sla"
        case dateCreated = "date_created"
        case dateUpdated = "date_updated"
    }

    init(_ ticket: Ticket, targets: [TicketSLARecord] = [], escalation: TicketEscalation? = nil) throws(CorruptStoredValue) {
        self.number = ticket.number
        self.subject = ticket.subject
        self.description = ticket.description
        self.product = ticket.product
        self.priority = ticket.priority
        self.status = ticket.status
        self.accountSid = ticket.accountSID
        self.organisationSid = ticket.organisationSID
        self.requesterName = ticket.requesterName
        self.sids = ticket.sidList
        self.details = try ticket.details
        self.warnings = ticket.warningList
        self.followUpOf = ticket.followUpOf
        self.hasSla = ticket.hasSLA
        self.targets = targets.map(TargetDTO.init)
        self.escalation = escalation.map(EscalationSummaryDTO.init)
        self.firstResponseAt = ticket.firstResponseAt
        self.dateCreated = ticket.createdAt
        self.dateUpdated = ticket.updatedAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(number, forKey: .number)
        try container.encode(subject, forKey: .subject)
        try container.encode(description, forKey: .description)
        try container.encode(product, forKey: .product)
        try container.encode(priority, forKey: .priority)
        try container.encode(status, forKey: .status)
        try container.encode(accountSid, forKey: .accountSid)
        try container.encode(organisationSid, forKey: .organisationSid)
        try container.encode(requesterName, forKey: .requesterName)
        try container.encode(sids, forKey: .sids)
        try container.encode(details, forKey: .details)
        try container.encode(warnings, forKey: .warnings)
        try container.encode(followUpOf, forKey: .followUpOf)
        try container.encode(hasSla, forKey: .hasSla)
        try container.encode(targets, forKey: .targets)
        try container.encode(escalation, forKey: .escalation)
        try container.encode(firstResponseAt, forKey: .firstResponseAt)
        try container.encode(dateCreated, forKey: .dateCreated)
        try container.encode(dateUpdated, forKey: .dateUpdated)
    }
}

struct TargetDTO: Content {
    let metric: String
    let status: String
    let targetMinutes: Int
    let dueAt: Date?
    /// When the target was achieved or breached (a breach ends at its due time).
    let endedAt: Date?

    enum CodingKeys: String, CodingKey {
        case metric, status
        case targetMinutes = "target_minutes"
        case dueAt = "due_at"
        case endedAt = "ended_at"
    }

    init(_ record: TicketSLARecord) {
        self.metric = record.metric
        self.status = record.status
        self.targetMinutes = record.targetMinutes
        self.dueAt = record.dueAt
        self.endedAt = record.endedAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metric, forKey: .metric)
        try container.encode(status, forKey: .status)
        try container.encode(targetMinutes, forKey: .targetMinutes)
        try container.encode(dueAt, forKey: .dueAt)
        try container.encode(endedAt, forKey: .endedAt)
    }
}

struct TicketListDTO: Content {
    let tickets: [TicketDTO]
    let meta: ListMetaDTO
}

struct CommentDTO: Content {
    let id: String
    let authorName: String
    let fromSupport: Bool
    let body: String
    let dateCreated: Date
    let attachments: [AttachmentSummaryDTO]

    enum CodingKeys: String, CodingKey {
        case id, body, attachments
        case authorName = "author_name"
        case fromSupport = "from_support"
        case dateCreated = "date_created"
    }

    init(_ comment: TicketComment, attachments: [TicketAttachment]) {
        self.id = comment.id?.uuidString.lowercased() ?? ""
        self.authorName = comment.authorName
        self.fromSupport = comment.authorIsStaff
        self.body = comment.body
        self.dateCreated = comment.createdAt
        self.attachments = attachments.map(AttachmentSummaryDTO.init)
    }

    /// Comments with their files' summaries, read in one query.
    static func list(_ comments: [TicketComment], on database: any Database) async throws -> [CommentDTO] {
        let files = try await TicketAttachments(database: database).summaries(of: comments)
        return comments.map { CommentDTO($0, attachments: $0.id.flatMap { files[$0] } ?? []) }
    }
}

/// A file on a comment, without its content; `uri` reads it.
struct AttachmentSummaryDTO: Content {
    let id: String
    let filename: String
    let contentType: String
    let size: Int
    let uri: String

    enum CodingKeys: String, CodingKey {
        case id, filename, size, uri
        case contentType = "content_type"
    }

    init(_ attachment: TicketAttachment) {
        self.id = attachment.id?.uuidString.lowercased() ?? ""
        self.filename = AttachmentName.served(attachment.filename)
        self.contentType = attachment.contentType
        self.size = attachment.size
        self.uri = "/v1/Tickets/\(attachment.ticketNumber)/Attachments/\(id)"
    }
}

/// `GET /v1/Tickets/{number}/Attachments/{id}`: the file, base64 as it was sent.
struct AttachmentDTO: Content {
    let id: String
    let filename: String
    let contentType: String
    let size: Int
    let contentBase64: String
    let dateCreated: Date

    enum CodingKeys: String, CodingKey {
        case id, filename, size
        case contentType = "content_type"
        case contentBase64 = "content_base64"
        case dateCreated = "date_created"
    }

    init(_ attachment: TicketAttachment) {
        self.id = attachment.id?.uuidString.lowercased() ?? ""
        self.filename = AttachmentName.served(attachment.filename)
        self.contentType = attachment.contentType
        self.size = attachment.size
        self.contentBase64 = attachment.contentBase64
        self.dateCreated = attachment.createdAt
    }
}

struct CommentListDTO: Content {
    let comments: [CommentDTO]
}

/// `POST /v1/Tickets`.
struct CreateTicketBody: StrictContent {
    static let allowedFields: Set<String> = ["account_sid", "subject", "description", "product", "priority", "topic", "sids", "oldest_example_at",
                                             "countries", "direction", "sdk", "sdk_version", "username", "email_area", "follow_up_of"]
    static let emptyBodyMessage = "subject: the body is empty; a ticket needs subject, description, product and priority, and the product's intake fields (docs/support.md)."
    var accountSid: String?
    var subject: String?
    var description: String?
    var product: String?
    var priority: String?
    var topic: String?
    var sids: [String]?
    var oldestExampleAt: String?
    var countries: String?
    var direction: String?
    var sdk: String?
    var sdkVersion: String?
    var username: String?
    var emailArea: String?
    var followUpOf: Int?

    enum CodingKeys: String, CodingKey {
        case subject, description, product, priority, topic, sids, countries, direction, sdk, username
        case accountSid = "account_sid"
        case oldestExampleAt = "oldest_example_at"
        case sdkVersion = "sdk_version"
        case emailArea = "email_area"
        case followUpOf = "follow_up_of"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        accountSid = try container.decodeIfPresent(String.self, forKey: .accountSid)
        subject = try container.decodeIfPresent(String.self, forKey: .subject)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        product = try container.decodeIfPresent(String.self, forKey: .product)
        // "priority": 2 and "priority": "2" both work.
        if let number = try? container.decodeIfPresent(Int.self, forKey: .priority) {
            priority = String(number)
        } else {
            priority = try container.decodeIfPresent(String.self, forKey: .priority)
        }
        topic = try container.decodeIfPresent(String.self, forKey: .topic)
        sids = try container.decodeIfPresent([String].self, forKey: .sids)
        oldestExampleAt = try container.decodeIfPresent(String.self, forKey: .oldestExampleAt)
        countries = try container.decodeIfPresent(String.self, forKey: .countries)
        direction = try container.decodeIfPresent(String.self, forKey: .direction)
        sdk = try container.decodeIfPresent(String.self, forKey: .sdk)
        sdkVersion = try container.decodeIfPresent(String.self, forKey: .sdkVersion)
        username = try container.decodeIfPresent(String.self, forKey: .username)
        emailArea = try container.decodeIfPresent(String.self, forKey: .emailArea)
        followUpOf = try container.decodeIfPresent(Int.self, forKey: .followUpOf)
    }
}

struct AttachmentBody: StrictContent {
    static let allowedFields: Set<String> = ["filename", "content_type", "content_base64"]
    var filename: String
    var contentType: String?
    var contentBase64: String

    enum CodingKeys: String, CodingKey {
        case filename
        case contentType = "content_type"
        case contentBase64 = "content_base64"
    }
}

/// `POST /v1/Tickets/{number}/Comments`.
struct CreateCommentBody: StrictContent {
    static let allowedFields: Set<String> = ["body", "attachments"]
    static let nestedContent: [String: any StrictContent.Type] = ["attachments": AttachmentBody.self]
    static let emptyBodyMessage = "body: the body is empty; send body, the comment's text, and optionally attachments."
    var body: String?
    var attachments: [AttachmentBody]?
}

/// When the oldest example happened: ISO 8601 with a time zone, as the API takes times.
enum ExampleTime {
    static func parse(_ text: String?, field: String = "oldest_example_at") throws(DomainError) -> Date? {
        guard let text, !text.isEmpty else { return nil }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        throw DomainError(.invalidParameter, "\(field): use an ISO 8601 time with its zone, like 2026-03-02T14:30:00Z.")
    }
}
