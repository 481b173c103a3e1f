import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// A small support desk for tests: Acme (personalized) with a primary TAM in New York, a
/// secondary in London, a TAM manager and two PSEs on 24x7 shifts; Harbor on the standard
/// plan.
struct SupportWorld {
    let acme: TestData.Customer
    let harbor: TestData.Customer
    let taylor: User
    let lee: User
    let manager: User
    let parker: User
    let pia: User
    let admin: User
    let taylorCalendar: SupportCalendarRecord

    /// Friday 2026-02-27 17:30 in New York (22:30 UTC).
    static let fridayEvening = Date(timeIntervalSince1970: 1_772_231_400)
    /// Monday 2026-03-02 03:00 in New York (08:00 UTC).
    static let mondayNight = Date(timeIntervalSince1970: 1_772_438_400)

    static let pin = "4821"
    static let supportLine = "+18005550100"

    static let call1 = "CA" + String(repeating: "1", count: 32)
    static let call2 = "CA" + String(repeating: "2", count: 32)

    static func make(_ app: Application) async throws -> SupportWorld {
        let db = app.db
        let now = app.now
        let office = try BusinessCalendar(name: "New York office", timeZone: "America/New_York", intervals: BusinessCalendar.parseWeekly("Mon-Fri 09:00-18:00"))
        let london = try BusinessCalendar(name: "London office", timeZone: "Europe/London", intervals: BusinessCalendar.parseWeekly("Mon-Fri 09:00-18:00"))
        let taylorCalendar = SupportCalendarRecord(name: "Taylor Reed", calendar: office, now: now)
        let leeCalendar = SupportCalendarRecord(name: "Lee Park", calendar: london, now: now)
        let pseCalendar = SupportCalendarRecord(name: "PSE 24x7", calendar: .aroundTheClock(timeZone: "UTC"), group: SupportGroup.pse, now: now)
        let generalCalendar = SupportCalendarRecord(name: "General support", calendar: office, group: SupportGroup.general, now: now)
        for record in [taylorCalendar, leeCalendar, pseCalendar, generalCalendar] { try await record.create(on: db) }

        let taylor = try await TestData.staff(app, "staff.taylor", role: .tam)
        taylor.fullName = "Taylor Reed"
        try await taylor.save(on: db)
        let lee = try await TestData.staff(app, "staff.lee", role: .tam)
        let manager = try await TestData.staff(app, "staff.morgan", role: .agent)
        let parker = try await TestData.staff(app, "staff.parker", role: .pse)
        let pia = try await TestData.staff(app, "staff.pia", role: .pse)
        let admin = try await TestData.staff(app, "staff.admin", role: .admin)
        // TAMs work their own customers' tickets; the PSE pool is Parker and Pia.
        try await StaffSupportProfile(userSID: taylor.sid, group: "tam", calendarID: taylorCalendar.id, now: now).create(on: db)
        try await StaffSupportProfile(userSID: lee.sid, group: "tam", calendarID: leeCalendar.id, now: now).create(on: db)
        try await StaffSupportProfile(userSID: parker.sid, group: SupportGroup.pse, calendarID: pseCalendar.id, now: now).create(on: db)
        try await StaffSupportProfile(userSID: pia.sid, group: SupportGroup.pse, calendarID: pseCalendar.id, now: now).create(on: db)
        try await StaffSupportProfile(userSID: manager.sid, group: SupportGroup.general, calendarID: generalCalendar.id, now: now).create(on: db)

        let acme = try await TestData.customer(app, "avery", account: "Acme Rockets")
        let profile = SupportProfile(accountSID: acme.account.sid, plan: "personalized", now: now)
        profile.primaryTAMSID = taylor.sid
        profile.secondaryTAMSID = lee.sid
        profile.tamManagerSID = manager.sid
        profile.accountExecutiveName = "Jamie Fox"
        profile.accountExecutiveEmail = "jamie.fox@trustdesk.example.com"
        profile.chatChannel = "tam-acme-rockets"
        try await profile.create(on: db)
        try await SupportPINs(database: db, now: now, box: app.secretBox).set(pin, for: acme.account.sid)
        // SUP-10: who the support line rings, and the number it answers on.
        for (user, phone) in [(taylor, "+12125550101"), (lee, "+442079460102"), (parker, "+12125550111"), (pia, "+12125550112")] {
            let staffProfile = try #require(try await StaffSupportProfile.find(user.sid, on: db))
            staffProfile.phone = phone
            try await staffProfile.save(on: db)
        }
        let line = SupportLine()
        line.id = UUID()
        line.country = "US"
        line.countryName = "United States"
        line.number = supportLine
        line.kind = "toll_free"
        line.createdAt = now
        try await line.create(on: db)
        let harbor = try await TestData.customer(app, "harper", account: "Blue Harbor")
        return SupportWorld(acme: acme, harbor: harbor, taylor: taylor, lee: lee, manager: manager, parker: parker, pia: pia, admin: admin, taylorCalendar: taylorCalendar)
    }

    /// A signed-in staff browser (two-factor done).
    static func staffBrowser(_ app: Application, _ user: User) async throws -> Browser {
        let browser = Browser(app)
        _ = try await browser.signIn(user.username)
        try await browser.get("/signin/two-factor")
        try await browser.post("/signin/two-factor", ["code": TestData.code(app)])
        return browser
    }

    static func customerBrowser(_ app: Application, _ username: String) async throws -> Browser {
        let browser = Browser(app)
        _ = try await browser.signIn(username)
        return browser
    }

    /// Opens a ticket through the API as `customer`; returns the JSON.
    @discardableResult
    static func apiTicket(_ app: Application, _ customer: TestData.Customer, _ body: [String: Any]) async throws -> TestingHTTPResponse {
        let data = try JSONSerialization.data(withJSONObject: body)
        return try await app.testing().sendRequest(.POST, "/v1/Tickets", headers: TestData.json(customer.account.sid, customer.authToken),
                                                   body: ByteBuffer(string: String(decoding: data, as: UTF8.self)))
    }

    static func voiceBody(priority: Int = 2, hoursAgo: Double = 2, now: Date) -> [String: Any] {
        ["subject": "Choppy audio on conference calls", "description": "Callers hear choppy audio after joining.", "product": "voice",
         "priority": priority, "sids": [call1, call2], "countries": "US",
         "oldest_example_at": ISO8601DateFormatter().string(from: now.addingTimeInterval(-hoursAgo * 3600))]
    }
}
