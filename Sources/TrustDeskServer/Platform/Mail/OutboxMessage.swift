import Fluent
import Foundation

/// An email waiting to go out, or gone. Every mail is written here first, in the same
/// transaction as whatever caused it, so nothing is lost if the transport is down.
final class OutboxMessage: Model, @unchecked Sendable {
    static let schema = "outbox_messages"

    @ID(key: .id) var id: UUID?
    @Field(key: "recipient") var recipient: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    /// What the mail is about (`signup_confirmation`, `password_reset`, ...): for operators.
    @Field(key: "kind") var kind: String
    @Field(key: "created_at") var createdAt: Date
    /// When to try next; NULL once delivered, so the index holds only the queue.
    @OptionalField(key: "next_attempt_at") var nextAttemptAt: Date?
    @Field(key: "attempts") var attempts: Int
    @OptionalField(key: "delivered_at") var deliveredAt: Date?
    @OptionalField(key: "last_error") var lastError: String?
    /// Extra headers as a JSON array of {name, value}; NULL when there are none.
    @OptionalField(key: "headers") var headersJSON: String?

    init() {}

    init(recipient: String, subject: String, body: String, kind: String, now: Date, headers: [MailHeader] = []) throws {
        self.id = UUID()
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.kind = kind
        self.createdAt = now
        self.nextAttemptAt = now
        self.attempts = 0
        self.headersJSON = headers.isEmpty ? nil : String(decoding: try JSONEncoder().encode(headers), as: UTF8.self)
    }

    /// The extra headers; a row whose headers don't decode is corrupt and fails its delivery.
    func headers() throws -> [MailHeader] {
        guard let headersJSON else { return [] }
        return try JSONDecoder().decode([MailHeader].self, from: Data(headersJSON.utf8))
    }
}

/// Extra headers per message (Reply-To for ticket mail, List-Unsubscribe for subscriptions).
struct AddHeadersToOutboxMessages: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OutboxMessage.schema).field("headers", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OutboxMessage.schema).deleteField("headers").update()
    }
}

struct CreateOutboxMessages: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OutboxMessage.schema)
            .id()
            .field("recipient", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("kind", .string, .required)
            .field("created_at", .datetime, .required)
            .field("next_attempt_at", .datetime)
            .field("attempts", .int, .required)
            .field("delivered_at", .datetime)
            .field("last_error", .string)
            .create()
        try await database.index("outbox_next_attempt_idx", on: OutboxMessage.schema, columns: ["next_attempt_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OutboxMessage.schema).delete()
    }
}
