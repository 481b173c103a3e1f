import Fluent
import Foundation
import TrustDeskCore

/// Who supports whom: organisations' plans and account teams, staff groups, calendars and
/// availability (SUP-1, SUP-4, SUP-5, SUP-14).
struct SupportDirectory {
    let database: any Database
    let now: Date

    /// The organisation of an account: the main account for a subaccount.
    func organisationSID(of account: Account) -> String {
        account.ownerAccountSID ?? account.sid
    }

    func profile(of organisationSID: String) async throws -> SupportProfile? {
        try await SupportProfile.find(organisationSID, on: database)
    }

    /// The plan an organisation is on; organisations without a profile are on `standard`.
    func plan(of profile: SupportProfile?) throws -> SupportPlan {
        try SupportPlan.named(profile?.plan ?? SupportPlan.standard.id)
    }

    func calendar(id: UUID?) async throws -> BusinessCalendar? {
        guard let id, let record = try await SupportCalendarRecord.find(id, on: database) else { return nil }
        return try record.calendar()
    }

    func groupCalendar(_ group: String) async throws -> BusinessCalendar {
        if let record = try await SupportCalendarRecord.query(on: database).filter(\.$groupName == group).first() {
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

    func openTicketCount(of userSID: String) async throws -> Int {
        try await Ticket.query(on: database).filter(\.$assigneeSID == userSID).filter(\.$unsolved == true).count()
    }

    /// A routing candidate. Open work is counted only for someone on shift now: nobody
    /// else can be picked, and counting is the expensive part of routing.
    func candidate(_ userSID: String?) async throws -> RoutingCandidate? {
        guard let userSID, let user = try await User.find(userSID, on: database), let profile = try await staffProfile(userSID),
              let calendar = try await calendar(id: profile.calendarID)
        else { return nil }
        let onShift = profile.available && calendar.isWorking(at: now)
        return RoutingCandidate(id: userSID, name: user.fullName, calendar: calendar, available: profile.available,
                                openTickets: onShift ? try await openTicketCount(of: userSID) : 0)
    }

    /// The PSE pool: everyone in the `pse` group, with their shift calendars.
    func pool() async throws -> [RoutingCandidate] {
        let members = try await StaffSupportProfile.query(on: database).filter(\.$groupName == SupportGroup.pse).all()
        var result: [RoutingCandidate] = []
        for member in members {
            if let candidate = try await candidate(member.id) { result.append(candidate) }
        }
        return result
    }

    func setAvailability(of user: User, available: Bool) async throws {
        guard let profile = try await staffProfile(user.sid) else {
            throw DomainError(.invalidParameter, "You are not on a support group yet; ask a staff admin to add you.")
        }
        profile.available = available
        profile.updatedAt = now
        try await profile.save(on: database)
    }

    /// Staff admins edit calendars as text; a bad line is an error naming it.
    func updateCalendar(_ id: UUID, timeZone: String, weekly: String, holidays: String, by staff: User) async throws -> SupportCalendarRecord {
        guard staff.staffRole == .admin else { throw DomainError(.permissionDenied, "Only staff admins edit calendars.") }
        guard let record = try await SupportCalendarRecord.find(id, on: database) else { throw DomainError.notFound("calendar") }
        let calendar = try BusinessCalendar(name: record.name, timeZone: timeZone.trimmingCharacters(in: .whitespaces),
                                            intervals: BusinessCalendar.parseWeekly(weekly), holidays: BusinessCalendar.parseHolidays(holidays))
        record.timeZone = calendar.timeZone.identifier
        record.weeklyHours = calendar.weeklyText
        record.holidays = calendar.holidaysText
        record.updatedAt = now
        try await record.save(on: database)
        try await StaffAuditEvent(staff: staff.sid, action: "edit_support_calendar", account: nil, detail: "\(record.name): \(record.weeklyHours)", at: now).create(on: database)
        return record
    }
}
