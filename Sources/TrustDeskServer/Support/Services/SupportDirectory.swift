import Fluent
import SQLKit
import Foundation
import TrustDeskCore

/// Who supports whom: organisations' plans and account teams, staff groups, calendars and
/// availability (SUP-1, SUP-4, SUP-5, SUP-14).
struct SupportDirectory {
    let database: any Database
    let now: Date
    /// This node's calendars; without it every calendar is read from the database.
    var calendars: SupportCalendarCache?

    /// The organisation of an account: the main account for a subaccount.
    func organisationSID(of account: Account) -> String {
        account.ownerAccountSID ?? account.sid
    }

    /// Every organisation on `plan` (the personalized customers a reason for outage goes to, STS-4).
    func organisations(on plan: SupportPlan) async throws -> [SupportProfile] {
        try await SupportProfile.query(on: database).filter(\.$plan == plan.id).sort(\.$id).all()
    }

    func profile(of organisationSID: String) async throws -> SupportProfile? {
        try await SupportProfile.find(organisationSID, on: database)
    }

    /// The plan an organisation is on; organisations without a profile are on `standard`.
    func plan(of profile: SupportProfile?) throws -> SupportPlan {
        try SupportPlan.named(profile?.plan ?? SupportPlan.standard.id)
    }

    func calendar(id: UUID?) async throws -> BusinessCalendar? {
        guard let id else { return nil }
        if let calendars { return try await calendars.calendar(id: id, on: database, now: now) }
        guard let record = try await SupportCalendarRecord.find(id, on: database) else { return nil }
        return try record.calendar()
    }

    func groupCalendar(_ group: String) async throws -> BusinessCalendar {
        if let calendars {
            if let calendar = try await calendars.snapshot(on: database, now: now).groupCalendar(group) { return calendar }
        } else if let record = try await SupportCalendarRecord.query(on: database).filter(\.$groupName == group).sort(\.$name).sort(\.$id).first() {
            return try record.calendar()
        }
        return .aroundTheClock(name: "\(group) (24x7)")
    }

    func staffProfile(_ userSID: String) async throws -> StaffSupportProfile? {
        try await StaffSupportProfile.find(userSID, on: database)
    }

    /// The calendar a ticket's response time is measured on (SUP-8): the assignee's, else
    /// the group's, else around the clock.
    func workingCalendar(assignee: String?, group: String) async throws -> (BusinessCalendar, owner: String) {
        if let assignee, let profile = try await staffProfile(assignee), let calendar = try await calendar(id: profile.calendarID),
           let user = try await User.find(assignee, on: database) {
            return (calendar, Self.shortName(user.fullName))
        }
        return (try await groupCalendar(group), "the \(group) group")
    }

    /// "Alex Rivera" -> "A. Rivera", as the due-time sentence names people.
    static func shortName(_ fullName: String) -> String {
        let parts = fullName.split(separator: " ")
        guard parts.count > 1, let first = parts.first?.first else { return fullName }
        return "\(first). \(parts.dropFirst().joined(separator: " "))"
    }

    /// Everyone on the support desk, by name: the queue page's assignee filter.
    func deskStaff() async throws -> [(sid: String, name: String)] {
        let sids = try await StaffSupportProfile.query(on: database).all().compactMap(\.id)
        guard !sids.isEmpty else { return [] }
        return try await User.query(on: database).filter(\.$id ~~ sids).sort(\.$fullName).rows(StaffName.self, columns: StaffName.columns).map { ($0.sid, $0.fullName) }
    }

    /// Who a new ticket of an organisation with TAMs may go to (SUP-5).
    struct RoutingTeam {
        var primaryTAM: RoutingCandidate?
        var secondaryTAM: RoutingCandidate?
        var pool: [RoutingCandidate] = []

        /// The calendar of someone routing picked: theirs is already read.
        func calendar(of userSID: String?) -> BusinessCalendar? {
            guard let userSID else { return nil }
            return ([primaryTAM, secondaryTAM].compactMap { $0 } + pool).first { $0.id == userSID }?.calendar
        }
    }

    /// The TAMs and, when `withPool`, the PSE pool, in one statement (`RoutingProfile.read`);
    /// calendars come from the node's copy.
    func routingTeam(primaryTAM: String?, secondaryTAM: String?, withPool: Bool) async throws -> RoutingTeam {
        let tams = [primaryTAM, secondaryTAM].compactMap { $0 }
        guard !tams.isEmpty || withPool else { return RoutingTeam() }
        let condition: any SQLExpression = switch (tams.isEmpty, withPool) {
        case (false, true): SQLBinaryExpression(RoutingProfile.oneOf(tams), .or, RoutingProfile.inGroup(SupportGroup.pse))
        case (false, false): RoutingProfile.oneOf(tams)
        case (true, _): RoutingProfile.inGroup(SupportGroup.pse)
        }
        let profiles = try await RoutingProfile.read(matching: condition, on: database.sql)
        let everyone = try await candidates(profiles)
        let byID = Dictionary(everyone.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let pool = withPool ? Set(profiles.filter { $0.groupName == SupportGroup.pse }.map(\.userSID)) : []
        return RoutingTeam(primaryTAM: primaryTAM.flatMap { byID[$0] }, secondaryTAM: secondaryTAM.flatMap { byID[$0] },
                           pool: everyone.filter { pool.contains($0.id) })
    }

    /// The PSE pool: everyone in the `pse` group, with their shift calendars.
    func pool() async throws -> [RoutingCandidate] {
        try await members(of: SupportGroup.pse)
    }

    /// Everyone in a group, with their calendars (the `support_management` rota, SUP-9).
    func members(of group: String) async throws -> [RoutingCandidate] {
        try await candidates(RoutingProfile.read(matching: RoutingProfile.inGroup(group), on: database.sql))
    }

    /// Routing candidates from their rows, with their calendars: one statement however large
    /// the pool, as calendars come from the node's copy when there is one.
    private func candidates(_ profiles: [RoutingProfile]) async throws -> [RoutingCandidate] {
        guard !profiles.isEmpty else { return [] }
        var calendars: [UUID: BusinessCalendar] = [:]
        if let cache = self.calendars {
            for id in Set(profiles.compactMap(\.calendarID)) {
                calendars[id] = try await cache.calendar(id: id, on: database, now: now)
            }
        } else {
            for record in try await SupportCalendarRecord.query(on: database).filter(\.$id ~~ Array(Set(profiles.compactMap(\.calendarID)))).all() {
                if let id = record.id { calendars[id] = try record.calendar() }
            }
        }
        return profiles.compactMap { profile in
            guard let calendar = profile.calendarID.flatMap({ calendars[$0] }) else { return nil }
            return RoutingCandidate(id: profile.userSID, name: profile.fullName, calendar: calendar, available: profile.available, openTickets: profile.openTickets)
        }
    }

    /// Unsolved tickets per assignee, one row each by key from the count the `tickets` triggers
    /// keep (`CreateSupportOpenWork`): routing's cost no longer grows with open work.
    func openTicketCounts(of userSIDs: [String]) async throws -> [String: Int] {
        guard !userSIDs.isEmpty else { return [:] }
        struct Row: Decodable {
            let assignee: String
            let open: Int

            enum CodingKeys: String, CodingKey {
                case assignee = "assignee_sid", open = "open_tickets"
            }
        }
        let rows = try await database.sql.select()
            .column("assignee_sid").column("open_tickets")
            .from(CreateSupportOpenWork.table)
            .where("assignee_sid", .in, userSIDs)
            .all(decoding: Row.self)
        return Dictionary(rows.map { ($0.assignee, $0.open) }, uniquingKeysWith: +)
    }

    func setAvailability(of user: User, available: Bool) async throws {
        guard let profile = try await staffProfile(user.sid) else {
            throw DomainError(.invalidParameter, "You are not on a support group yet; ask a staff admin to add you.")
        }
        profile.available = available
        profile.updatedAt = now
        try await profile.save(on: database)
    }

    /// Every stored calendar by name (a desk has tens, not thousands).
    func calendarRecords(limit: Int = 500) async throws -> [SupportCalendarRecord] {
        try await SupportCalendarRecord.query(on: database).sort(\.$name).limit(limit).all()
    }

    func calendarRecord(_ id: UUID) async throws -> SupportCalendarRecord {
        guard let record = try await SupportCalendarRecord.find(id, on: database) else { throw DomainError.notFound("calendar") }
        return record
    }

    /// Staff admins edit calendars as text: every bad line is an error naming it, all at once,
    /// and hours that can't meet every plan's business-hours targets within a week are refused
    /// (SUP-4). A nil field keeps its stored value.
    func updateCalendar(_ id: UUID, timeZone: String?, weekly: String?, holidays: String?, by staff: User) async throws -> SupportCalendarRecord {
        guard staff.staffRole.map(StaffPage.supportSetup.mayOpen) == true else { throw DomainError(.permissionDenied, "Only staff admins edit calendars.") }
        let record = try await calendarRecord(id)
        var checks = FieldChecks()
        let intervals = checks.run { () throws(DomainError) in try BusinessCalendar.parseWeekly(weekly ?? record.weeklyHours) }
        let days = checks.run { () throws(DomainError) in try BusinessCalendar.parseHolidays(holidays ?? record.holidays) }
        let checked = checks.run { () throws(DomainError) in
            try BusinessCalendar(name: record.name, timeZone: (timeZone ?? record.timeZone).trimmingCharacters(in: .whitespaces),
                                 intervals: intervals ?? [], holidays: days ?? [])
        }
        let calendar = try checks.finish(with: checked)
        try CalendarCoverage.check(calendar, from: now)
        record.timeZone = calendar.timeZone.identifier
        record.weeklyHours = calendar.weeklyText
        record.holidays = calendar.holidaysText
        record.updatedAt = now
        let editedAt = now
        try await database.transaction { db in
            try await record.save(on: db)
            try await StaffAuditEvent(staff: staff.sid, action: "edit_support_calendar", account: nil, detail: "\(record.name): \(record.weeklyHours)", at: editedAt).create(on: db)
        }
        // Other nodes see the edit within a second (`SupportCalendarCache.maximumAge`).
        calendars?.invalidate()
        return record
    }
}
