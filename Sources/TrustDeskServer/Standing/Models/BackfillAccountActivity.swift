import Fluent
import SQLKit

/// Accounts created before activity rows were written at account creation get theirs once,
/// here, so the daily dormancy job never has to scan accounts for missing rows (STD-7).
struct BackfillAccountActivity: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.raw("""
            INSERT INTO account_activity (account_sid, last_used_at, dormancy_due_at)
            SELECT sid, created_at, created_at FROM accounts
            WHERE sid NOT IN (SELECT account_sid FROM account_activity)
            """).run()
    }

    func revert(on database: any Database) async throws {}
}
