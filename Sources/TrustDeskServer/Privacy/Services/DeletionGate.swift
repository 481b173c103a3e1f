import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// PRV-6: the one gate every deletion path asks before it deletes or de-identifies anything of
/// an account: retention, privacy requests, usage deletion, under-age removal and the
/// `purge_expired` job. Held data is skipped and the caller records the case references.
struct DeletionGate {
    let database: any Database
    let now: Date

    /// The verdict for deleting data of `accountSIDs`.
    func verdict(for accountSIDs: [String]) async throws -> DeletionVerdict {
        guard !accountSIDs.isEmpty else { return .allowed }
        let holds = try await LegalHold.query(on: database)
            .filter(\.$accountSID ~~ accountSIDs).filter(\.$releasedAt == nil).all()
        return LegalHoldPolicy.verdict(for: Set(accountSIDs), holds: holds.map(\.state), now: now)
    }

    /// The verdict for deleting a person's data: every account they are on counts, since what
    /// they did there may be what the case is about.
    func verdict(forUser userSID: String) async throws -> DeletionVerdict {
        let accounts = try await Membership.query(on: database).filter(\.$userSID == userSID).all().map(\.accountSID)
        return try await verdict(for: accounts)
    }

    /// For bulk purges: a condition that keeps rows whose account column names a held account.
    static func notHeld(accountColumn column: String) -> SQLQueryString {
        "(\(ident: column) IS NULL OR \(ident: column) NOT IN (SELECT account_sid FROM legal_holds WHERE released_at IS NULL))"
    }

    /// For bulk purges: a condition that keeps rows of users on a held account.
    static func notHeld(userColumn column: String) -> SQLQueryString {
        """
        (\(ident: column) NOT IN (SELECT user_sid FROM memberships WHERE account_sid IN \
        (SELECT account_sid FROM legal_holds WHERE released_at IS NULL)))
        """
    }

    /// For bulk purges: a condition that keeps mail to people on a held account.
    static func notHeld(emailColumn column: String) -> SQLQueryString {
        """
        (\(ident: column) NOT IN (SELECT email FROM users WHERE sid IN (SELECT user_sid FROM memberships WHERE account_sid IN \
        (SELECT account_sid FROM legal_holds WHERE released_at IS NULL))))
        """
    }
}
