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
    @ExplicitNull var followUpOf: Int?
    let hasSla: Bool
    let targets: [TargetDTO]
    /// The newest escalation (SUP-9), open or resolved; null when never escalated.
    @ExplicitNull var escalation: EscalationSummaryDTO?
    @ExplicitNull var firstResponseAt: Date?
    let dateCreated: Date
    let dateUpdated: Date

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
}

struct TargetDTO: Content {
    let metric: String
    let status: String
    let targetMinutes: Int
    @ExplicitNull var dueAt: Date?
    /// When the target was achieved or breached (a breach ends at its due time).
    @ExplicitNull var endedAt: Date?

    init(_ record: TicketSLARecord) {
        self.metric = record.metric
        self.status = record.status
        self.targetMinutes = record.targetMinutes
        self.dueAt = record.dueAt
        self.endedAt = record.endedAt
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

    /// For the hand-written decoder below, which reads `priority` as a number or as text; the
    /// names are the properties', converted from snake_case by the configured decoder.
    enum CodingKeys: CodingKey {
        case accountSid, subject, description, product, priority, topic, sids, oldestExampleAt, countries, direction, sdk, sdkVersion
        case username, emailArea, followUpOf
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
