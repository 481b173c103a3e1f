import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// A form refused by one feature and shown again on another feature's page travels in the
/// browser session: kept for that page only, taken once, never with a password in it.
@Suite("A refused form survives the redirect back to its page")
struct FormFlashTests {
    private static func flash(of user: User, on app: Application) async throws -> String? {
        try await UserSession.query(on: app.db).filter(\.$userSID == user.sid).all().compactMap(\.flash).first
    }

    @Test("PT-10: the Trust decision refused on a support ticket waits for that ticket's page, then is gone")
    func waitsForItsPage() async throws {
        try await withTrustDesk { app in
            let ada = try await TestData.customer(app, "ada")
            let number = try await TrustRequestTicketTests.apiRequest(app, ada)
            let (safety, tina) = try await StandingTestKit.staffBrowser(app, role: .trustSafety)
            try await safety.get("/staff/support/tickets/\(number)")
            let sent = try await safety.post("/staff/trust/tickets/\(number)/decide", [
                "decision": "decline", "note": "", "password": "not-kept-anywhere",
            ])
            #expect(sent.status == .seeOther)
            let stored = try #require(try await Self.flash(of: tina, on: app))
            #expect(!stored.contains("not-kept-anywhere"), "a password never rides in the session")

            // Another page first: the flash is not for it, and stays.
            let queue = try await safety.get("/staff/support")
            #expect(queue.errorCode == nil)
            #expect(try await Self.flash(of: tina, on: app) != nil)

            let page = try await safety.get("/staff/support/tickets/\(number)")
            #expect(page.errorCode == 20001)
            FormRedisplayTests.expectInError("decline_note", in: page.text)
            #expect(try await Self.flash(of: tina, on: app) == nil, "taken once")
            #expect(try await TrustRequest.query(on: app.db).first()?.status == "open", "nothing was decided")
        }
    }

    @Test("PT-10: a refused form not picked up within five minutes is dropped, not shown on a later visit")
    func expires() async throws {
        try await withTrustDesk { app in
            let ada = try await TestData.customer(app, "ada")
            let number = try await TrustRequestTicketTests.apiRequest(app, ada)
            let (safety, tina) = try await StandingTestKit.staffBrowser(app, role: .trustSafety)
            try await safety.get("/staff/support/tickets/\(number)")
            _ = try await safety.post("/staff/trust/tickets/\(number)/decide", ["decision": "approve", "limit": "lots", "note": "Launch"])
            app.clock.advance(by: FormFlash.lifetime + 1)
            let page = try await safety.get("/staff/support/tickets/\(number)")
            #expect(page.status == .ok)
            #expect(page.errorCode == nil)
            #expect(!(FormRedisplayTests.control("approve_limit", in: page.text)?.contains("lots") ?? true))
            #expect(try await Self.flash(of: tina, on: app) == nil)
        }
    }
}
