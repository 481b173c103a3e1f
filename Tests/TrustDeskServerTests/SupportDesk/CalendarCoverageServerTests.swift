import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Support desk: a calendar must meet the plans' targets within a week")
struct CalendarCoverageServerTests {
    private func staffKey(_ app: Application, _ user: User) async throws -> HTTPHeaders {
        let (key, secret) = try await StaffCredentials(database: app.db, now: app.now).create(for: user, friendlyName: "calendars")
        return TestData.json(key.sid, secret)
    }

    private func post(_ app: Application, _ path: String, _ headers: HTTPHeaders, _ json: String) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: json))
    }

    @Test("SUP-4: the calendars page refuses hours too short for the plans, says why beside the field and keeps what was typed")
    func pageRefusesShortHours() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let admin = try await SupportWorld.staffBrowser(app, world.admin)
            try await admin.get("/staff/support/calendars")
            let id = try #require(world.taylorCalendar.id?.uuidString)
            let scope = "calendar_\(id.lowercased())"
            let refused = try await admin.post("/staff/support/calendars/\(id)", ["time_zone": "America/New_York", "weekly_hours": "Mon 09:00-10:00, Wed 09:00-12:00", "holidays": "2026-12-25"])
            #expect(refused.status == .badRequest)
            #expect(refused.errorCode == 20020)
            #expect(refused.text.contains(#"id="\#(scope)_weekly_hours-error""#))
            #expect(refused.text.contains("these hours give 4 hours of working time a week, less than the Standard plan&#39;s 24 business hours")
                    || refused.text.contains("these hours give 4 hours of working time a week, less than the Standard plan's 24 business hours"))
            #expect(refused.text.contains(#"aria-describedby="\#(scope)_weekly_hours-error" aria-invalid="true""#))
            #expect(refused.text.contains(#"value="Mon 09:00-10:00, Wed 09:00-12:00""#) && refused.text.contains(#"value="2026-12-25""#))
            // Nothing changed.
            #expect(try await SupportCalendarRecord.find(world.taylorCalendar.id, on: app.db)?.weeklyHours == world.taylorCalendar.weeklyHours)

            // Three holidays in one week leave too little of it: the error is beside the holidays.
            let holidays = try await admin.post("/staff/support/calendars/\(id)", ["time_zone": "America/New_York", "weekly_hours": "Mon-Fri 09:00-18:00", "holidays": "2026-12-23, 2026-12-24, 2026-12-25"])
            #expect(holidays.errorCode == 20020)
            #expect(holidays.text.contains(#"id="\#(scope)_holidays-error""#))
        }
    }

    @Test("SUP-4: every field is checked at once on the calendars page, each error beside its field")
    func pageShowsEveryError() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let admin = try await SupportWorld.staffBrowser(app, world.admin)
            try await admin.get("/staff/support/calendars")
            let id = try #require(world.taylorCalendar.id?.uuidString)
            let scope = "calendar_\(id.lowercased())"
            let refused = try await admin.post("/staff/support/calendars/\(id)", ["time_zone": "Mars/Olympus", "weekly_hours": "Funday 09:00-18:00", "holidays": "2026-02-30"])
            #expect(refused.status == .badRequest)
            for field in ["time_zone", "weekly_hours", "holidays"] {
                #expect(refused.text.contains(#"id="\#(scope)_\#(field)-error""#), "\(field)")
            }
            #expect(refused.text.contains(#"value="Mars/Olympus""#) && refused.text.contains(#"value="Funday 09:00-18:00""#))
        }
    }

    @Test("SUP-4: the staff API lists, reads and changes calendars with the same checks, and refuses a change that can't meet the targets")
    func api() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let admin = try await staffKey(app, world.admin)
            let list = try await app.testing().sendRequest(.GET, "/v1/Staff/SupportCalendars", headers: admin)
            #expect(list.status == .ok)
            let calendars = try #require(list.json["calendars"] as? [[String: Any]])
            #expect(calendars.count == 4)
            let id = try #require(world.taylorCalendar.id?.uuidString.lowercased())
            let path = "/v1/Staff/SupportCalendars/\(id)"
            #expect(try await app.testing().sendRequest(.GET, path, headers: admin).json["weekly_hours"] as? String == world.taylorCalendar.weeklyHours)

            let short = try await post(app, path, admin, #"{"weekly_hours": "Mon 09:00-09:30"}"#)
            #expect(short.status == .badRequest && short.errorCode == 20020)
            #expect((short.json["message"] as? String)?.hasPrefix("weekly_hours: ") == true)
            let holidays = try await post(app, path, admin, #"{"holidays": "2026-12-22, 2026-12-23, 2026-12-24, 2026-12-25"}"#)
            #expect(holidays.errorCode == 20020 && (holidays.json["message"] as? String)?.hasPrefix("holidays: ") == true)
            #expect(try await post(app, path, admin, "{}").errorCode == 20001)
            #expect(try await post(app, path, admin, #"{"weekly_hours": "Mon-Fri 09:00-18:00", "colour": "blue"}"#).errorCode == 20007)
            #expect(try await post(app, path, admin, #"{"time_zone": "Mars/Olympus"}"#).errorCode == 20001)
            #expect(try await SupportCalendarRecord.find(world.taylorCalendar.id, on: app.db)?.weeklyHours == world.taylorCalendar.weeklyHours)

            let changed = try await post(app, path, admin, #"{"weekly_hours": "Mon-Fri 08:30-17:30", "holidays": "2026-12-25"}"#)
            #expect(changed.status == .ok)
            #expect(changed.json["weekly_hours"] as? String == "Mon 08:30-17:30, Tue 08:30-17:30, Wed 08:30-17:30, Thu 08:30-17:30, Fri 08:30-17:30")
            #expect(changed.json["time_zone"] as? String == "America/New_York")
            #expect(try await StaffAuditEvent.query(on: app.db).filter(\.$action == "edit_support_calendar").count() == 1)

            // Only staff admins change calendars; customers' credentials are not staff credentials.
            let tam = try await staffKey(app, world.taylor)
            #expect(try await post(app, path, tam, #"{"weekly_hours": "Mon-Sun 00:00-24:00"}"#).errorCode == 20006)
            let customer = TestData.json(world.acme.account.sid, world.acme.authToken)
            #expect(try await app.testing().sendRequest(.GET, "/v1/Staff/SupportCalendars", headers: customer).errorCode == 20003)
            #expect(try await app.testing().sendRequest(.GET, "/v1/Staff/SupportCalendars/\(UUID())", headers: admin).errorCode == 20404)
            let put = try await app.testing().sendRequest(.PUT, path, headers: admin)
            #expect(put.status == .methodNotAllowed && put.headers.first(name: "Allow") == "GET, POST")
        }
    }
}
