import Fluent
import Foundation
import Vapor

/// What other features do when an account is created, inside the transaction that creates it:
/// a hook that fails rolls the account back, so no account exists without what they keep for
/// it. Accounts knows nothing of the features that register here (in `configure`).
struct AccountCreationHooks: Sendable {
    typealias Hook = @Sendable (_ account: Account, _ database: any Database, _ now: Date) async throws -> Void

    private var hooks: [Hook] = []

    mutating func append(_ hook: @escaping Hook) {
        hooks.append(hook)
    }

    func accountCreated(_ account: Account, on database: any Database, now: Date) async throws {
        for hook in hooks { try await hook(account, database, now) }
    }
}

extension Application {
    private struct AccountCreationHooksKey: StorageKey { typealias Value = AccountCreationHooks }

    var accountCreationHooks: AccountCreationHooks {
        get { storage[AccountCreationHooksKey.self] ?? AccountCreationHooks() }
        set { storage[AccountCreationHooksKey.self] = newValue }
    }
}
