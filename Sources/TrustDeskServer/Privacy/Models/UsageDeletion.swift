import Fluent
import Foundation
import TrustDeskCore

/// PRV-5: an instruction to delete an account's usage records in a time range, worked off in
/// batches by the usage-deletion job (indexed `next_run_at`), with its progress.
final class UsageDeletion: Model, @unchecked Sendable {
    static let schema = "usage_deletions"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_sid") var accountSID: String
    @Field(key: "range_from") var rangeFrom: Date
    @Field(key: "range_to") var rangeTo: Date
    @Field(key: "status") var status: String
    @Field(key: "rows_total") var rowsTotal: Int
    @Field(key: "rows_deleted") var rowsDeleted: Int
    @Field(key: "requested_by") var requestedBy: String
    @Field(key: "requested_at") var requestedAt: Date
    @Field(key: "due_by") var dueBy: Date
    @OptionalField(key: "next_run_at") var nextRunAt: Date?
    @OptionalField(key: "held_cases") var heldCases: String?
    @OptionalField(key: "completed_at") var completedAt: Date?
    @OptionalField(key: "request_id") var requestID: UUID?

    init() {}

    var deletionStatus: UsageDeletionStatus { UsageDeletionStatus(rawValue: status) ?? .queued }
}

struct CreateUsageDeletions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(UsageDeletion.schema)
            .id()
            .field("account_sid", .string, .required, .references(Account.schema, "sid"))
            .field("range_from", .datetime, .required)
            .field("range_to", .datetime, .required)
            .field("status", .string, .required)
            .field("rows_total", .int, .required)
            .field("rows_deleted", .int, .required)
            .field("requested_by", .string, .required)
            .field("requested_at", .datetime, .required)
            .field("due_by", .datetime, .required)
            .field("next_run_at", .datetime)
            .field("held_cases", .string)
            .field("completed_at", .datetime)
            .field("request_id", .uuid)
            .create()
        try await database.index("usage_deletions_next_idx", on: UsageDeletion.schema, columns: ["next_run_at"])
        try await database.index("usage_deletions_account_idx", on: UsageDeletion.schema, columns: ["account_sid", "requested_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(UsageDeletion.schema).delete()
    }
}

extension UsageDeletion {
    static let inventory = TableInventory(schema, key: "id", links: [.account("account_sid")], columns: [
        "id": .notPersonal, "account_sid": .notPersonal, "range_from": .notPersonal, "range_to": .notPersonal,
        "status": .notPersonal, "rows_total": .notPersonal, "rows_deleted": .notPersonal, "requested_by": .notPersonal,
        "requested_at": .notPersonal, "due_by": .notPersonal, "next_run_at": .notPersonal, "held_cases": .notPersonal,
        "completed_at": .notPersonal, "request_id": .notPersonal,
    ])
}
