import Fluent
import Foundation
import SQLKit
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// Issue 10: the seams between features (who writes which table, who is told about what) and
/// stored data that no longer fails silently.
@Suite("Seams between features")
struct SeamsTests {
    @Test("A corrupt JSON column is a logged 20500, not an empty value: a ticket's intake details, an account's score explanation")
    func corruptStoredJSON() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let opened = try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(now: app.now))
            let number = try #require(opened.json["number"] as? Int)
            let headers = TestData.basic(world.acme.account.sid, world.acme.authToken)
            #expect(try await app.testing().sendRequest(.GET, "/v1/Tickets/\(number)", headers: headers).status == .ok)
            try await app.db.sql.raw("UPDATE tickets SET intake_details = '{not json' WHERE number = \(bind: number)").run()
            let ticket = try await app.testing().sendRequest(.GET, "/v1/Tickets/\(number)", headers: headers)
            #expect(ticket.status == .internalServerError && ticket.errorCode == 20500)
            #expect(!ticket.text.contains("not json"), "the answer says nothing of the stored value")

            let limits = "/v1/Accounts/\(world.acme.account.sid)/MessagingLimits"
            #expect(try await app.testing().sendRequest(.GET, limits, headers: headers).status == .ok)
            try await app.db.sql.raw("UPDATE trust_profiles SET explanation = '' WHERE account_sid = \(bind: world.acme.account.sid)").run()
            let corrupt = try await app.testing().sendRequest(.GET, limits, headers: headers)
            #expect(corrupt.status == .internalServerError && corrupt.errorCode == 20500)
        }
    }

    /// What an exhausted connection pool throws, from any handler.
    private struct PoolExhausted: AsyncResponder {
        func respond(to request: Request) async throws -> Response { throw ConnectionPoolTimeoutError.connectionRequestTimeout }
    }

    @Test("An exhausted connection pool is 503 with 20503 and Retry-After, for the API and for pages, not a 500")
    func exhaustedPoolIsBusy() async throws {
        try await withTrustDesk { app in
            let middleware = TrustDeskErrorMiddleware(docsBase: "https://docs.example/errors")
            let api = Request(application: app, method: .POST, url: "/v1/Tickets", on: app.eventLoopGroup.next())
            let answer = try await middleware.respond(to: api, chainingTo: PoolExhausted())
            #expect(answer.status == .serviceUnavailable)
            #expect(answer.headers.first(name: .retryAfter) == "1")
            let body = try #require(answer.body.data)
            let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            #expect(json["code"] as? Int == 20503)

            let page = Request(application: app, method: .POST, url: "/console/tickets", headers: ["Accept": "text/html"], on: app.eventLoopGroup.next())
            let html = try await middleware.respond(to: page, chainingTo: PoolExhausted())
            #expect(html.status == .serviceUnavailable)
            #expect(html.headers.first(name: .retryAfter) == "1")
            #expect(html.body.string?.contains("Server busy") == true)
        }
    }

    @Test("The stored-JSON error names the table, column and row, for the log")
    func corruptValueNamesItsPlace() throws {
        #expect(throws: CorruptStoredValue.self) {
            try StoredJSON.decode([String].self, "[1", table: "tickets", column: "intake_details", row: "42")
        }
        do {
            _ = try StoredJSON.decode([String].self, "[1", table: "tickets", column: "intake_details", row: "42")
        } catch {
            #expect(error.description.hasPrefix("tickets.intake_details of row 42 does not decode"))
        }
        #expect(try StoredJSON.decode([String].self, #"["a"]"#, table: "t", column: "c", row: "1") == ["a"])
    }

    @Test("STD-7: Standing keeps an activity row for every account it is told about, in the creating transaction; a hook that fails leaves no account, owner or subaccount behind")
    func creationHookIsTransactional() async throws {
        try await withTrustDesk { app in
            let parent = try await TestData.customer(app, "hook")
            #expect(try await AccountActivity.find(parent.account.sid, on: app.db) != nil)
            let accountsBefore = try await Account.query(on: app.db).count()
            let membershipsBefore = try await Membership.query(on: app.db).count()
            let activityBefore = try await AccountActivity.query(on: app.db).count()

            struct Refused: Error {}
            var hooks = app.accountCreationHooks
            hooks.append { _, _, _ in throw Refused() }
            let failing = Accounts(database: app.db, now: app.now, creationHooks: hooks)
            await #expect(throws: Refused.self) {
                _ = try await failing.createAccount(named: "Half Written", owner: parent.user)
            }
            await #expect(throws: Refused.self) {
                _ = try await failing.createSubaccount(of: parent.account, named: "Half EU", limits: app.trustDeskConfiguration.subaccountLimits)
            }
            #expect(try await Account.query(on: app.db).count() == accountsBefore)
            #expect(try await Membership.query(on: app.db).count() == membershipsBefore)
            #expect(try await AccountActivity.query(on: app.db).count() == activityBefore)
            #expect(try await Account.query(on: app.db).filter(\.$friendlyName ~~ ["Half Written", "Half EU"]).count() == 0)
        }
    }

    @Test("STD-7: a first use recorded twice at once is one row; any other failure to record it reaches the caller")
    func usageRecordingLetsUnexpectedErrorsThrough() async throws {
        try await withTrustDesk { app in
            let ada = try await TestData.customer(app, "usage")
            try await AccountActivity.query(on: app.db).filter(\.$id == ada.account.sid).delete()
            let gate = StandingGate(database: app.db, now: app.now)
            let dormancy = app.trustDeskConfiguration.dormancyPolicy
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 { group.addTask { try await gate.recordUsage(of: ada.account.sid, dormancy: dormancy) } }
                try await group.waitForAll()
            }
            #expect(try await AccountActivity.query(on: app.db).filter(\.$id == ada.account.sid).count() == 1)
            // No such account: the row can't be written (foreign key), and nothing was recorded.
            let unknown = "AC" + String(repeating: "0", count: 31) + "1"
            await #expect(throws: (any Error).self) {
                try await gate.recordUsage(of: unknown, dormancy: dormancy)
            }
            #expect(try await AccountActivity.find(unknown, on: app.db) == nil)
        }
    }

    @Test("ACC-4: one query answers who owns an account: its team's owners (and admins when asked), a subaccount's from its main account, oldest first")
    func ownersAreOneQuery() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "owner1", account: "Acme Owners")
            app.clock.advance(by: 60)
            let admin = try await TestData.teammate(app, "admin1", role: .admin, on: acme.account)
            let support = try await TestData.teammate(app, "support1", role: .support, on: acme.account)
            let (sub, _) = try await app.accounts(now: app.now).createSubaccount(of: acme.account, named: "Acme EU", limits: app.trustDeskConfiguration.subaccountLimits)

            #expect(try await Team.owners(of: acme.account, on: app.db).map(\.sid) == [acme.user.sid])
            #expect(try await Team.owners(of: sub, on: app.db).map(\.sid) == [acme.user.sid])
            let answering = try await Team.owners(of: sub, includingAdmins: true, on: app.db).map(\.sid)
            #expect(answering == [acme.user.sid, admin.sid])
            #expect(!answering.contains(support.sid))
            #expect(try await Team.accountsOwned(by: acme.user.sid, on: app.db) == [acme.account.sid])
            #expect(try await Team.accountsOwned(by: admin.sid, on: app.db).isEmpty)
        }
    }
}
