import Fluent
import Foundation
import TrustDeskCore

/// A correction of a user's email address (PRV-2), waiting for the new address to be
/// confirmed by its mailed single-use link.
final class EmailChange: Model, @unchecked Sendable {
    static let schema = "privacy_email_changes"

    /// The confirmation link lives as long as a sign-up's (ACC-3).
    static let lifetime: TimeInterval = LinkPurpose.signupConfirmation.lifetime

    @ID(key: .id) var id: UUID?
    @Field(key: "user_sid") var userSID: String
    @Field(key: "new_email") var newEmail: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?

    init() {}
}

struct CreateEmailChanges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(EmailChange.schema)
            .id()
            .field("user_sid", .string, .required, .references(User.schema, "sid"))
            .field("new_email", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("confirmed_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.index("privacy_email_changes_user_idx", on: EmailChange.schema, columns: ["user_sid"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(EmailChange.schema).delete()
    }
}

extension EmailChange {
    static let inventory = TableInventory(schema, key: "id", links: [.user("user_sid")], columns: [
        "id": .notPersonal, "user_sid": .notPersonal,
        "new_email": .personal(.accountData, .delete),
        "token_hash": .secret(.null), "created_at": .notPersonal, "expires_at": .notPersonal, "confirmed_at": .notPersonal,
    ])
}
