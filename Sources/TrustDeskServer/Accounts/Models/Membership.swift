import Fluent
import Foundation
import TrustDeskCore

/// A user's place on an account's team, with their role (ACC-4). Membership of a parent
/// account also reaches its subaccounts.
final class Membership: Model, @unchecked Sendable {
    static let schema = "memberships"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_sid") var accountSID: String
    @Field(key: "user_sid") var userSID: String
    @Field(key: "role") var roleRaw: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(account: String, user: String, role: TeammateRole, now: Date) {
        self.id = UUID()
        self.accountSID = account
        self.userSID = user
        self.roleRaw = role.rawValue
        self.createdAt = now
    }

    var role: TeammateRole { TeammateRole(rawValue: roleRaw) ?? .support }
}

struct CreateMemberships: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Membership.schema)
            .id()
            .field("account_sid", .string, .required, .references(Account.schema, "sid"))
            .field("user_sid", .string, .required, .references(User.schema, "sid"))
            .field("role", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "account_sid", "user_sid")
            .create()
        try await database.index("memberships_user_idx", on: Membership.schema, columns: ["user_sid"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Membership.schema).delete()
    }
}

extension Membership {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.account("account_sid"), .user("user_sid")], columns: [
        "id": .notPersonal,
        "account_sid": .notPersonal,
        "user_sid": .notPersonal,
        "role": .notPersonal,
        "created_at": .notPersonal,
    ])
}
