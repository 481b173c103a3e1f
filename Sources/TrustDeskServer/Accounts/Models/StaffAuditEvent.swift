import Fluent
import Foundation
import TrustDeskCore

/// An append-only record of a staff member touching customer data (SEC-3).
final class StaffAuditEvent: Model, @unchecked Sendable {
    static let schema = "staff_audit_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "staff_user_sid") var staffUserSID: String
    @Field(key: "action") var action: String
    @OptionalField(key: "account_sid") var accountSID: String?
    @Field(key: "detail") var detail: String
    @Field(key: "at") var at: Date

    init() {}

    init(staff: String, action: String, account: String?, detail: String, at: Date) {
        self.id = UUID()
        self.staffUserSID = staff
        self.action = action
        self.accountSID = account
        self.detail = detail
        self.at = at
    }
}

struct CreateStaffAuditEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StaffAuditEvent.schema)
            .id()
            .field("staff_user_sid", .string, .required)
            .field("action", .string, .required)
            .field("account_sid", .string)
            .field("detail", .string, .required)
            .field("at", .datetime, .required)
            .create()
        try await database.index("staff_audit_account_idx", on: StaffAuditEvent.schema, columns: ["account_sid", "at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StaffAuditEvent.schema).delete()
    }
}

extension StaffAuditEvent {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.account("account_sid")], columns: [
        "id": .notPersonal,
        "staff_user_sid": .notPersonal,
        "action": .notPersonal,
        "account_sid": .notPersonal,
        "detail": .personal(.content, .keep7Years),
        "at": .notPersonal,
    ])
}
