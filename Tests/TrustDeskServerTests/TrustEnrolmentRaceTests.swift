import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("PT-1, PT-7, PT-8: enrolment races and the daily pass")
struct TrustEnrolmentRaceTests {
    @Test("PT-8: the daily pass and first admissions enrolling one account at once all succeed; it joins once and is told once", .timeLimit(.minutes(10)))
    func concurrentEnrolment() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "ada")
            let scores = app.trustScores(now: app.now)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<6 {
                    group.addTask { _ = try await scores.refresh(customer.account, source: "enrolment") }
                }
                group.addTask { _ = try await scores.refreshDue() }
                try await group.waitForAll()
            }
            #expect(try await TrustProfile.query(on: app.db).filter(\.$id == customer.account.sid).count() == 1)
            let notices = try await TestData.mail(app, to: customer.user.email).filter { $0.subject == TrustMail.capNoticeSubject }
            #expect(notices.count == 1)
            #expect(try await TrustScoreRecord.query(on: app.db).filter(\.$accountSID == customer.account.sid).count() >= 1)
        }
    }

    @Test("PT-7: one account that can't be scored is logged and skipped; the accounts after it are still scored, and it is tried again next pass")
    func badAccountSkipped() async throws {
        try await withTrustDesk { app in
            let first = try await TestData.customer(app, "ada")
            let second = try await TestData.customer(app, "bea")
            let third = try await TestData.customer(app, "cai")
            // An outcome recorded without its value: reading the sending record of `second` fails.
            let broken = AdmittedMessage()
            broken.id = "SM" + String(repeating: "e", count: 32)
            broken.accountSID = second.account.sid
            broken.admittedAt = app.now.addingTimeInterval(-3600)
            broken.outcomeAt = app.now.addingTimeInterval(-1800)
            try await broken.create(on: app.db)

            let pass = try await app.trustScores(now: app.now).refreshDue()
            #expect(pass.failed == [second.account.sid])
            #expect(pass.refreshed == 2)
            for scored in [first, third] {
                #expect(try await TrustProfile.find(scored.account.sid, on: app.db) != nil)
            }
            #expect(try await TrustProfile.find(second.account.sid, on: app.db) == nil)

            // Repaired: the next pass scores it.
            broken.outcome = "delivered"
            try await broken.save(on: app.db)
            let again = try await app.trustScores(now: app.now).refreshDue()
            #expect(again.failed.isEmpty && again.refreshed == 1)
            #expect(try await TrustProfile.find(second.account.sid, on: app.db) != nil)
        }
    }
}
