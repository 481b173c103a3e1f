import Fluent
import Foundation
import TrustDeskCore

/// An account in Progressive Trust (PT-1): its current score and limit, the explanation, any
/// override (PT-10) and its status callback (PT-9). `updated_at` moves whenever the policy
/// changes so every node can find changed accounts cheaply; `lease_seq` is bumped by each lease
/// grant, which serialises grants of one account across nodes (a row lock on PostgreSQL).
final class TrustProfile: Model, @unchecked Sendable {
    static let schema = "trust_profiles"

    @ID(custom: "account_sid", generatedBy: .user) var id: String?
    @Field(key: "score") var score: Int
    /// nil is unlimited (score 1).
    @OptionalField(key: "daily_limit") var dailyLimit: Int?
    /// JSON of `ScoreExplanation`.
    @Field(key: "explanation") var explanation: String
    @Field(key: "average_daily_volume") var averageDailyVolume: Int
    @Field(key: "enrolled_at") var enrolledAt: Date
    @Field(key: "computed_at") var computedAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "lease_seq") var leaseSeq: Int
    @OptionalField(key: "override_limit") var overrideLimit: Int?
    @OptionalField(key: "override_score") var overrideScore: Int?
    @OptionalField(key: "override_from") var overrideFrom: Date?
    @OptionalField(key: "override_until") var overrideUntil: Date?
    @OptionalField(key: "callback_url") var callbackURL: String?
    @OptionalField(key: "callback_secret") var callbackSecret: String?

    init() {}

    var accountSID: String { id ?? "" }

    func overrideActive(at now: Date) -> Bool {
        guard let from = overrideFrom, let until = overrideUntil else { return false }
        return from <= now && now < until
    }

    /// The limit in force at `now`: an active override wins (PT-10). nil is unlimited.
    func effectiveLimit(at now: Date) -> Int? {
        if overrideActive(at: now), let limit = overrideLimit { return limit }
        return dailyLimit
    }
}

struct CreateTrustProfiles: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TrustProfile.schema)
            .field("account_sid", .string, .identifier(auto: false), .references("accounts", "sid"))
            .field("score", .int, .required)
            .field("daily_limit", .int)
            .field("explanation", .string, .required)
            .field("average_daily_volume", .int, .required)
            .field("enrolled_at", .datetime, .required)
            .field("computed_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("lease_seq", .int, .required)
            .field("override_limit", .int)
            .field("override_score", .int)
            .field("override_from", .datetime)
            .field("override_until", .datetime)
            .field("callback_url", .string)
            .field("callback_secret", .string)
            .create()
        try await database.index("trust_profiles_updated_idx", on: TrustProfile.schema, columns: ["updated_at"])
        try await database.index("trust_profiles_computed_idx", on: TrustProfile.schema, columns: ["computed_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TrustProfile.schema).delete()
    }
}

extension TrustProfile {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "account_sid", links: [.account("account_sid")], columns: [
        "account_sid": .notPersonal,
        "score": .notPersonal,
        "daily_limit": .notPersonal,
        "explanation": .notPersonal,
        "average_daily_volume": .notPersonal,
        "enrolled_at": .notPersonal,
        "computed_at": .notPersonal,
        "updated_at": .notPersonal,
        "lease_seq": .notPersonal,
        "override_limit": .notPersonal,
        "override_score": .notPersonal,
        "override_from": .notPersonal,
        "override_until": .notPersonal,
        "callback_url": .deidentified(.accountData, as: .null),
        "callback_secret": .secret(.null),
    ])
}
