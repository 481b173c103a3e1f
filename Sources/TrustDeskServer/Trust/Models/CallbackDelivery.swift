import Fluent
import Foundation
import TrustDeskCore

/// A refusal (63038) to tell the account's status callback (PT-9), retried until delivered or
/// given up after `CallbackDelivery.maximumAttempts`.
final class CallbackDelivery: Model, @unchecked Sendable {
    static let schema = "trust_callback_deliveries"
    static let maximumAttempts = 8

    @ID(key: .id) var id: UUID?
    @Field(key: "account_sid") var accountSID: String
    @Field(key: "url") var url: String
    /// Form-encoded POST parameters, as signed.
    @Field(key: "body") var body: String
    @Field(key: "signature") var signature: String
    @Field(key: "attempts") var attempts: Int
    @OptionalField(key: "next_attempt_at") var nextAttemptAt: Date?
    @OptionalField(key: "delivered_at") var deliveredAt: Date?
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(account: String, url: String, body: String, signature: String, now: Date) {
        self.id = UUID()
        self.accountSID = account
        self.url = url
        self.body = body
        self.signature = signature
        self.attempts = 0
        self.nextAttemptAt = now
        self.createdAt = now
    }
}

struct CreateCallbackDeliveries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CallbackDelivery.schema)
            .id()
            .field("account_sid", .string, .required)
            .field("url", .string, .required)
            .field("body", .string, .required)
            .field("signature", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime)
            .field("delivered_at", .datetime)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("trust_callbacks_due_idx", on: CallbackDelivery.schema, columns: ["next_attempt_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CallbackDelivery.schema).delete()
    }
}

extension CallbackDelivery {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.account("account_sid")], columns: [
        "id": .notPersonal,
        "account_sid": .notPersonal,
        "url": .personal(.accountData, .delete),
        "body": .personal(.usageData, .delete),
        "signature": .secret(.text("")),
        "attempts": .notPersonal,
        "next_attempt_at": .notPersonal,
        "delivered_at": .notPersonal,
        "last_error": .notPersonal,
        "created_at": .notPersonal,
    ])
}
