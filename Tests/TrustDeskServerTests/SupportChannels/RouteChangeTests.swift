import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("SUP-13 temporary route changes")
struct RouteChangeTests {
    static func path(_ world: SupportWorld) -> String { "/v1/Accounts/\(world.acme.account.sid)/RouteChanges" }

    @Test("SUP-13: each request opens a voice ticket; a whole country code is 21010 and opens nothing")
    func request() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let until = ISO8601DateFormatter().string(from: app.now.addingTimeInterval(2 * 86_400))
            let created = try await ChannelWorld.post(app, world.acme, Self.path(world), ["prefix": "+1 415 555", "reason": "Choppy audio to this exchange", "until": until])
            #expect(created.status == .created)
            #expect(created.json["scope"] as? String == "area_code_and_exchange" && created.json["status"] as? String == "requested")
            #expect(created.json["destinations"] as? [String] == ["+1415555"])
            let number = try #require(created.json["ticket_number"] as? Int)
            let ticket = try #require(try await Ticket.find(number, on: app.db))
            #expect(ticket.supportProduct == .voice && ticket.subject.contains("+1 415 555"))
            let tickets = try await Ticket.query(on: app.db).count()

            let country = try await ChannelWorld.post(app, world.acme, Self.path(world), ["prefix": "+1", "reason": "All of North America", "until": until])
            #expect(country.status == .badRequest && country.errorCode == 21010)
            let both = try await ChannelWorld.post(app, world.acme, Self.path(world), ["prefix": "+1 415", "numbers": ["+14155550100"], "reason": "x", "until": until])
            #expect(both.errorCode == 20001)
            let late = try await ChannelWorld.post(app, world.acme, Self.path(world), ["numbers": ["+14155550100"], "reason": "x",
                                                                                    "until": ISO8601DateFormatter().string(from: app.now.addingTimeInterval(40 * 86_400))])
            #expect(late.errorCode == 20001)
            #expect(try await Ticket.query(on: app.db).count() == tickets)
            #expect(try await RouteChange.query(on: app.db).count() == 1)
            // Another organisation's account is not found.
            let foreign = try await ChannelWorld.post(app, world.harbor, Self.path(world), ["prefix": "+1 415 555", "reason": "x", "until": until])
            #expect(foreign.status == .notFound)
        }
    }

    @Test("SUP-13: the list shows the most specific change first, then the one ending soonest; changes can join an existing voice ticket")
    func order() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            func until(_ days: Double) -> String { ISO8601DateFormatter().string(from: app.now.addingTimeInterval(days * 86_400)) }
            let voice = try await ChannelWorld.ticket(app, world)
            _ = try await ChannelWorld.post(app, world.acme, Self.path(world), ["prefix": "+1 415", "reason": "area", "until": until(1), "ticket_number": voice])
            _ = try await ChannelWorld.post(app, world.acme, Self.path(world), ["numbers": ["+14155550101"], "reason": "late numbers", "until": until(3), "ticket_number": voice])
            _ = try await ChannelWorld.post(app, world.acme, Self.path(world), ["prefix": "+1 415 555", "reason": "exchange", "until": until(1), "ticket_number": voice])
            _ = try await ChannelWorld.post(app, world.acme, Self.path(world), ["numbers": ["+14155550100", "+14155550102"], "reason": "soon numbers", "until": until(2), "ticket_number": voice])
            let list = try await ChannelWorld.get(app, world.acme, Self.path(world))
            let reasons = (list.json["route_changes"] as? [[String: Any]])?.compactMap { $0["reason"] as? String }
            #expect(reasons == ["soon numbers", "late numbers", "exchange", "area"])
            #expect(try await RouteChange.query(on: app.db).filter(\.$ticketNumber == voice).count() == 4)
            let avery = try await SupportWorld.customerBrowser(app, "avery")
            let page = try await avery.get("/console/support/tickets/\(voice)")
            let rows = page.text.components(separatedBy: "<tr><td>").dropFirst().map { $0.prefix(60) }
            #expect(rows.first?.hasPrefix("Destination numbers: +1 415 555 0100, +1 415 555 0102") == true)
        }
    }

    @Test("SUP-13: the form on a voice ticket shows every problem beside its field and keeps what was typed")
    func form() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let voice = try await ChannelWorld.ticket(app, world)
            let avery = try await SupportWorld.customerBrowser(app, "avery")
            let page = try await avery.get("/console/support/tickets/\(voice)")
            #expect(page.text.contains("id=\"route-change-form\""))
            let refused = try await avery.post("/console/support/tickets/\(voice)/route-changes", ["numbers": "", "prefix": "+44", "reason": "", "until": "tomorrow"])
            #expect(refused.errorCode == 21010)
            for field in ["prefix-error", "route-reason-error", "until-error"] { #expect(refused.text.contains("id=\"\(field)\""), "\(field)") }
            #expect(refused.text.contains("value=\"+44\"") && refused.text.contains("value=\"tomorrow\""))
            let sent = try await avery.post("/console/support/tickets/\(voice)/route-changes",
                                            ["numbers": "+1 415 555 0100\n+1 415 555 0101", "prefix": "", "reason": "Calls drop after 5 s", "until": "2026-03-04T12:00"])
            #expect(sent.status == .seeOther)
            let change = try #require(try await RouteChange.query(on: app.db).first())
            #expect(change.destinationList == ["+14155550100", "+14155550101"] && change.until == .utc("2026-03-04T12:00:00Z"))
            // Other products have no form.
            let other = try await SupportWorld.apiTicket(app, world.acme, ["subject": "Billing question", "description": "How are we billed?", "product": "other", "priority": 3])
            let otherNumber = try #require(other.json["number"] as? Int)
            #expect(!(try await avery.get("/console/support/tickets/\(otherNumber)")).text.contains("route-change-form"))
        }
    }

    @Test("SUP-13: staff apply or decline once; the expiry job ends an applied change at its time and tells the customer")
    func lifecycle() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let until = app.now.addingTimeInterval(6 * 3_600)
            let created = try await ChannelWorld.post(app, world.acme, Self.path(world), ["numbers": ["+14155550100"], "reason": "Echo", "until": ISO8601DateFormatter().string(from: until)])
            let number = try #require(created.json["ticket_number"] as? Int)
            let declinedReq = try await ChannelWorld.post(app, world.acme, Self.path(world), ["prefix": "+1 415", "reason": "Whole area", "until": ISO8601DateFormatter().string(from: until),
                                                                                          "ticket_number": number])
            #expect(declinedReq.status == .created)
            let staff = try await SupportWorld.staffBrowser(app, world.taylor)
            let page = try await staff.get("/staff/support/tickets/\(number)")
            let ids = Self.ids(page.text)
            #expect(ids.count == 2)
            let exact = try #require(try await RouteChange.query(on: app.db).filter(\.$scopeKind == "numbers").first()?.id?.uuidString.lowercased())
            let area = try #require(ids.first { $0 != exact })
            let noNote = try await staff.post("/staff/support/tickets/\(number)/route-changes/decline", ["route_change_id": area, "note": ""])
            #expect(noNote.text.contains("id=\"route-note-error\""))
            _ = try await staff.post("/staff/support/tickets/\(number)/route-changes/decline", ["route_change_id": area, "note": "Too broad: send the numbers."])
            _ = try await staff.post("/staff/support/tickets/\(number)/route-changes/apply", ["route_change_id": exact, "note": "Moved to carrier B."])
            let twice = try await staff.post("/staff/support/tickets/\(number)/route-changes/apply", ["route_change_id": exact, "note": ""])
            #expect(twice.errorCode == 21012)
            let mails = try await TestData.mail(app, to: "avery@example.com").map(\.subject)
            #expect(mails.contains { $0.contains("Route change applied") } && mails.contains { $0.contains("Route change declined") })

            #expect(try await app.routeChanges(now: until.addingTimeInterval(-60)).endDue(logger: app.logger) == 0)
            #expect(try await app.routeChanges(now: until).endDue(logger: app.logger) == 1)
            #expect(try await app.routeChanges(now: until.addingTimeInterval(60)).endDue(logger: app.logger) == 0)
            let ended = try #require(try await RouteChange.query(on: app.db).filter(\.$scopeKind == "numbers").first())
            #expect(ended.status == "ended" && ended.endedAt == until && ended.endDueAt == nil)
            #expect(try await TestData.mail(app, to: "avery@example.com").contains { $0.subject.contains("Route change ended") && $0.body.contains("usual route again") })
            let declined = try #require(try await RouteChange.query(on: app.db).filter(\.$scopeKind == "area_code").first())
            #expect(declined.status == "declined")
        }
    }

    static func ids(_ text: String) -> [String] {
        let regex = try? NSRegularExpression(pattern: #"name="route_change_id" value="([0-9a-f-]+)""#)
        return regex?.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { Range($0.range(at: 1), in: text).map { String(text[$0]) } } ?? []
    }
}
