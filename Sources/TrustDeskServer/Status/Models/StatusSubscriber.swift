import Fluent
import Foundation
import TrustDeskCore

/// An email subscriber to status updates (STS-3). The address is personal data (PRV-1,
/// account data); the row is deleted when the person unsubscribes, and an unconfirmed one a
/// day after its link expired.
final class StatusSubscriber: Model, @unchecked Sendable {
    static let schema = "status_subscribers"

    @ID(key: .id) var id: UUID?
    /// Personal data (PRV-1): the subscriber's address, lowercased.
    @Field(key: "email") var email: String
    /// Component ids, space-separated; empty means every update.
    @Field(key: "components") var components: String
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?
    /// The pending confirmation link (double opt-in): its hash, expiry and the component choice
    /// it will apply. A subscriber who asks again gets a new link; confirming applies it.
    @OptionalField(key: "confirm_token_hash") var confirmTokenHash: String?
    @OptionalField(key: "confirm_expires_at") var confirmExpiresAt: Date?
    @OptionalField(key: "confirm_used_at") var confirmUsedAt: Date?
    @Field(key: "pending_components") var pendingComponents: String
    /// The unsubscribe link's token, in every status mail. Stored as is: it can only
    /// unsubscribe, and every mail must carry it.
    @Field(key: "unsubscribe_token") var unsubscribeToken: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var componentIDs: Set<String> { Set(components.split(separator: " ").map(String.init)) }
}

struct CreateStatusSubscribers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StatusSubscriber.schema)
            .id()
            .field("email", .string, .required)
            .field("components", .string, .required)
            .field("confirmed_at", .datetime)
            .field("confirm_token_hash", .string)
            .field("confirm_expires_at", .datetime)
            .field("confirm_used_at", .datetime)
            .field("pending_components", .string, .required)
            .field("unsubscribe_token", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("status_subscribers_email_idx", on: StatusSubscriber.schema, columns: ["email"], unique: true)
        try await database.index("status_subscribers_confirm_token_idx", on: StatusSubscriber.schema, columns: ["confirm_token_hash"])
        try await database.index("status_subscribers_unsubscribe_idx", on: StatusSubscriber.schema, columns: ["unsubscribe_token"], unique: true)
        try await database.index("status_subscribers_confirm_expiry_idx", on: StatusSubscriber.schema, columns: ["confirm_expires_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StatusSubscriber.schema).delete()
    }
}

extension StatusSubscriber {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.email("email")], note: "A subscriber is deleted on unsubscribe; unconfirmed sign-ups are purged when their link expires.", columns: [
        "id": .notPersonal,
        "email": .personal(.accountData, .delete, nil),
        "components": .notPersonal,
        "confirmed_at": .notPersonal,
        "confirm_token_hash": .secret(.null),
        "confirm_expires_at": .notPersonal,
        "confirm_used_at": .notPersonal,
        "pending_components": .notPersonal,
        "unsubscribe_token": .secret(.text("")),
        "created_at": .notPersonal,
    ])
}
