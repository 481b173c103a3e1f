import Foundation
import TrustDeskCore

/// The confirmation step of a ban, termination or closing (STD-9): the account by name, what
/// the change will touch (the subaccounts a ban cascades to, the dedicated addresses it
/// releases, who is signed out and who is mailed) and the name to type. What the staff member
/// wrote travels in hidden fields and is shown for a last read.
struct ConfirmView: Encodable {
    struct AccountLine: Encodable {
        let sid: String
        let friendlyName: String
        let standing: String
    }

    struct AddressLine: Encodable {
        let address: String
        let heldBy: String
    }

    let sid: String
    let friendlyName: String
    /// What the staff member types.
    let confirmName: String
    let from: String
    let fromTitle: String
    let toTitle: String
    let action: String
    let actionTitle: String
    /// The reason, when it says more than the new standing does ("Unpaid bill").
    let reasonTitle: String?
    let permanent: Bool
    let endsSessions: Bool
    let cascades: Bool
    let cascadesTo: [AccountLine]
    let releasesIPs: Bool
    let releasedIPs: [AddressLine]
    let notified: [String]
    let submitTitle: String

    init(_ impact: StandingImpact, title: String) {
        let account = impact.account
        let change = impact.change
        sid = account.sid
        friendlyName = account.friendlyName
        confirmName = change.accountName
        from = change.from.rawValue
        fromTitle = change.from.displayName
        toTitle = change.to.displayName
        action = "\(change.to.rawValue):\(change.reason.rawValue)"
        actionTitle = title
        reasonTitle = change.reason == .ban ? nil : change.reason.title
        permanent = change.to == .banned || change.to == .closed
        endsSessions = impact.effects.contains(.endSessions)
        cascades = impact.effects.contains(.cascadeBan)
        cascadesTo = impact.cascadesTo.map {
            AccountLine(sid: $0.sid, friendlyName: $0.friendlyName, standing: Standing(stored: $0.standing).displayName)
        }
        releasesIPs = impact.effects.contains(.releaseDedicatedIPs)
        let names = Dictionary(uniqueKeysWithValues: ([account] + impact.cascadesTo).map { ($0.sid, $0.friendlyName) })
        releasedIPs = impact.releasedIPs.map { AddressLine(address: $0.address, heldBy: names[$0.accountSID] ?? $0.accountSID) }
        notified = impact.notified.map { "\($0.fullName) <\($0.email)>" }
        let verb: String = switch change.to {
        case .banned: "Ban"
        case .terminated: "Terminate"
        case .closed: "Close"
        default: "Apply to"
        }
        submitTitle = "\(verb) \(account.friendlyName)" + (cascades && !cascadesTo.isEmpty ? " and \(cascadesTo.count) subaccount\(cascadesTo.count == 1 ? "" : "s")" : "")
    }
}
