import Fluent
import Foundation
import TrustDeskCore

/// A stored business-hours calendar (SUP-4): staff admins edit it as text; the core parses it.
/// A calendar with a `group_name` is that group's calendar for unassigned tickets.
final class SupportCalendarRecord: Model, @unchecked Sendable {
    static let schema = "support_calendars"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "time_zone") var timeZone: String
    /// `Mon-Fri 09:00-18:00` form, see `BusinessCalendar.parseWeekly`.
    @Field(key: "weekly_hours") var weeklyHours: String
    /// `YYYY-MM-DD` dates separated by commas.
    @Field(key: "holidays") var holidays: String
    @OptionalField(key: "group_name") var groupName: String?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(name: String, calendar: BusinessCalendar, group: String? = nil, now: Date) {
        self.id = UUID()
        self.name = name
        self.timeZone = calendar.timeZone.identifier
        self.weeklyHours = calendar.weeklyText
        self.holidays = calendar.holidaysText
        self.groupName = group
        self.updatedAt = now
    }

    func calendar() throws -> BusinessCalendar {
        try BusinessCalendar(name: name, timeZone: timeZone, intervals: BusinessCalendar.parseWeekly(weeklyHours),
                             holidays: BusinessCalendar.parseHolidays(holidays))
    }
}

struct CreateSupportCalendars: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SupportCalendarRecord.schema)
            .id()
            .field("name", .string, .required)
            .field("time_zone", .string, .required)
            .field("weekly_hours", .string, .required)
            .field("holidays", .string, .required)
            .field("group_name", .string)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.index("support_calendars_group_idx", on: SupportCalendarRecord.schema, columns: ["group_name"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SupportCalendarRecord.schema).delete()
    }
}

extension SupportCalendarRecord {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", columns: [
        "id": .notPersonal,
        "name": .notPersonal,
        "time_zone": .notPersonal,
        "weekly_hours": .notPersonal,
        "holidays": .notPersonal,
        "group_name": .notPersonal,
        "updated_at": .notPersonal,
    ])
}
