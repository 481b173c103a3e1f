import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// Support calendars on the staff JSON API (SUP-4), behind a staff API key:
/// `GET /v1/Staff/SupportCalendars`, `GET` and `POST /v1/Staff/SupportCalendars/{CalendarId}`.
/// Staff admins change them with the same checks as the calendars page: each field parsed,
/// and hours that can't meet every plan's business-hours targets within a week refused (20020).
struct StaffSupportAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let calendars = routes.grouped("SupportCalendars")
        calendars.get(use: list)
        calendars.get(":calendarId", use: show)
        calendars.post(":calendarId", use: update)
        calendars.methodNotAllowed(except: [.GET])
        calendars.methodNotAllowed(":calendarId", except: [.GET, .POST])
    }

    private func calendarID(_ request: Request) throws -> UUID {
        guard let text = request.parameters.get("calendarId"), let id = UUID(uuidString: text) else { throw DomainError.notFound("calendar") }
        return id
    }

    func list(request: Request) async throws -> Response {
        try await audited(request, "api_view_support_calendars") { _ in
            try await SupportCalendarListDTO(calendars: try await request.supportDirectory.calendarRecords().map(SupportCalendarDTO.init)).encodeResponse(for: request)
        }
    }

    func show(request: Request) async throws -> Response {
        try await audited(request, "api_view_support_calendars") { _ in
            try await SupportCalendarDTO(try await request.supportDirectory.calendarRecord(calendarID(request))).encodeResponse(for: request)
        }
    }

    /// A change is audited by the directory (`edit_support_calendar`); a refused one here.
    func update(request: Request) async throws -> Response {
        try await audited(request, "api_edit_support_calendar", onSuccess: false) { user in
            let body = try request.decodeStrict(SupportCalendarBody.self)
            let record = try await request.supportDirectory.updateCalendar(try calendarID(request), timeZone: body.timeZone, weekly: body.weeklyHours,
                                                                           holidays: body.holidays, by: user)
            return try await SupportCalendarDTO(record).encodeResponse(for: request)
        }
    }

    /// Every call of the staff API is a staff audit event, answered or refused (SEC-3).
    private func audited(_ request: Request, _ action: String, onSuccess: Bool = true, _ body: (User) async throws -> Response) async throws -> Response {
        let (user, _) = try request.requireStaffAPIUser()
        let path = String(request.url.path.prefix(120))
        do {
            let response = try await body(user)
            if onSuccess {
                try await StaffAuditEvent(staff: user.sid, action: action, account: nil, detail: path, at: request.now).create(on: request.db)
            }
            return response
        } catch let error as DomainError {
            try await StaffAuditEvent(staff: user.sid, action: action, account: nil, detail: "refused \(error.code.rawValue): \(path)", at: request.now).create(on: request.db)
            throw error
        }
    }
}

/// `POST /v1/Staff/SupportCalendars/{CalendarId}`: the fields to change; the others stay.
struct SupportCalendarBody: StrictContent {
    static let allowedFields: Set<String> = ["time_zone", "weekly_hours", "holidays"]
    static let emptyBodyMessage = "weekly_hours: the body is empty, so nothing would change; send time_zone, weekly_hours or holidays."
    let timeZone: String?
    let weeklyHours: String?
    let holidays: String?
}

struct SupportCalendarDTO: Content {
    let id: String
    let name: String
    let timeZone: String
    let weeklyHours: String
    let holidays: String
    /// The support group whose unassigned tickets this calendar measures, if any.
    @ExplicitNull var group: String?
    let dateUpdated: Date

    init(_ record: SupportCalendarRecord) {
        self.id = record.id?.uuidString.lowercased() ?? ""
        self.name = record.name
        self.timeZone = record.timeZone
        self.weeklyHours = record.weeklyHours
        self.holidays = record.holidays
        self.group = record.groupName
        self.dateUpdated = record.updatedAt
    }
}

struct SupportCalendarListDTO: Content {
    let calendars: [SupportCalendarDTO]
}
