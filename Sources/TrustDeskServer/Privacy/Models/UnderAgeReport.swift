import Fluent
import Foundation
import TrustDeskCore

/// PRV-8: a report that a user is under age. A report about a known user opens a Consumer
/// Trust case; once staff confirm it, the removal job removes the person's data.
final class UnderAgeReport: Model, @unchecked Sendable {
    static let schema = "underage_reports"

    enum Status: String, Sendable { case open, dismissed, confirmed, complete }

    @ID(key: .id) var id: UUID?
    /// What the reporter typed to name the user: a username, email address or account SID.
    @Field(key: "reported") var reported: String
    @Field(key: "reporter_email") var reporterEmail: String
    @Field(key: "details") var details: String
    @OptionalField(key: "user_sid") var userSID: String?
    @OptionalField(key: "account_sid") var accountSID: String?
    @OptionalField(key: "ticket_number") var ticketNumber: Int?
    @Field(key: "status") var status: String
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    /// Set on confirmation: the removal job's index.
    @OptionalField(key: "removal_due_at") var removalDueAt: Date?
    @OptionalField(key: "held_cases") var heldCases: String?
    @OptionalField(key: "completed_at") var completedAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var reportStatus: Status { Status(rawValue: status) ?? .open }
}

struct CreateUnderAgeReports: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(UnderAgeReport.schema)
            .id()
            .field("reported", .string, .required)
            .field("reporter_email", .string, .required)
            .field("details", .string, .required)
            .field("user_sid", .string)
            .field("account_sid", .string)
            .field("ticket_number", .int)
            .field("status", .string, .required)
            .field("decided_by", .string)
            .field("decided_at", .datetime)
            .field("removal_due_at", .datetime)
            .field("held_cases", .string)
            .field("completed_at", .datetime)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("underage_reports_due_idx", on: UnderAgeReport.schema, columns: ["removal_due_at"])
        try await database.index("underage_reports_status_idx", on: UnderAgeReport.schema, columns: ["status", "created_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(UnderAgeReport.schema).delete()
    }
}

extension UnderAgeReport {
    /// PRV-1, PRV-8: what the reporter told us is a support communication about the account.
    static let inventory = TableInventory(schema, key: "id", links: [.account("account_sid"), .user("user_sid")], columns: [
        "id": .notPersonal,
        "reported": .personal(.accountData, .keepSupport3Years),
        "reporter_email": .personal(.accountData, .keepSupport3Years),
        "details": .personal(.content, .keepSupport3Years),
        "user_sid": .notPersonal, "account_sid": .notPersonal, "ticket_number": .notPersonal, "status": .notPersonal,
        "decided_by": .notPersonal, "decided_at": .notPersonal, "removal_due_at": .notPersonal, "held_cases": .notPersonal,
        "completed_at": .notPersonal, "created_at": .notPersonal,
    ])
}
