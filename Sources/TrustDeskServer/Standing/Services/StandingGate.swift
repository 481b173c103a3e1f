import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// Where standing takes effect on requests: the API (STD-2), sign-in (STD-8, STD-9) and the
/// console (read-only while restricted), and where usage is recorded for dormancy (STD-7).
struct StandingGate {
    let database: any Database
    let now: Date

    /// Usage is written at most this often per account, so API traffic isn't a write per request.
    static let usageResolution: TimeInterval = 3600

    /// Refuses an API request of an account not in good standing, with its standing's code.
    /// Its own standing page stays readable (except when banned), so a client can learn why.
    func admitAPI(accountSID: String, request: Request, dormancy: DormancyPolicy) async throws {
        guard let account = try await Account.find(accountSID, on: database) else { throw DomainError.badCredentials }
        try Self.admit(account, request: request)
        try await recordUsage(of: accountSID, dormancy: dormancy)
    }

    /// The standing check alone, for an account the request acts on (its own or a subaccount).
    static func admit(_ account: Account, request: Request) throws {
        let standing = Standing(stored: account.standing)
        guard let refusal = standing.refusal(accountSID: account.sid) else { return }
        if request.method == .GET, standing != .banned, request.url.path.hasSuffix("/Standing") { return }
        throw refusal
    }

    /// Refuses sign-in when every account of a customer is terminated or banned, saying why.
    func admitSignIn(_ user: User, dormancy: DormancyPolicy) async throws {
        guard !user.isStaff else { return }
        let memberships = try await Membership.query(on: database).filter(\.$userSID == user.sid).all()
        guard !memberships.isEmpty else { return }
        let accounts = try await Account.query(on: database).filter(\.$id ~~ memberships.map(\.accountSID)).sort(\.$id).all()
        let usable = accounts.filter { ConsolePolicy.allows(.view, in: Standing(stored: $0.standing)) }
        guard !usable.isEmpty else {
            let account = accounts.first
            let standing = Standing(stored: account?.standing ?? Standing.banned.rawValue)
            let code = standing.refusalCode ?? .accountBanned
            let why = standing == .terminated
                ? "was terminated because it still owes the previous month's bill. Contact support about payment."
                : "is banned permanently. Support can't reactivate it; reply to the ban email if you want to discuss it."
            throw DomainError(code, "You can't sign in: your account \(account?.friendlyName ?? "") \(why)")
        }
        for account in usable { try await recordUsage(of: account.sid, dormancy: dormancy) }
    }

    /// Notes that the account was used now, at most once per `usageResolution`.
    func recordUsage(of accountSID: String, dormancy: DormancyPolicy) async throws {
        if let activity = try await AccountActivity.find(accountSID, on: database) {
            guard now.timeIntervalSince(activity.lastUsedAt) >= Self.usageResolution else { return }
            activity.lastUsedAt = now
            activity.dormancyDueAt = dormancy.warningDue(lastUsage: now)
            try await activity.save(on: database)
        } else {
            do {
                try await AccountActivity(account: accountSID, lastUsedAt: now, dueAt: dormancy.warningDue(lastUsage: now)).create(on: database)
            } catch {
                // A parallel request recorded the first use a moment earlier: nothing is lost.
                // Anything else (the database gone, a broken row) is the caller's error.
                guard try await AccountActivity.find(accountSID, on: database) != nil else { throw error }
            }
        }
    }
}

extension TrustDeskConfiguration {
    var dormancyPolicy: DormancyPolicy { DormancyPolicy(thresholdDays: dormancyDays) }
}
