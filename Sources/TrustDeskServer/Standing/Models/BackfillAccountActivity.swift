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

    /// Deliberately leaves the rows. They can't be told apart from those written since (at
    /// account creation, by usage, by the dormancy job), so deleting "the backfilled ones" would
    /// delete real usage; and the release before this migration already wrote a row on first use
    /// and reads these as its own. `CreateAccountActivity`'s revert drops the table with them.
    func revert(on database: any Database) async throws {}
}
