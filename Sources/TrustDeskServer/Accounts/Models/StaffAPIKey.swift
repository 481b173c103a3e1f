import Fluent
import Foundation
import TrustDeskCore

/// A staff member's personal API key (`SA` SID) for the staff JSON API under `/v1/Staff`.
/// Acts with the staff user's current role; the secret is stored only as a hash (SEC-1).
/// Revoked keys stay as rows, so who held which key survives.
final class StaffAPIKey: Model, @unchecked Sendable {
    static let schema = "staff_api_keys"

    @ID(custom: "sid", generatedBy: .user) var id: String?
    @Field(key: "staff_user_sid") var staffUserSID: String
    @Field(key: "friendly_name") var friendlyName: String
    @Field(key: "secret_hash") var secretHash: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}

    init(sid: SID, staff: String, friendlyName: String, secret: String, now: Date) {
        self.id = sid.rawValue
        self.staffUserSID = staff
        self.friendlyName = friendlyName
        self.secretHash = Secrets.hash(secret)
        self.createdAt = now
    }

    var sid: String { id ?? "" }
}

struct CreateStaffAPIKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StaffAPIKey.schema)
            .field("sid", .string, .identifier(auto: false))
            .field("staff_user_sid", .string, .required, .references(User.schema, "sid"))
            .field("friendly_name", .string, .required)
            .field("secret_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .create()
        try await database.index("staff_api_keys_user_idx", on: StaffAPIKey.schema, columns: ["staff_user_sid", "sid"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StaffAPIKey.schema).delete()
    }
}

extension StaffAPIKey {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "sid", columns: [
        "sid": .notPersonal,
        "staff_user_sid": .notPersonal,
        "friendly_name": .notPersonal,
        "secret_hash": .secret(.text("!")),
        "created_at": .notPersonal,
        "last_used_at": .notPersonal,
        "revoked_at": .notPersonal,
    ])
}
