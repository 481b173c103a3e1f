import Fluent
import Foundation
import TrustDeskCore

/// An emailed single-use password reset link, valid for one hour (ACC-5).
final class PasswordReset: Model, @unchecked Sendable {
    static let schema = "password_resets"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "user_sid") var userSID: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}

struct CreatePasswordResets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PasswordReset.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("user_sid", .string, .required, .references(User.schema, "sid"))
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PasswordReset.schema).delete()
    }
}

extension PasswordReset {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.user("user_sid")], columns: [
        "id": .notPersonal,
        "token_hash": .secret(.text("!")),
        "user_sid": .notPersonal,
        "created_at": .personal(.usageData, .delete),
        "expires_at": .notPersonal,
        "used_at": .notPersonal,
    ])
}
