import Fluent
import Foundation

/// Standing's part of an account's creation (registered in `configure`): its activity row, so
/// the dormancy job (STD-7) finds its work through the due-time index alone. Due at once: the
/// job's first look schedules it with the operator's dormancy period.
enum AccountActivityHook {
    static let startActivity: AccountCreationHooks.Hook = { account, database, now in
        try await AccountActivity(account: account.sid, lastUsedAt: now, dueAt: now).create(on: database)
    }
}
