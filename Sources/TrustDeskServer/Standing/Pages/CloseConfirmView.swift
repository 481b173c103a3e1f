import Foundation
import TrustDeskCore

/// The confirmation step of an owner closing their account (STD-10): what closing does, from
/// the policy's effects and the retention schedule it starts (PRV-4), and the name to type.
struct CloseConfirmView: Encodable {
    struct AccountLine: Encodable {
        let sid: String
        let friendlyName: String
    }

    let account: ConsolePagesController.AccountNavView
    let sid: String
    let friendlyName: String
    /// What the owner types (`StandingGuardRails.confirmationName`).
    let confirmName: String
    let endsSessions: Bool
    /// Subaccounts are accounts of their own (ACC-2): closing the main account leaves them open.
    let subaccounts: [AccountLine]
    let notified: [String]
    let retention: [String]

    init(_ impact: StandingImpact, subaccounts: [Account], account: ConsolePagesController.AccountNavView, policy: RetentionPolicy) {
        self.account = account
        sid = impact.account.sid
        friendlyName = impact.account.friendlyName
        confirmName = impact.change.accountName
        endsSessions = impact.effects.contains(.endSessions)
        self.subaccounts = subaccounts.filter { Standing(stored: $0.standing) != .closed }
            .map { AccountLine(sid: $0.sid, friendlyName: $0.friendlyName) }
        notified = impact.effects.contains(.notify) ? impact.notified.map(\.email) : []
        retention = impact.effects.contains(.startRetention) ? [
            "Within \(RetentionPolicy.accountDataDays) days its account data is deleted or de-identified.",
            "Invoices and records kept for legal reasons are deleted after \(RetentionPolicy.legalYears) years, subscriber records after \(policy.subscriberYears), support conversations after \(RetentionPolicy.supportYears).",
        ] : []
    }
}
