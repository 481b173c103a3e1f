import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// Who an API request is, once its Basic credentials check out (ACC-7).
struct APICredential: Sendable {
    /// The account the credential belongs to.
    let accountSID: String
    /// The key used, when it was an API key rather than the auth token.
    let keySID: String?
}

/// Auth tokens and API keys: issuing, rotating, revoking and checking them (ACC-7, SEC-1).
struct Credentials {
    let database: any Database
    let now: Date

    /// Checks HTTP Basic credentials. Every failure is the same 20003, whether the SID is
    /// malformed, unknown, revoked or the secret is wrong: the answer never tells whether an
    /// account exists.
    func authenticate(username: String, password: String) async throws -> APICredential {
        if let sid = try? SID(parsing: username, expecting: .account) {
            guard let account = try await Account.find(sid.rawValue, on: database) else { throw DomainError.badCredentials }
            let hash = Secrets.hash(password)
            let matchesPrimary = constantTimeEquals(hash, account.primaryTokenHash)
            let matchesSecondary = account.secondaryTokenHash.map { constantTimeEquals(hash, $0) } ?? false
            guard matchesPrimary || matchesSecondary else { throw DomainError.badCredentials }
            return APICredential(accountSID: account.sid, keySID: nil)
        }
        if let sid = try? SID(parsing: username, expecting: .apiKey) {
            guard let key = try await APIKey.find(sid.rawValue, on: database), key.revokedAt == nil,
                  constantTimeEquals(Secrets.hash(password), key.secretHash)
            else { throw DomainError.badCredentials }
            if KeyUse.isWorthRecording(since: key.lastUsedAt, now: now) {
                key.lastUsedAt = now
                try await key.save(on: database)
            }
            return APICredential(accountSID: key.accountSID, keySID: key.sid)
        }
        throw DomainError.badCredentials
    }

    /// Creates a secondary auth token and returns it; it is shown this once (SEC-1).
    func createSecondaryToken(for account: Account) async throws -> String {
        let token = Secrets.generate(.authToken)
        account.secondaryTokenHash = Secrets.hash(token)
        account.secondaryTokenHint = Secrets.hint(token)
        account.secondaryTokenCreatedAt = now
        account.updatedAt = now
        try await account.save(on: database)
        return token
    }

    /// Makes the secondary token primary; the old primary stops working at once (ACC-7).
    func promoteSecondaryToken(of account: Account) async throws {
        guard let hash = account.secondaryTokenHash, let hint = account.secondaryTokenHint else {
            throw DomainError(.conflict, "There is no secondary auth token to promote. Create one first.")
        }
        account.primaryTokenHash = hash
        account.primaryTokenHint = hint
        account.primaryTokenCreatedAt = account.secondaryTokenCreatedAt ?? now
        account.secondaryTokenHash = nil
        account.secondaryTokenHint = nil
        account.secondaryTokenCreatedAt = nil
        account.updatedAt = now
        try await account.save(on: database)
    }

    func deleteSecondaryToken(of account: Account) async throws {
        guard account.secondaryTokenHash != nil else {
            throw DomainError(.conflict, "There is no secondary auth token to delete.")
        }
        account.secondaryTokenHash = nil
        account.secondaryTokenHint = nil
        account.secondaryTokenCreatedAt = nil
        account.updatedAt = now
        try await account.save(on: database)
    }

    /// Creates an API key; the secret is returned this once and stored only as a hash.
    func createKey(for accountSID: String, friendlyName: String) async throws -> (APIKey, secret: String) {
        let name = try Validate.displayName(friendlyName, field: "friendly_name")
        let secret = Secrets.generate(.apiKeySecret)
        let key = APIKey(sid: SID.generate(.apiKey), account: accountSID, friendlyName: name, secret: secret, now: now)
        try await key.create(on: database)
        return (key, secret)
    }

    /// Live keys of an account, in SID order from `after` (keyset paging).
    func keys(of accountSID: String, after: String?, limit: Int) async throws -> [APIKey] {
        var query = APIKey.query(on: database)
            .filter(\.$accountSID == accountSID)
            .filter(\.$revokedAt == nil)
        if let after { query = query.filter(\.$id > after) }
        return try await query.sort(\.$id).limit(limit).all()
    }

    func key(_ keySID: String, of accountSID: String) async throws -> APIKey {
        guard let key = try await APIKey.find(keySID, on: database), key.accountSID == accountSID, key.revokedAt == nil else {
            throw DomainError.notFound("API key")
        }
        return key
    }

    func revokeKey(_ keySID: String, of accountSID: String) async throws {
        let key = try await key(keySID, of: accountSID)
        key.revokedAt = now
        try await key.save(on: database)
    }
}

extension Request {
    /// Account credentials on the request's database.
    var credentials: Credentials { Credentials(database: db, now: now) }

    /// Staff API keys on the request's database.
    var staffCredentials: StaffCredentials { StaffCredentials(database: db, now: now) }
}
