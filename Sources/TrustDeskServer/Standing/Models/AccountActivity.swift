import Fluent
import Foundation
import TrustDeskCore

/// When an account was last used (API request, sign-in), for dormancy (STD-7). A row of its
/// own so that recording usage never touches the account row others read and write.
final class AccountActivity: Model, @unchecked Sendable {
    static let schema = "account_activity"

    @ID(custom: "account_sid", generatedBy: .user) var id: String?
    @Field(key: "last_used_at") var lastUsedAt: Date
    @OptionalField(key: "dormancy_warned_at") var dormancyWarnedAt: Date?
    /// When the dormancy job should next look at this account (indexed due time).
    @Field(key: "dormancy_due_at") var dormancyDueAt: Date

    init() {}

    init(account: String, lastUsedAt: Date, dueAt: Date) {
        self.id = account
        self.lastUsedAt = lastUsedAt
        self.dormancyDueAt = dueAt
    }
}

struct CreateAccountActivity: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AccountActivity.schema)
            .field("account_sid", .string, .identifier(auto: false), .references(Account.schema, "sid"))
            .field("last_used_at", .datetime, .required)
            .field("dormancy_warned_at", .datetime)
            .field("dormancy_due_at", .datetime, .required)
            .create()
        try await database.index("account_activity_due_idx", on: AccountActivity.schema, columns: ["dormancy_due_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AccountActivity.schema).delete()
    }
}

extension AccountActivity {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "account_sid", links: [.account("account_sid")], columns: [
        "account_sid": .personal(.usageData, .delete),
        "last_used_at": .personal(.usageData, .delete),
        "dormancy_warned_at": .notPersonal,
        "dormancy_due_at": .notPersonal,
    ])
}
