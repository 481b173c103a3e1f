import Fluent
import Foundation
import TrustDeskCore

/// A person's choices about their data (PRV-2, PRV-7): marketing opt-in (off until they tick
/// it) and a restriction of use. No row means the defaults: no marketing, no restriction.
final class PrivacyPreference: Model, @unchecked Sendable {
    static let schema = "privacy_preferences"

    @ID(custom: "user_sid", generatedBy: .user) var id: String?
    @Field(key: "marketing_opt_in") var marketingOptIn: Bool
    @Field(key: "marketing_changed_at") var marketingChangedAt: Date
    /// Set while the person restricts use of their data: no marketing, no reports naming them.
    @OptionalField(key: "restricted_at") var restrictedAt: Date?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(user: String, now: Date) {
        self.id = user
        self.marketingOptIn = false
        self.marketingChangedAt = now
        self.updatedAt = now
    }
}

struct CreatePrivacyPreferences: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PrivacyPreference.schema)
            .field("user_sid", .string, .identifier(auto: false), .references(User.schema, "sid"))
            .field("marketing_opt_in", .bool, .required)
            .field("marketing_changed_at", .datetime, .required)
            .field("restricted_at", .datetime)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.index("privacy_preferences_restricted_idx", on: PrivacyPreference.schema, columns: ["restricted_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PrivacyPreference.schema).delete()
    }
}

extension PrivacyPreference {
    static let inventory = TableInventory(schema, key: "user_sid", links: [.user("user_sid")], columns: [
        "user_sid": .notPersonal,
        "marketing_opt_in": .personal(.accountData, .delete),
        "marketing_changed_at": .personal(.accountData, .delete),
        "restricted_at": .personal(.accountData, .delete),
        "updated_at": .notPersonal,
    ])
}
