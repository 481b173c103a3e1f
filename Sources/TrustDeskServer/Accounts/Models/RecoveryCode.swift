import Fluent
import Foundation
import TrustDeskCore

/// A one-time two-factor recovery code, stored hashed (ACC-8).
final class RecoveryCode: Model, @unchecked Sendable {
    static let schema = "recovery_codes"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_sid") var userSID: String
    @Field(key: "code_hash") var codeHash: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}

    init(user: String, codeHash: String, now: Date) {
        self.id = UUID()
        self.userSID = user
        self.codeHash = codeHash
        self.createdAt = now
    }
}

struct CreateRecoveryCodes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RecoveryCode.schema)
            .id()
            .field("user_sid", .string, .required, .references(User.schema, "sid"))
            .field("code_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("used_at", .datetime)
            .create()
        try await database.index("recovery_codes_user_idx", on: RecoveryCode.schema, columns: ["user_sid"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RecoveryCode.schema).delete()
    }
}

extension RecoveryCode {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.user("user_sid")], columns: [
        "id": .notPersonal,
        "user_sid": .notPersonal,
        "code_hash": .secret(.text("!")),
        "created_at": .notPersonal,
        "used_at": .notPersonal,
    ])
}
