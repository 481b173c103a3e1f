import Fluent
import Foundation
import TrustDeskCore

/// A customer account (ACC-1) or a subaccount (ACC-2), keyed by its `AC` SID.
final class Account: Model, @unchecked Sendable {
    static let schema = "accounts"

    @ID(custom: "sid", generatedBy: .user) var id: String?
    @Field(key: "friendly_name") var friendlyName: String
    /// The parent's SID for a subaccount; nil for a top-level account.
    @OptionalField(key: "owner_account_sid") var ownerAccountSID: String?
    @Field(key: "standing") var standing: String
    @Field(key: "primary_token_hash") var primaryTokenHash: String
    @Field(key: "primary_token_hint") var primaryTokenHint: String
    @Field(key: "primary_token_created_at") var primaryTokenCreatedAt: Date
    @OptionalField(key: "secondary_token_hash") var secondaryTokenHash: String?
    @OptionalField(key: "secondary_token_hint") var secondaryTokenHint: String?
    @OptionalField(key: "secondary_token_created_at") var secondaryTokenCreatedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(sid: SID, friendlyName: String, owner: SID?, primaryToken: String, now: Date) {
        self.id = sid.rawValue
        self.friendlyName = friendlyName
        self.ownerAccountSID = owner?.rawValue
        self.standing = "active"
        self.primaryTokenHash = Secrets.hash(primaryToken)
        self.primaryTokenHint = Secrets.hint(primaryToken)
        self.primaryTokenCreatedAt = now
        self.createdAt = now
        self.updatedAt = now
    }

    var sid: String { id ?? "" }
    var isSubaccount: Bool { ownerAccountSID != nil }
}

struct CreateAccounts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Account.schema)
            .field("sid", .string, .identifier(auto: false))
            .field("friendly_name", .string, .required)
            .field("owner_account_sid", .string, .references(Account.schema, "sid"))
            .field("standing", .string, .required)
            .field("primary_token_hash", .string, .required)
            .field("primary_token_hint", .string, .required)
            .field("primary_token_created_at", .datetime, .required)
            .field("secondary_token_hash", .string)
            .field("secondary_token_hint", .string)
            .field("secondary_token_created_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.index("accounts_owner_idx", on: Account.schema, columns: ["owner_account_sid", "sid"])
        try await database.index("accounts_friendly_name_idx", on: Account.schema, columns: ["friendly_name"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Account.schema).delete()
    }
}

extension Account {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "sid", links: [.account("sid")], columns: [
        "sid": .notPersonal,
        "friendly_name": .deidentified(.accountData, as: .text("Closed account")),
        "owner_account_sid": .notPersonal,
        "standing": .notPersonal,
        "primary_token_hash": .secret(.text("!")),
        "primary_token_hint": .notPersonal,
        "primary_token_created_at": .notPersonal,
        "secondary_token_hash": .secret(.null),
        "secondary_token_hint": .notPersonal,
        "secondary_token_created_at": .notPersonal,
        "created_at": .notPersonal,
        "updated_at": .notPersonal,
    ])
}
