import Fluent
import Foundation
import TrustDeskCore

/// A person who signs in: a customer teammate, or a member of staff when `staffRole` is set.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(custom: "sid", generatedBy: .user) var id: String?
    @Field(key: "username") var username: String
    @Field(key: "email") var email: String
    @Field(key: "full_name") var fullName: String
    @Field(key: "password_hash") var passwordHash: String
    @OptionalField(key: "staff_role") var staffRoleRaw: String?
    /// TOTP secret sealed with the server key; present once two-factor is enrolled.
    @OptionalField(key: "totp_secret_sealed") var totpSecretSealed: String?
    /// A secret being enrolled: kept until the first code proves the app has it.
    @OptionalField(key: "totp_pending_secret_sealed") var totpPendingSecretSealed: String?
    @OptionalField(key: "totp_enabled_at") var totpEnabledAt: Date?
    /// The last TOTP step accepted; no code at or before it is accepted again (ACC-8).
    @OptionalField(key: "totp_last_step") var totpLastStep: Int64?
    @OptionalField(key: "last_sign_in_at") var lastSignInAt: Date?
    /// The IANA zone pages show this person's times in (`TimeZoneSetting`); nil for UTC.
    @OptionalField(key: "time_zone") var timeZone: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(sid: SID, username: String, email: String, fullName: String, passwordHash: String, staffRole: StaffRole? = nil, now: Date) {
        self.id = sid.rawValue
        self.username = username
        self.email = email
        self.fullName = fullName
        self.passwordHash = passwordHash
        self.staffRoleRaw = staffRole?.rawValue
        self.createdAt = now
        self.updatedAt = now
    }

    var sid: String { id ?? "" }
    var staffRole: StaffRole? { staffRoleRaw.flatMap(StaffRole.init(rawValue:)) }
    var isStaff: Bool { staffRole != nil }
    var twoFactorEnabled: Bool { totpSecretSealed != nil }
}

struct CreateUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema)
            .field("sid", .string, .identifier(auto: false))
            .field("username", .string, .required)
            .field("email", .string, .required)
            .field("full_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("staff_role", .string)
            .field("totp_secret_sealed", .string)
            .field("totp_pending_secret_sealed", .string)
            .field("totp_enabled_at", .datetime)
            .field("totp_last_step", .int64)
            .field("last_sign_in_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "username")
            .create()
        try await database.index("users_email_idx", on: User.schema, columns: ["email"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).delete()
    }
}

extension User {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "sid", links: [.user("sid")], columns: [
        "sid": .notPersonal,
        "username": .deidentified(.accountData, as: .deletedName),
        "email": .deidentified(.accountData, as: .deletedAddress),
        "full_name": .deidentified(.accountData, as: .text("Deleted user")),
        "password_hash": .secret(.text("!")),
        "staff_role": .notPersonal,
        "totp_secret_sealed": .secret(.null),
        "totp_pending_secret_sealed": .secret(.null),
        "totp_enabled_at": .notPersonal,
        "totp_last_step": .notPersonal,
        "last_sign_in_at": .deidentified(.usageData, as: .null),
        "time_zone": .deidentified(.accountData, as: .null),
        "created_at": .notPersonal,
        "updated_at": .notPersonal,
    ])
}

/// A person's time zone for reading times on pages (issue 11); existing users read UTC, as before.
struct AddTimeZoneToUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema).field("time_zone", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).deleteField("time_zone").update()
    }
}
