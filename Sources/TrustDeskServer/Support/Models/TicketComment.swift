import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// A reply on a ticket: public (the customer sees it) or an internal staff note.
final class TicketComment: Model, @unchecked Sendable {
    static let schema = "ticket_comments"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_number") var ticketNumber: Int
    @Field(key: "author_sid") var authorSID: String
    @Field(key: "author_name") var authorName: String
    @Field(key: "author_is_staff") var authorIsStaff: Bool
    @Field(key: "is_public") var isPublic: Bool
    @Field(key: "body") var body: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(ticket: Int, authorSID: String, authorName: String, staff: Bool, isPublic: Bool, body: String, now: Date) {
        self.id = UUID()
        self.ticketNumber = ticket
        self.authorSID = authorSID
        self.authorName = authorName
        self.authorIsStaff = staff
        self.isPublic = isPublic
        self.body = body
        self.createdAt = now
    }
}

/// A small file attached to a comment, stored inline (base64) because it is small.
final class TicketAttachment: Model, @unchecked Sendable {
    static let schema = "ticket_attachments"

    /// Bytes per attachment after decoding.
    static let maximumSize = 32 * 1024
    static let maximumPerComment = 3

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_number") var ticketNumber: Int
    @Field(key: "comment_id") var commentID: UUID
    @Field(key: "filename") var filename: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "content_base64") var contentBase64: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// `ticket_comments`. Until issue 10 it also made `ticket_attachments`, which has its own
/// migration now (`CreateTicketAttachments`); databases migrated before that keep the table
/// this one made, and this one still drops it on revert.
struct CreateTicketComments: AsyncMigration {
    /// As recorded in `_fluent_migrations` by databases that ran it: it never changes.
    var name: String { "TrustDeskServer.CreateTicketComments" }

    func prepare(on database: any Database) async throws {
        try await database.schema(TicketComment.schema)
            .id()
            .field("ticket_number", .int, .required, .references(Ticket.schema, "number"))
            .field("author_sid", .string, .required)
            .field("author_name", .string, .required)
            .field("author_is_staff", .bool, .required)
            .field("is_public", .bool, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("ticket_comments_ticket_idx", on: TicketComment.schema, columns: ["ticket_number", "created_at"])
    }

    func revert(on database: any Database) async throws {
        // Made here on databases migrated before the split; gone already (reverted by
        // `CreateTicketAttachments`) on the others.
        try await database.sql.drop(table: TicketAttachment.schema).ifExists().run()
        try await database.schema(TicketComment.schema).delete()
    }
}

/// `ticket_attachments`, once made by `CreateTicketComments` together with its own table. A
/// database migrated before the split already has it: there this migration adopts it and
/// leaves it to `CreateTicketComments`'s revert (see `CreateSupportAlerts`).
struct CreateTicketAttachments: AsyncMigration {
    var name: String { "TrustDeskServer.CreateTicketAttachments" }

    func prepare(on database: any Database) async throws {
        guard try await !database.tableExists(TicketAttachment.schema) else { return }
        try await database.schema(TicketAttachment.schema)
            .id()
            .field("ticket_number", .int, .required, .references(Ticket.schema, "number"))
            .field("comment_id", .uuid, .required, .references(TicketComment.schema, "id"))
            .field("filename", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("content_base64", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("ticket_attachments_comment_idx", on: TicketAttachment.schema, columns: ["comment_id"])
    }

    func revert(on database: any Database) async throws {
        guard try await database.splitMadeItsTable(name, original: CreateTicketComments().name) else { return }
        try await database.schema(TicketAttachment.schema).delete()
    }
}

extension TicketComment {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.ticket("ticket_number"), .user("author_sid")], columns: [
        "id": .notPersonal, "ticket_number": .notPersonal, "author_sid": .notPersonal,
        "author_name": .personal(.accountData, .keepSupport3Years),
        "author_is_staff": .notPersonal, "is_public": .notPersonal,
        "body": .personal(.content, .keepSupport3Years),
        "created_at": .notPersonal,
    ])
}

extension TicketAttachment {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.ticket("ticket_number")], columns: [
        "id": .notPersonal, "ticket_number": .notPersonal, "comment_id": .notPersonal,
        "filename": .personal(.content, .keepSupport3Years),
        "content_type": .notPersonal, "size": .notPersonal,
        "content_base64": .personal(.content, .keepSupport3Years),
        "created_at": .notPersonal,
    ])
}
