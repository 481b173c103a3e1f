import Fluent
import Foundation
import TrustDeskCore

/// An emailed invitation to join an account's team with a role (ACC-4).
final class Invitation: Model, @unchecked Sendable {
    static let schema = "invitations"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "account_sid") var accountSID: String
    @Field(key: "email") var email: String
    @Field(key: "role") var roleRaw: String
    @Field(key: "invited_by_user_sid") var invitedBy: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "accepted_at") var acceptedAt: Date?
    @OptionalField(key: "accepted_user_sid") var acceptedUserSID: String?
    @OptionalField(key: "cancelled_at") var cancelledAt: Date?

    init() {}
}

struct CreateInvitations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Invitation.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("account_sid", .string, .required, .references(Account.schema, "sid"))
            .field("email", .string, .required)
            .field("role", .string, .required)
            .field("invited_by_user_sid", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("accepted_at", .datetime)
            .field("accepted_user_sid", .string)
            .field("cancelled_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.index("invitations_account_idx", on: Invitation.schema, columns: ["account_sid"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Invitation.schema).delete()
    }
}

extension Invitation {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.account("account_sid")], columns: [
        "id": .notPersonal,
        "token_hash": .secret(.text("!")),
        "account_sid": .notPersonal,
        "email": .personal(.accountData, .delete),
        "role": .notPersonal,
        "invited_by_user_sid": .notPersonal,
        "created_at": .notPersonal,
        "expires_at": .notPersonal,
        "accepted_at": .notPersonal,
        "accepted_user_sid": .notPersonal,
        "cancelled_at": .notPersonal,
    ])
}
