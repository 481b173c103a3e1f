import Fluent
import Foundation
import TrustDeskCore

/// An API key (`SK` SID) whose secret is stored only as a hash (ACC-7, SEC-1). Revoked keys
/// stay as rows so the record of who had which key survives.
final class APIKey: Model, @unchecked Sendable {
    static let schema = "api_keys"

    @ID(custom: "sid", generatedBy: .user) var id: String?
    @Field(key: "account_sid") var accountSID: String
    @Field(key: "friendly_name") var friendlyName: String
    @Field(key: "secret_hash") var secretHash: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    /// When a request last authenticated with the key, to the hour (`KeyUse`).
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?

    init() {}

    init(sid: SID, account: String, friendlyName: String, secret: String, now: Date) {
        self.id = sid.rawValue
        self.accountSID = account
        self.friendlyName = friendlyName
        self.secretHash = Secrets.hash(secret)
        self.createdAt = now
    }

    var sid: String { id ?? "" }
}

struct CreateAPIKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(APIKey.schema)
            .field("sid", .string, .identifier(auto: false))
            .field("account_sid", .string, .required, .references(Account.schema, "sid"))
            .field("friendly_name", .string, .required)
            .field("secret_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .create()
        try await database.index("api_keys_account_idx", on: APIKey.schema, columns: ["account_sid", "sid"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(APIKey.schema).delete()
    }
}

/// When each key last signed a request, so the console can show keys nobody uses any more.
struct AddLastUsedAtToAPIKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(APIKey.schema).field("last_used_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(APIKey.schema).deleteField("last_used_at").update()
    }
}

extension APIKey {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "sid", links: [.account("account_sid")], columns: [
        "sid": .notPersonal,
        "account_sid": .notPersonal,
        "friendly_name": .notPersonal,
        "secret_hash": .secret(.text("!")),
        "created_at": .notPersonal,
        "revoked_at": .notPersonal,
        "last_used_at": .notPersonal,
    ])
}
