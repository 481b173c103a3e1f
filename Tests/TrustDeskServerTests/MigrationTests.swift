import Fluent
import Foundation
import Testing
import VaporTesting
@testable import TrustDeskServer

@Suite("Migrations")
struct MigrationTests {
    @Test("Every migration reverts: down to an empty database and up again, on SQLite and PostgreSQL")
    func revertAndReapply() async throws {
        try await withTrustDesk { app in
            // One batch per revert; the test database was migrated in one.
            try await app.autoRevert()
            try await app.autoMigrate()
            #expect(try await Account.query(on: app.db).count() == 0)
            let customer = try await TestData.customer(app, "afterrevert", account: "After Revert")
            #expect(try await Account.find(customer.account.sid, on: app.db) != nil)
        }
    }
}
