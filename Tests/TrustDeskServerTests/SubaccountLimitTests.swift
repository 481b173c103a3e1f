import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("ACC-2 with PT-2: how many subaccounts, and how fast")
struct SubaccountLimitTests {
    private func limit(_ app: Application, maximum: Int, perDay: Int) {
        var config = app.trustDeskConfiguration
        config.subaccountLimits = SubaccountLimits(maximum: maximum, perDay: perDay)
        app.trustDeskConfiguration = config
    }

    private func create(_ app: Application, _ customer: TestData.Customer, _ name: String) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.POST, "/v1/Accounts/\(customer.account.sid)/Subaccounts",
                                            headers: TestData.json(customer.account.sid, customer.authToken),
                                            body: ByteBuffer(string: #"{"friendly_name": "\#(name)"}"#))
    }

    @Test("ACC-2: the API creates subaccounts up to the daily rate, then 429 / 20023 until a day has passed, then up to the maximum, then 409 / 20022")
    func apiLimits() async throws {
        try await withTrustDesk { app in
            limit(app, maximum: 5, perDay: 3)
            let ines = try await TestData.customer(app, "ines")
            for index in 0..<3 { #expect(try await create(app, ines, "Sub \(index)").status == .created) }
            let fast = try await create(app, ines, "Sub 3")
            #expect(fast.status == .tooManyRequests && fast.errorCode == 20023)
            #expect((fast.json["message"] as? String)?.contains("1440 minutes") == true)
            app.clock.advance(by: 12 * 3600)
            #expect(try await create(app, ines, "Sub 3").errorCode == 20023)
            app.clock.advance(by: 12 * 3600)
            #expect(try await create(app, ines, "Sub 3").status == .created)
            #expect(try await create(app, ines, "Sub 4").status == .created)
            let full = try await create(app, ines, "Sub 5")
            #expect(full.status == .conflict && full.errorCode == 20022)
            #expect(try await Account.query(on: app.db).filter(\.$ownerAccountSID == ines.account.sid).count() == 5)
            // Closed subaccounts free their place.
            let closed = try #require(try await Account.query(on: app.db).filter(\.$ownerAccountSID == ines.account.sid).first())
            closed.standing = Standing.closed.rawValue
            try await closed.save(on: app.db)
            app.clock.advance(by: 86_400)
            #expect(try await create(app, ines, "Sub 5").status == .created)
        }
    }

    @Test("ACC-2: many clients creating at once never get past the limits", .timeLimit(.minutes(10)))
    func concurrentClients() async throws {
        try await withTrustDesk { app in
            limit(app, maximum: 20, perDay: 3)
            let ines = try await TestData.customer(app, "ines")
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for index in 0..<8 {
                    group.addTask { try await create(app, ines, "Burst \(index)").status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 3)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 5)
            #expect(try await Account.query(on: app.db).filter(\.$ownerAccountSID == ines.account.sid).count() == 3)
            // Each created subaccount is whole: its dormancy row exists too (one transaction).
            let subs = try await Account.query(on: app.db).filter(\.$ownerAccountSID == ines.account.sid).all().map(\.sid)
            #expect(try await AccountActivity.query(on: app.db).filter(\.$id ~~ subs).count() == 3)
        }
    }

    @Test("ACC-2: the console says why a subaccount can't be created")
    func console() async throws {
        try await withTrustDesk { app in
            limit(app, maximum: 1, perDay: 5)
            let ines = try await TestData.customer(app, "ines")
            let browser = Browser(app)
            _ = try await browser.signIn("ines")
            let path = "/console/accounts/\(ines.account.sid)"
            try await browser.get(path)
            #expect(try await browser.post("\(path)/subaccounts", ["friendly_name": "Ines EU"]).status == .ok)
            let refused = try await browser.post("\(path)/subaccounts", ["friendly_name": "Ines US"])
            #expect(refused.status == .conflict)
            #expect(refused.text.contains("an account may have at most 1"))
        }
    }

    @Test("Configuration: the limits come from TRUSTDESK_SUBACCOUNTS_MAX and TRUSTDESK_SUBACCOUNTS_PER_DAY, and bad values stop the start")
    func configuration() throws {
        #expect(try TrustDeskConfiguration.fromEnvironment([:]).subaccountLimits == SubaccountLimits(maximum: 20, perDay: 5))
        let set = try TrustDeskConfiguration.fromEnvironment(["TRUSTDESK_SUBACCOUNTS_MAX": "50", "TRUSTDESK_SUBACCOUNTS_PER_DAY": "10"])
        #expect(set.subaccountLimits == SubaccountLimits(maximum: 50, perDay: 10))
        #expect(throws: TrustDeskConfiguration.Invalid.self) { try TrustDeskConfiguration.fromEnvironment(["TRUSTDESK_SUBACCOUNTS_MAX": "many"]) }
        #expect(throws: TrustDeskConfiguration.Invalid.self) { try TrustDeskConfiguration.fromEnvironment(["TRUSTDESK_SUBACCOUNTS_PER_DAY": "-1"]) }
    }
}
