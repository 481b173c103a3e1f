import Fluent
import Foundation
import TrustDeskCore

/// One computed (or overridden) score with its explanation: the history staff read (PT-1, PT-7).
/// Append-only.
final class TrustScoreRecord: Model, @unchecked Sendable {
    static let schema = "trust_score_history"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_sid") var accountSID: String
    @Field(key: "score") var score: Int
    @OptionalField(key: "daily_limit") var dailyLimit: Int?
    @Field(key: "explanation") var explanation: String
    /// `daily` (the job), `enrolment`, or `override:<staff user SID>`.
    @Field(key: "source") var source: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(account: String, score: Int, dailyLimit: Int?, explanation: String, source: String, now: Date) {
        self.id = UUID()
        self.accountSID = account
        self.score = score
        self.dailyLimit = dailyLimit
        self.explanation = explanation
        self.source = source
        self.createdAt = now
    }
}

struct CreateTrustScoreHistory: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TrustScoreRecord.schema)
            .id()
            .field("account_sid", .string, .required)
            .field("score", .int, .required)
            .field("daily_limit", .int)
            .field("explanation", .string, .required)
            .field("source", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("trust_score_history_account_idx", on: TrustScoreRecord.schema, columns: ["account_sid", "created_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TrustScoreRecord.schema).delete()
    }
}

extension TrustScoreRecord {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.account("account_sid")], columns: [
        "id": .notPersonal,
        "account_sid": .notPersonal,
        "score": .notPersonal,
        "daily_limit": .notPersonal,
        "explanation": .notPersonal,
        "source": .notPersonal,
        "created_at": .notPersonal,
    ])
}
