import Fluent
import Foundation
import TrustDeskCore

/// A browser session, stored in the database so that any node can serve any request. The
/// cookie carries a random secret; the row's key is its hash, so a database read does not
/// yield working cookies.
final class UserSession: Model, @unchecked Sendable {
    static let schema = "user_sessions"

    enum Stage: String, Codable, Sendable {
        /// Password accepted, two-factor code still owed.
        case twoFactorPending = "two_factor_pending"
        case signedIn = "signed_in"
    }

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "user_sid") var userSID: String
    @Field(key: "stage") var stageRaw: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    /// A refused form on its way to the page that shows it again (`FormFlash`, JSON).
    @OptionalField(key: "flash") var flash: String?

    init() {}

    init(idHash: String, user: String, stage: Stage, now: Date, lifetime: TimeInterval) {
        self.id = idHash
        self.userSID = user
        self.stageRaw = stage.rawValue
        self.createdAt = now
        self.lastSeenAt = now
        self.expiresAt = now.addingTimeInterval(lifetime)
    }

    var stage: Stage { Stage(rawValue: stageRaw) ?? .twoFactorPending }
}

struct CreateUserSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(UserSession.schema)
            .field("id", .string, .identifier(auto: false))
            .field("user_sid", .string, .required)
            .field("stage", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .create()
        try await database.index("user_sessions_user_idx", on: UserSession.schema, columns: ["user_sid"])
        try await database.index("user_sessions_expires_idx", on: UserSession.schema, columns: ["expires_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(UserSession.schema).delete()
    }
}

/// Room for a refused form carried across a redirect (`FormFlash`).
struct AddFlashToUserSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(UserSession.schema).field("flash", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(UserSession.schema).deleteField("flash").update()
    }
}

extension UserSession {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.user("user_sid")], columns: [
        "id": .secret(.null),
        "user_sid": .notPersonal,
        "stage": .notPersonal,
        "created_at": .personal(.usageData, .delete),
        "last_seen_at": .personal(.usageData, .delete),
        "expires_at": .notPersonal,
        "flash": .personal(.content, .delete),
    ])
}
