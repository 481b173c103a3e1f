import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// The support desk of `SupportWorld` plus a support-management rota (SUP-9): Sasha on New
/// York weekdays, Ola on London weekday mornings, Remy on New York weekends.
struct ChannelWorld {
    let desk: SupportWorld
    let sasha: User
    let ola: User
    let remy: User

    static func make(_ app: Application) async throws -> ChannelWorld {
        let desk = try await SupportWorld.make(app)
        var members: [User] = []
        for (username, zone, hours) in [("staff.sasha", "America/New_York", "Mon-Fri 08:00-20:00"), ("staff.ola", "Europe/London", "Mon-Fri 00:00-13:00"),
                                         ("staff.remy", "America/New_York", "Fri 20:00-24:00, Sat-Sun 00:00-24:00")] {
            let user = try await TestData.staff(app, username, role: .supportManager)
            let calendar = SupportCalendarRecord(name: username, calendar: try BusinessCalendar(name: username, timeZone: zone, intervals: BusinessCalendar.parseWeekly(hours)), now: app.now)
            try await calendar.create(on: app.db)
            try await StaffSupportProfile(userSID: user.sid, group: SupportGroup.supportManagement, calendarID: calendar.id, now: app.now).create(on: app.db)
            members.append(user)
        }
        return ChannelWorld(desk: desk, sasha: members[0], ola: members[1], remy: members[2])
    }

    /// POSTs JSON to the API as a customer.
    static func post(_ app: Application, _ customer: TestData.Customer, _ path: String, _ body: [String: Any]) async throws -> TestingHTTPResponse {
        let data = try JSONSerialization.data(withJSONObject: body)
        return try await app.testing().sendRequest(.POST, path, headers: TestData.json(customer.account.sid, customer.authToken),
                                                   body: ByteBuffer(string: String(decoding: data, as: UTF8.self)))
    }

    static func get(_ app: Application, _ customer: TestData.Customer, _ path: String) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.GET, path, headers: TestData.basic(customer.account.sid, customer.authToken))
    }

    /// Opens a P2 voice ticket for Acme through the API; returns its number.
    static func ticket(_ app: Application, _ world: SupportWorld) async throws -> Int {
        let response = try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(priority: 2, now: app.now))
        return try #require(response.json["number"] as? Int)
    }
}

extension Date {
    /// `2026-03-02T08:00:00Z`.
    static func utc(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text) ?? Date(timeIntervalSince1970: 0)
    }
}
