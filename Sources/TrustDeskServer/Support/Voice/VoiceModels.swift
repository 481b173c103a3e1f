import Fluent
import Foundation
import TrustDeskCore
import SQLKit

/// A support line (SUP-10, SUP-14): a number callers dial, per country. Calls to a number that
/// is not here go to the general queue.
final class SupportLine: Model, @unchecked Sendable {
    static let schema = "support_numbers"

    @ID(key: .id) var id: UUID?
    /// ISO 3166 alpha-2.
    @Field(key: "country") var country: String
    @Field(key: "country_name") var countryName: String
    /// E.164.
    @Field(key: "number") var number: String
    /// `toll_free`, `local` or `voip`.
    @Field(key: "kind") var kind: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    static let kinds = ["toll_free": "Toll free", "local": "Local", "voip": "VoIP"]
}

struct CreateSupportNumbers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SupportLine.schema)
            .id()
            .field("country", .string, .required)
            .field("country_name", .string, .required)
            .field("number", .string, .required)
            .field("kind", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("support_numbers_number_idx", on: SupportLine.schema, columns: ["number"], unique: true)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SupportLine.schema).delete()
    }
}

/// One call to the support line and where it went (SUP-10): written in batches from each node's
/// journal, merged column by column, so the webhooks of one call may reach different nodes.
final class SupportCall: Model, @unchecked Sendable {
    static let schema = "support_calls"

    @ID(custom: "call_sid", generatedBy: .user) var id: String?
    @OptionalField(key: "from_number") var fromNumber: String?
    @OptionalField(key: "to_number") var toNumber: String?
    @OptionalField(key: "organisation_sid") var organisationSID: String?
    @Field(key: "pin_attempts") var pinAttempts: Int
    @OptionalField(key: "outcome") var outcome: String?
    @OptionalField(key: "outcome_at") var outcomeAt: Date?
    @OptionalField(key: "call_status") var callStatus: String?
    @OptionalField(key: "duration_seconds") var durationSeconds: Int?
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "ended_at") var endedAt: Date?

    init() {}
}

struct CreateSupportCalls: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SupportCall.schema)
            .field("call_sid", .string, .identifier(auto: false))
            .field("from_number", .string)
            .field("to_number", .string)
            .field("organisation_sid", .string)
            .field("pin_attempts", .int, .required)
            .field("outcome", .string)
            .field("outcome_at", .datetime)
            .field("call_status", .string)
            .field("duration_seconds", .int)
            .field("started_at", .datetime, .required)
            .field("ended_at", .datetime)
            .create()
        try await database.index("support_calls_started_idx", on: SupportCall.schema, columns: ["started_at", "call_sid"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SupportCall.schema).delete()
    }
}

/// Staff phones for support calls (E.164), rung by the support line (SUP-10).
struct AddPhoneToStaffSupportProfiles: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StaffSupportProfile.schema).field("phone", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StaffSupportProfile.schema).deleteField("phone").update()
    }
}

/// The phone PIN sealed with the server key and found by a keyed hash under a unique index
/// (SUP-10): the plaintext column is emptied by `SupportPINs.sealLegacy` after migrating.
struct AddSealedPINToSupportProfiles: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SupportProfile.schema).field("phone_pin_sealed", .string).update()
        try await database.schema(SupportProfile.schema).field("phone_pin_lookup", .string).update()
        try await database.index("support_profiles_pin_lookup_idx", on: SupportProfile.schema, columns: ["phone_pin_lookup"], unique: true)
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "support_profiles_pin_lookup_idx").run()
        try await database.schema(SupportProfile.schema).deleteField("phone_pin_lookup").update()
        try await database.schema(SupportProfile.schema).deleteField("phone_pin_sealed").update()
    }
}

extension SupportLine {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [], note: "The desk's own phone numbers.", columns: [
        "id": .notPersonal,
        "country": .notPersonal,
        "country_name": .notPersonal,
        "number": .notPersonal,
        "kind": .notPersonal,
        "created_at": .notPersonal,
    ])
}

extension SupportCall {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "call_sid", links: [.account("organisation_sid")], note: "The caller's number is deleted with the organisation's data.", columns: [
        "call_sid": .notPersonal,
        "from_number": .personal(.usageData, .delete),
        "to_number": .notPersonal,
        "organisation_sid": .notPersonal,
        "pin_attempts": .notPersonal,
        "outcome": .notPersonal,
        "outcome_at": .notPersonal,
        "call_status": .notPersonal,
        "duration_seconds": .notPersonal,
        "started_at": .notPersonal,
        "ended_at": .notPersonal,
    ])
}
