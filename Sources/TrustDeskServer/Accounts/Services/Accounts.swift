import Fluent
import Foundation
import SQLKit
import TrustDeskCore
import Vapor

/// Creating accounts and reading them with tenant rules applied (ACC-1, ACC-2, SEC-3).
struct Accounts {
    let database: any Database
    let now: Date
    /// What other features keep for every account, written in the creating transaction.
    let creationHooks: AccountCreationHooks

    /// A new top-level account with `owner` as its owner. Returns the primary auth token,
    /// shown once.
    func createAccount(named name: String, owner: User) async throws -> (Account, authToken: String) {
        let token = Secrets.generate(.authToken)
        let account = Account(sid: SID.generate(.account), friendlyName: name, owner: nil, primaryToken: token, now: now)
        let now = self.now, hooks = creationHooks
        // Joins the caller's transaction when there is one (sign-up confirmation).
        try await database.transaction { db in
            try await account.create(on: db)
            try await Membership(account: account.sid, user: owner.sid, role: .owner, now: now).create(on: db)
            try await hooks.accountCreated(account, on: db, now: now)
        }
        return (account, token)
    }

    /// A new subaccount of `parent` (ACC-2; subaccounts do not nest), within the operator's
    /// `limits` (how many at once, how many a day). The parent's row is locked first, so
    /// concurrent requests are counted one after another and never both take the last place.
    func createSubaccount(of parent: Account, named friendlyName: String, limits: SubaccountLimits) async throws -> (Account, authToken: String) {
        guard !parent.isSubaccount else {
            throw DomainError(.invalidParameter, "A subaccount can't have subaccounts of its own; create it under the main account.")
        }
        let name = try Validate.displayName(friendlyName, field: "friendly_name")
        let token = Secrets.generate(.authToken)
        let owner = try SID(parsing: parent.sid, expecting: .account)
        let now = self.now, hooks = creationHooks
        let account = try await database.transaction { db in
            // A write to the parent's row: a row lock on PostgreSQL, the write lock on SQLite.
            try await db.sql.raw("UPDATE \(ident: Account.schema) SET updated_at = updated_at WHERE sid = \(bind: parent.sid)").run()
            let existing = try await Account.query(on: db).filter(\.$ownerAccountSID == parent.sid)
                .filter(\.$standing != Standing.closed.rawValue).count()
            let recent = try await Account.query(on: db).filter(\.$ownerAccountSID == parent.sid)
                .filter(\.$createdAt > now.addingTimeInterval(-SubaccountLimits.window)).all().map(\.createdAt)
            try limits.checkNew(existing: existing, createdAt: recent, now: now)
            let account = Account(sid: SID.generate(.account), friendlyName: name, owner: owner, primaryToken: token, now: now)
            try await account.create(on: db)
            try await hooks.accountCreated(account, on: db, now: now)
            return account
        }
        return (account, token)
    }

    func subaccounts(of parentSID: String, after: String?, limit: Int) async throws -> [Account] {
        var query = Account.query(on: database).filter(\.$ownerAccountSID == parentSID)
        if let after { query = query.filter(\.$id > after) }
        return try await query.sort(\.$id).limit(limit).all()
    }

    /// Accounts' names by SID, for lists that show whose something is (the support queues).
    func friendlyNames(_ sids: [String]) async throws -> [String: String] {
        guard !sids.isEmpty else { return [:] }
        let accounts = try await Account.query(on: database).filter(\.$id ~~ sids).all()
        return Dictionary(accounts.map { ($0.sid, $0.friendlyName) }, uniquingKeysWith: { first, _ in first })
    }

    /// The account `sid` if the credential of `actingAccountSID` may act on it: its own
    /// account or one of its subaccounts. Anything else is "not found", never "forbidden",
    /// so another tenant's SIDs reveal nothing (SEC-3).
    func accessible(_ sid: SID, by actingAccountSID: String) async throws -> Account {
        guard let account = try await Account.find(sid.rawValue, on: database),
              account.sid == actingAccountSID || account.ownerAccountSID == actingAccountSID
        else { throw DomainError.notFound("account") }
        return account
    }
}

extension Request {
    /// Accounts on the request's database; inside a transaction use `accounts(on:)`.
    var accounts: Accounts { accounts(on: db) }

    func accounts(on database: any Database) -> Accounts {
        application.accounts(on: database, now: now)
    }
}

extension Application {
    /// Accounts for jobs, commands and the demo world.
    func accounts(on database: (any Database)? = nil, now: Date) -> Accounts {
        Accounts(database: database ?? db, now: now, creationHooks: accountCreationHooks)
    }
}
