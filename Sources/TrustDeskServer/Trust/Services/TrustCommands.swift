import ConsoleKit
import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// `trustdesk trust-set-limit AC... 10000 [--days N] [--create]`: an operator's limit override
/// (PT-10) without the staff console, e.g. for load tests and incidents. `--create` first creates
/// the account when it does not exist (test environments only). Audited as the operator.
struct TrustSetLimitCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "account-sid") var accountSID: String
        @Argument(name: "limit") var limit: Int
        @Option(name: "days", help: "how many days the override lasts (default 1)") var days: Int?
        @Flag(name: "create", help: "create the account if it does not exist") var create: Bool
    }

    var help: String { "Sets a Progressive Trust daily SMS limit override for an account." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let now = app.clock.now()
        let sid = try SID(parsing: signature.accountSID, expecting: .account)
        guard signature.limit > 0 else { throw DomainError(.invalidParameter, "limit: a whole number of 1 or more.") }
        if try await Account.find(sid.rawValue, on: app.db) == nil {
            guard signature.create else { throw DomainError.notFound("account") }
            try await Account(sid: sid, friendlyName: "Load test \(sid.rawValue.suffix(6))", owner: nil,
                              primaryToken: Secrets.generate(.authToken), now: now).create(on: app.db)
        }
        guard let account = try await Account.find(sid.rawValue, on: app.db) else { throw DomainError.notFound("account") }
        let policies = TrustPolicies(database: app.db, now: now, scores: app.trustScores(now: now))
        let days = max(1, signature.days ?? 1)
        let request = try await policies.request(account, kind: "more_messages", amount: signature.limit,
                                                 startsOn: UTCDay.key(now), endsOn: UTCDay.key(now.addingTimeInterval(Double(days) * 86_400)),
                                                 reason: "operator override (trustdesk trust-set-limit)", by: "operator", ticketFor: nil)
        try await policies.decideAsOperator(request, .init(approve: true, limit: signature.limit, note: "operator override"))
        context.console.print("\(sid.rawValue): daily SMS limit \(signature.limit) until \(UTCDay.key(now.addingTimeInterval(Double(days + 1) * 86_400)))")
    }
}
