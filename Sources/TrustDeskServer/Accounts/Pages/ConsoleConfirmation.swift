import Foundation
import TrustDeskCore
import Vapor

/// The second state of a form that can't be undone (revoke a key or a staff key, remove a
/// teammate, transfer ownership): the first POST changes nothing and answers with this page, which says
/// in plain words what will happen; its form posts again with `confirm` set to the SID it is
/// about, and only that does it. Working without JavaScript, and a stale or crafted post for
/// another object does nothing.
struct ConfirmActionView: Encodable {
    /// The console's account header; nil on a staff page.
    let account: ConsolePagesController.AccountNavView?
    /// "Revoke the API key Billing sync?"
    let heading: String
    /// What is about to change, in one sentence, before the list of consequences.
    let summary: String
    let effects: [String]
    /// The POST that does it.
    let action: String
    /// The SID the confirmation is for.
    let confirmValue: String
    let submitTitle: String
    /// Where "Keep it" goes back to.
    let backURL: String
    let backTitle: String
}

enum ConsoleConfirmation {
    /// Whether `form` confirms the action on `sid`. A `confirm` for another object is the
    /// confirmation of another page, not of this one: it asks again.
    static func isConfirmed(_ form: PageForm, for sid: String) -> Bool {
        form["confirm"] == sid
    }

    static func revokeKey(_ key: APIKey, account: ConsolePagesController.AccountNavView) -> ConfirmActionView {
        let lastUsed = key.lastUsedAt.map { "It was last used \(DateDisplay.local($0))." } ?? "It has not been used to sign a request."
        return ConfirmActionView(
            account: account,
            heading: "Revoke the API key \(key.friendlyName)?",
            summary: "The key \(key.friendlyName) (\(key.sid)), created \(DateDisplay.local(key.createdAt)), stops working. \(lastUsed) Nothing has changed yet.",
            effects: [
                "Every API request signed with this key is refused from now on (401, error 20003), including requests your servers are sending right now.",
                "A revoked key can't be restored. Create a new key and put it into each integration that used this one.",
                "Your auth tokens and other API keys keep working.",
            ],
            action: "/console/accounts/\(account.sid)/keys/\(key.sid)/revoke", confirmValue: key.sid,
            submitTitle: "Revoke \(key.friendlyName)",
            backURL: "/console/accounts/\(account.sid)/credentials", backTitle: "Keep the key"
        )
    }

    static func revokeStaffKey(_ key: StaffAPIKey) -> ConfirmActionView {
        let lastUsed = key.lastUsedAt.map { "It was last used \(DateDisplay.local($0))." } ?? "It has not been used to sign a request."
        return ConfirmActionView(
            account: nil,
            heading: "Revoke your staff API key \(key.friendlyName)?",
            summary: "The key \(key.friendlyName) (\(key.sid)), created \(DateDisplay.local(key.createdAt)), stops working. \(lastUsed) Nothing has changed yet.",
            effects: [
                "Every call to the staff API signed with this key is refused from now on (401, error 20003), including scripts running right now.",
                "A revoked key can't be restored. Create a new key and put it into each script that used this one.",
                "The revocation is recorded in the staff audit log.",
            ],
            action: "/staff/api-keys/\(key.sid)/revoke", confirmValue: key.sid,
            submitTitle: "Revoke \(key.friendlyName)",
            backURL: "/staff/api-keys", backTitle: "Keep the key"
        )
    }

    static func removeTeammate(_ teammate: Team.Teammate, team: Account, account: ConsolePagesController.AccountNavView) -> ConfirmActionView {
        let user = teammate.user
        return ConfirmActionView(
            account: account,
            heading: "Remove \(user.fullName) from \(team.friendlyName)?",
            summary: "\(user.fullName) (\(user.username), \(user.email)), now \(teammate.membership.role.displayName.lowercased()), loses access to \(team.friendlyName). Nothing has changed yet.",
            effects: [
                "From their next click they can no longer open \(team.friendlyName) or its subaccounts in the console, nor its support tickets.",
                "Their own login stays, with any other accounts they belong to; they are not mailed.",
                "API keys and auth tokens are the account's, not theirs: revoke any they copied on the credentials page.",
                "You can invite them again later; they start over with the role you choose.",
            ],
            action: "/console/accounts/\(account.sid)/teammates/\(user.sid)/remove", confirmValue: user.sid,
            submitTitle: "Remove \(user.fullName)",
            backURL: "/console/accounts/\(account.sid)/teammates", backTitle: "Keep them on the team"
        )
    }

    static func transferOwnership(to teammate: Team.Teammate, team: Account, account: ConsolePagesController.AccountNavView) -> ConfirmActionView {
        let user = teammate.user
        return ConfirmActionView(
            account: account,
            heading: "Make \(user.fullName) the owner of \(team.friendlyName)?",
            summary: "\(user.fullName) (\(user.username), \(user.email)) becomes the account's only owner and you become an admin. Nothing has changed yet.",
            effects: [
                "Only the owner can close the account or transfer ownership; from now on that is \(user.fullName), not you.",
                "Mail addressed to the account's owner, such as standing notices, goes to \(user.email) instead of you.",
                "As an admin you still manage teammates, credentials and subaccounts.",
                "You can't take ownership back yourself: only the new owner can transfer it again.",
            ],
            action: "/console/accounts/\(account.sid)/teammates/\(user.sid)/transfer", confirmValue: user.sid,
            submitTitle: "Make \(user.fullName) the owner",
            backURL: "/console/accounts/\(account.sid)/teammates", backTitle: "Keep ownership"
        )
    }
}
