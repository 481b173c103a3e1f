import Fluent
import Foundation
import TrustDeskCore

/// A credential reported exposed, by a secret-scanning report or by staff (STD-5).
struct ExposedCredentialReport: Sendable {
    /// The raw secret, when a scanner found it.
    var token: String?
    /// Which credential, when staff report it by hand: `primary`, `secondary` or an `SK` SID.
    var credential: String?
    var accountSID: String?
    /// Where it was found.
    var url: String
    var source: String
}

/// Revokes exposed credentials at once and suspends their account (STD-5).
struct ExposedCredentials {
    let standing: StandingService
    var database: any Database { standing.database }

    enum Found {
        case primaryToken(Account)
        case secondaryToken(Account)
        case apiKey(APIKey, Account)

        var account: Account {
            switch self {
            case let .primaryToken(account), let .secondaryToken(account), let .apiKey(_, account): account
            }
        }
    }

    /// Finds the credential a raw secret belongs to. Only the hash is compared (SEC-1).
    func find(token: String) async throws -> Found? {
        let hash = Secrets.hash(token)
        if Secrets.matchesFormat(token, kind: .authToken) {
            if let account = try await Account.query(on: database).filter(\.$primaryTokenHash == hash).first() { return .primaryToken(account) }
            if let account = try await Account.query(on: database).filter(\.$secondaryTokenHash == hash).first() { return .secondaryToken(account) }
        }
        if Secrets.matchesFormat(token, kind: .apiKeySecret),
           let key = try await APIKey.query(on: database).filter(\.$secretHash == hash).filter(\.$revokedAt == nil).first(),
           let account = try await Account.find(key.accountSID, on: database) {
            return .apiKey(key, account)
        }
        return nil
    }

    /// Finds a credential staff named: `primary`, `secondary` or an API key SID of the account.
    func find(credential: String, of account: Account) async throws -> Found {
        switch credential {
        case "primary": return .primaryToken(account)
        case "secondary":
            guard account.secondaryTokenHash != nil else { throw DomainError(.invalidParameter, "credential: the account has no secondary auth token.") }
            return .secondaryToken(account)
        default:
            guard let sid = try? SID(parsing: credential, expecting: .apiKey),
                  let key = try await APIKey.find(sid.rawValue, on: database), key.accountSID == account.sid, key.revokedAt == nil
            else { throw DomainError(.invalidParameter, "credential: use primary, secondary or the SID of one of the account's live API keys.") }
            return .apiKey(key, account)
        }
    }

    /// Revokes, suspends with `exposed_credentials` and tells the owner which credential and
    /// where it was found. One transaction: pass a transaction's standing service.
    @discardableResult
    func enforce(_ found: Found, url: String, source: String, decider: StandingDecider, justification: String = "") async throws -> EnforcementRecord {
        let account = found.account
        let description: String
        switch found {
        case let .primaryToken(account):
            description = "the primary auth token ending \(account.primaryTokenHint)"
            // Unknowable: nobody holds a secret with this hash, so the owner must create and
            // promote a new token.
            account.primaryTokenHash = Secrets.hash(Secrets.generate(.authToken))
            account.primaryTokenHint = "revoked"
        case let .secondaryToken(account):
            description = "the secondary auth token ending \(account.secondaryTokenHint ?? "")"
            account.secondaryTokenHash = nil
            account.secondaryTokenHint = nil
            account.secondaryTokenCreatedAt = nil
        case let .apiKey(key, _):
            description = "the API key \(key.sid) (\(key.friendlyName))"
            key.revokedAt = standing.now
            try await key.save(on: database)
        }
        account.updatedAt = standing.now
        try await account.save(on: database)
        let evidence = "Exposed credential: \(description), found at \(String(url.prefix(500))) (source: \(String(source.prefix(100))))."
        return try await standing.apply(StandingDecision(to: .suspended, reason: .exposedCredentials, decider: decider,
                                                         justification: justification, evidence: evidence), to: account)
    }
}
