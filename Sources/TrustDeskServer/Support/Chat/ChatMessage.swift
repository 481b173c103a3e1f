import Fluent
import Foundation
import TrustDeskCore

/// A message in an organisation's chat channel (SUP-11), shaped like Chatwoot's
/// `message_created`: `incoming` from the customer, `outgoing` from support, `activity` notes.
final class ChatMessage: Model, @unchecked Sendable {
    static let schema = "support_chat_messages"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "channel") var channel: String
    @Field(key: "organisation_sid") var organisationSID: String
    @Field(key: "message_type") var messageType: String
    @Field(key: "content") var content: String
    @Field(key: "author_sid") var authorSID: String
    @Field(key: "author_name") var authorName: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var type: ChatMessageType { ChatMessageType(rawValue: messageType) ?? .activity }
}

struct CreateSupportChatMessages: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ChatMessage.schema)
            .field("id", .int, .identifier(auto: true))
            .field("channel", .string, .required)
            .field("organisation_sid", .string, .required, .references(Account.schema, "sid"))
            .field("message_type", .string, .required)
            .field("content", .string, .required)
            .field("author_sid", .string, .required)
            .field("author_name", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        // Keyset pages of one channel, newest first.
        try await database.index("support_chat_channel_idx", on: ChatMessage.schema, columns: ["channel", "id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ChatMessage.schema).delete()
    }
}

extension ChatMessage {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.account("organisation_sid"), .user("author_sid")], columns: [
        "id": .notPersonal,
        "channel": .notPersonal,
        "organisation_sid": .notPersonal,
        "message_type": .notPersonal,
        "content": .personal(.content, .keepSupport3Years),
        "author_sid": .notPersonal,
        "author_name": .personal(.accountData, .keepSupport3Years),
        "created_at": .notPersonal,
    ])
}
