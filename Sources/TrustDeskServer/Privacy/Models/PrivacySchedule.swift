import Fluent
import Foundation
import TrustDeskCore

/// PRV-4: a closed account's retention schedule. The retention job reads it by
/// `next_action_at` and runs the steps that are due.
final class PrivacySchedule: Model, @unchecked Sendable {
    static let schema = "privacy_schedules"

    @ID(custom: "account_sid", generatedBy: .user) var id: String?
    @Field(key: "closed_at") var closedAt: Date
    /// Comma-separated `RetentionStep`s that ran.
    @Field(key: "done_steps") var doneSteps: String
    /// nil once every step ran.
    @OptionalField(key: "next_action_at") var nextActionAt: Date?
    /// The cases that held the last run, while held.
    @OptionalField(key: "held_cases") var heldCases: String?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var accountSID: String { id ?? "" }
    var done: Set<RetentionStep> { Set(doneSteps.split(separator: ",").compactMap { RetentionStep(rawValue: String($0)) }) }
}

struct CreatePrivacySchedules: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PrivacySchedule.schema)
            .field("account_sid", .string, .identifier(auto: false), .references(Account.schema, "sid"))
            .field("closed_at", .datetime, .required)
            .field("done_steps", .string, .required)
            .field("next_action_at", .datetime)
            .field("held_cases", .string)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.index("privacy_schedules_next_idx", on: PrivacySchedule.schema, columns: ["next_action_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PrivacySchedule.schema).delete()
    }
}

extension PrivacySchedule {
    static let inventory = TableInventory(schema, key: "account_sid", columns: [
        "account_sid": .notPersonal, "closed_at": .notPersonal, "done_steps": .notPersonal,
        "next_action_at": .notPersonal, "held_cases": .notPersonal, "updated_at": .notPersonal,
    ])
}
