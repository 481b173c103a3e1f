import Fluent
import Foundation
import TrustDeskCore

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
    /// Extra header fields as a JSON array of {name, value}; NULL for none.
    @OptionalField(key: "headers") var headersJSON: String?

    init() {}

    init(recipient: String, subject: String, body: String, kind: String, now: Date, headers: [MailHeader] = []) {
        self.id = UUID()
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.kind = kind
        self.createdAt = now
        self.nextAttemptAt = now
        self.attempts = 0
        self.headersJSON = Self.encode(headers)
    }

    static func encode(_ headers: [MailHeader]) -> String? {
        guard !headers.isEmpty, let data = try? JSONEncoder.sortedKeys.encode(headers) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The stored headers; a row whose headers do not read is an error, not a mail without them.
    func headers() throws(CorruptStoredValue) -> [MailHeader] {
        guard let headersJSON else { return [] }
        return try StoredJSON.decode([MailHeader].self, headersJSON, table: Self.schema, column: "headers", row: id?.uuidString.lowercased() ?? "")
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

extension OutboxMessage {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.email("recipient")], note: "Bodies and subjects are blanked 90 days after delivery; a closed account's recipients are de-identified at day 60.", columns: [
        "id": .notPersonal,
        "recipient": .deidentified(.accountData, as: .deletedAddress),
        "subject": .deidentified(.content, as: .text("")),
        "body": .deidentified(.content, as: .text("")),
        "kind": .notPersonal,
        "created_at": .notPersonal,
        "next_attempt_at": .notPersonal,
        "attempts": .notPersonal,
        "delivered_at": .notPersonal,
        "last_error": .notPersonal,
        // An unsubscribe link names its subscriber's token: blanked with the body.
        "headers": .deidentified(.content, as: .null),
    ])
}

/// Lets a mail carry header fields of its own (RFC 8058 List-Unsubscribe, Reply-To).
struct AddHeadersToOutboxMessages: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OutboxMessage.schema).field("headers", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OutboxMessage.schema).deleteField("headers").update()
    }
}
