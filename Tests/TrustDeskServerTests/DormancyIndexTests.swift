import Fluent
import Foundation
import SQLKit
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("STD-7: the dormancy job is index-driven")
struct DormancyIndexTests {
    @Test("STD-7: every new account and subaccount starts its activity row; the job's first look schedules the warning")
    func activityAtBirth() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "ada")
            let (sub, _) = try await app.accounts(now: app.now).createSubaccount(of: acme.account, named: "Ada EU", limits: app.trustDeskConfiguration.subaccountLimits)
            for sid in [acme.account.sid, sub.sid] {
                let activity = try #require(try await AccountActivity.find(sid, on: app.db))
                #expect(activity.lastUsedAt == app.now && activity.dormancyDueAt == app.now)
            }
            try await StandingJobs.runDormancy(app, now: app.now)
            let scheduled = try #require(try await AccountActivity.find(acme.account.sid, on: app.db))
            #expect(scheduled.dormancyDueAt == app.now.addingTimeInterval(166 * 86_400), "180 days less the 14 days' notice")
            #expect(try await TestData.mail(app, to: acme.user.email).isEmpty)
        }
    }

    @Test("STD-7: the job's candidate query reads the due-time index, not every account (SQLite query plan)")
    func usesIndex() async throws {
        try await withTrustDesk { app in
            guard !TestDatabase.isPostgres, let sql = app.db as? any SQLDatabase else { return }
            let rows = try await sql.raw("""
                EXPLAIN QUERY PLAN SELECT * FROM account_activity WHERE dormancy_due_at <= \(bind: app.now) ORDER BY dormancy_due_at LIMIT 500
                """).all()
            let plan = try rows.map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
            #expect(plan.contains("account_activity_due_idx"), "\(plan)")
            #expect(!plan.contains("accounts"))
        }
    }
}
