import Fluent
import Foundation
import TrustDeskCore

/// Admitted messages that carried a SID, written in batches by each node's journal so outcome
/// reports can be matched to an account (PT-7). Kept 35 days.
final class AdmittedMessage: Model, @unchecked Sendable {
    static let schema = "trust_admitted_messages"

    @ID(custom: "message_sid", generatedBy: .user) var id: String?
    @Field(key: "account_sid") var accountSID: String
    @Field(key: "admitted_at") var admittedAt: Date
    @OptionalField(key: "outcome") var outcome: String?
    @OptionalField(key: "outcome_at") var outcomeAt: Date?

    init() {}
}

struct CreateAdmittedMessages: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AdmittedMessage.schema)
            .field("message_sid", .string, .identifier(auto: false))
            .field("account_sid", .string, .required)
            .field("admitted_at", .datetime, .required)
            .field("outcome", .string)
            .field("outcome_at", .datetime)
            .create()
        try await database.index("trust_admitted_outcome_idx", on: AdmittedMessage.schema, columns: ["account_sid", "outcome_at"])
        try await database.index("trust_admitted_at_idx", on: AdmittedMessage.schema, columns: ["admitted_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AdmittedMessage.schema).delete()
    }
}

extension AdmittedMessage {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "message_sid", links: [.account("account_sid")], note: "Kept 35 days; a usage deletion (PRV-5) removes a range sooner.", columns: [
        "message_sid": .personal(.usageData, .delete),
        "account_sid": .notPersonal,
        "admitted_at": .personal(.usageData, .delete),
        "outcome": .personal(.usageData, .delete),
        "outcome_at": .personal(.usageData, .delete),
    ])
}
