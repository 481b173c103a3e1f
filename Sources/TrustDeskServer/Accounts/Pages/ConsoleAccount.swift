import Fluent
import TrustDeskCore
import Vapor

/// The account a console page is about, loaded the same way for every console page: the
/// signed-in customer, the account in the path, their role on it, and what its standing and
/// that role let them do there (`ConsolePolicy`, STD-2). Pages show a form only when `may`
/// says it can succeed, and the reason in words otherwise; handlers load it for the action
/// they perform, so a crafted request is refused with the same answer and writes nothing.
struct ConsoleAccount {
    let user: User
    let account: Account
    let role: TeammateRole

    var standing: Standing { Standing(stored: account.standing) }

    func refusal(_ action: ConsoleAction) -> DomainError? {
        ConsolePolicy.refusal(action, standing: standing, role: role)
    }

    func may(_ action: ConsoleAction) -> Bool { refusal(action) == nil }

    /// For templates: `#if(body.account.may.create_subaccount)`, else `#(body.account.why.create_subaccount)`.
    var abilities: ConsoleAbilitiesView {
        var may: [String: Bool] = [:]
        var why: [String: String] = [:]
        for action in ConsoleAction.allCases {
            let refusal = refusal(action)
            may[action.rawValue] = refusal == nil
            if let refusal { why[action.rawValue] = refusal.message }
        }
        return ConsoleAbilitiesView(may: may, why: why)
    }
}

struct ConsoleAbilitiesView: Encodable {
    /// Console action -> whether its form can succeed.
    let may: [String: Bool]
    /// Console action -> why not, in words, for each action that can't.
    let why: [String: String]
}

extension Request {
    /// The console account in the `accountSid` path parameter, for `action`. An account the
    /// viewer is not on is "not found" (SEC-3); an action its standing or the viewer's role
    /// does not allow is refused with the standing's code (STD-2) or 20006.
    func consoleAccount(for action: ConsoleAction) async throws -> ConsoleAccount {
        guard let session = signedIn else { throw Abort.redirect(to: "/signin") }
        let sid = try sidParameter("accountSid", .account)
        guard let account = try await Account.find(sid.rawValue, on: db),
              let role = try await team.role(of: session.user.sid, on: account)
        else { throw DomainError.notFound("account") }
        let context = ConsoleAccount(user: session.user, account: account, role: role)
        if let refusal = context.refusal(action) { throw refusal }
        return context
    }

    /// The viewer's top-level accounts, by name; with `action`, only those it is allowed on.
    func consoleAccounts(for action: ConsoleAction? = nil) async throws -> [ConsoleAccount] {
        guard let user = signedIn?.user else { throw Abort.redirect(to: "/signin") }
        return try await team.accounts(of: user.sid)
            .map { ConsoleAccount(user: user, account: $0.0, role: $0.1) }
            .filter { action.map($0.may) ?? true }
    }
}
