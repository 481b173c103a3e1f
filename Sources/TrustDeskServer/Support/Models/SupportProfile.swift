import Fluent
import Foundation
import TrustDeskCore

/// A customer organisation's support plan and account team (SUP-1, SUP-14), keyed by the
/// top-level account SID: an organisation is a main account with its subaccounts.
final class SupportProfile: Model, @unchecked Sendable {
    static let schema = "support_profiles"

    @ID(custom: "account_sid", generatedBy: .user) var id: String?
    @Field(key: "plan") var plan: String
    @OptionalField(key: "primary_tam_sid") var primaryTAMSID: String?
    @OptionalField(key: "secondary_tam_sid") var secondaryTAMSID: String?
    @OptionalField(key: "tam_manager_sid") var tamManagerSID: String?
    @Field(key: "account_executive_name") var accountExecutiveName: String
    @Field(key: "account_executive_email") var accountExecutiveEmail: String
    /// Legacy plaintext PIN: empty once sealed (`SupportPINs`); never read for lookups.
    @Field(key: "phone_pin") var phonePIN: String
    /// The PIN callers key in on the support line (SUP-10), sealed with the server key.
    @OptionalField(key: "phone_pin_sealed") var phonePINSealed: String?
    /// A keyed hash of the PIN, unique: how a call finds its organisation.
    @OptionalField(key: "phone_pin_lookup") var phonePINLookup: String?
    @OptionalField(key: "chat_channel") var chatChannel: String?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(accountSID: String, plan: String, now: Date) {
        self.id = accountSID
        self.plan = plan
        self.accountExecutiveName = ""
        self.accountExecutiveEmail = ""
        self.phonePIN = ""
        self.updatedAt = now
    }
}

struct CreateSupportProfiles: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SupportProfile.schema)
            .field("account_sid", .string, .identifier(auto: false), .references(Account.schema, "sid"))
            .field("plan", .string, .required)
            .field("primary_tam_sid", .string, .references(User.schema, "sid"))
            .field("secondary_tam_sid", .string, .references(User.schema, "sid"))
            .field("tam_manager_sid", .string, .references(User.schema, "sid"))
            .field("account_executive_name", .string, .required)
            .field("account_executive_email", .string, .required)
            .field("phone_pin", .string, .required)
            .field("chat_channel", .string)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.index("support_profiles_primary_tam_idx", on: SupportProfile.schema, columns: ["primary_tam_sid"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SupportProfile.schema).delete()
    }
}

extension SupportProfile {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "account_sid", links: [.account("account_sid")], columns: [
        "account_sid": .notPersonal,
        "plan": .notPersonal,
        "primary_tam_sid": .notPersonal,
        "secondary_tam_sid": .notPersonal,
        "tam_manager_sid": .notPersonal,
        "account_executive_name": .personal(.accountData, .delete),
        "account_executive_email": .personal(.accountData, .delete),
        "phone_pin": .secret(.text("")),
        "phone_pin_sealed": .secret(.null),
        "phone_pin_lookup": .secret(.null),
        "chat_channel": .notPersonal,
        "updated_at": .notPersonal,
    ])
}
