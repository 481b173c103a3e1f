import Fluent
import Foundation
import TrustDeskCore

/// A sign-up waiting for its emailed confirmation (ACC-3). Nothing else exists until it is
/// confirmed: no account, no user.
final class Registration: Model, @unchecked Sendable {
    static let schema = "registrations"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "email") var email: String
    @Field(key: "username") var username: String
    @Field(key: "full_name") var fullName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "account_name") var accountName: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?
    @OptionalField(key: "account_sid") var accountSID: String?
    // Vetting facts (STD-6), account data (PRV-1): the country and E.164 phone given, the
    // client network (IPv4 /24, IPv6 /48; nil for private or unknown addresses) and how many
    // sign-ups came from that network in the hour before this one.
    @OptionalField(key: "country") var country: String?
    @OptionalField(key: "phone") var phone: String?
    @OptionalField(key: "network") var network: String?
    @OptionalField(key: "network_signups") var networkSignups: Int?

    init() {}
}

struct CreateRegistrations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Registration.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("email", .string, .required)
            .field("username", .string, .required)
            .field("full_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("account_name", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("confirmed_at", .datetime)
            .field("account_sid", .string)
            .unique(on: "token_hash")
            .create()
        try await database.index("registrations_created_idx", on: Registration.schema, columns: ["created_at"])
        try await database.index("registrations_username_idx", on: Registration.schema, columns: ["username"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Registration.schema).delete()
    }
}

/// STD-6's sign-up facts, added after the registrations table (one column per statement, as
/// SQLite wants). The network index serves the per-network velocity count.
struct AddRegistrationVettingFacts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Registration.schema).field("country", .string).update()
        try await database.schema(Registration.schema).field("phone", .string).update()
        try await database.schema(Registration.schema).field("network", .string).update()
        try await database.schema(Registration.schema).field("network_signups", .int).update()
        try await database.index("registrations_network_idx", on: Registration.schema, columns: ["network", "created_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("registrations_network_idx")
        for field in ["network_signups", "network", "phone", "country"] {
            try await database.schema(Registration.schema).deleteField(.string(field)).update()
        }
    }
}

extension Registration {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.account("account_sid")], note: "Unconfirmed sign-ups are purged after 7 days (ACC-3).", columns: [
        "id": .notPersonal,
        "token_hash": .secret(.text("!")),
        "email": .personal(.accountData, .delete),
        "username": .personal(.accountData, .delete),
        "full_name": .personal(.accountData, .delete),
        "password_hash": .secret(.text("!")),
        "account_name": .personal(.accountData, .delete),
        "created_at": .notPersonal,
        "expires_at": .notPersonal,
        "confirmed_at": .notPersonal,
        "account_sid": .notPersonal,
        "country": .personal(.accountData, .delete),
        "phone": .personal(.accountData, .delete),
        "network": .personal(.accountData, .delete),
        "network_signups": .notPersonal,
    ])
}
