import Fluent
import Foundation
import TrustDeskCore

/// A staff member's place on the support desk: their group, their working-hours calendar,
/// and whether they are available (they can mark themselves away) (SUP-5).
final class StaffSupportProfile: Model, @unchecked Sendable {
    static let schema = "staff_support_profiles"

    @ID(custom: "user_sid", generatedBy: .user) var id: String?
    @Field(key: "group_name") var groupName: String
    @OptionalField(key: "calendar_id") var calendarID: UUID?
    @Field(key: "available") var available: Bool
    /// E.164; the support line rings it (SUP-10).
    @OptionalField(key: "phone") var phone: String?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(userSID: String, group: String, calendarID: UUID?, now: Date) {
        self.id = userSID
        self.groupName = group
        self.calendarID = calendarID
        self.available = true
        self.updatedAt = now
    }
}

struct CreateStaffSupportProfiles: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StaffSupportProfile.schema)
            .field("user_sid", .string, .identifier(auto: false), .references(User.schema, "sid"))
            .field("group_name", .string, .required)
            .field("calendar_id", .uuid, .references(SupportCalendarRecord.schema, "id"))
            .field("available", .bool, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.index("staff_support_group_idx", on: StaffSupportProfile.schema, columns: ["group_name"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StaffSupportProfile.schema).delete()
    }
}

extension StaffSupportProfile {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "user_sid", columns: [
        "user_sid": .notPersonal,
        "group_name": .notPersonal,
        "calendar_id": .notPersonal,
        "available": .notPersonal,
        "phone": .personal(.accountData, .delete),
        "updated_at": .notPersonal,
    ])
}
