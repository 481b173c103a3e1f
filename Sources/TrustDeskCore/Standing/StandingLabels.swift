import Foundation

/// The words people read for standing codes: pages show these, the API keeps the codes.

extension StandingReason {
    /// A short label: "Abusive traffic", not `abusive_traffic`.
    public var title: String {
        switch self {
        case .accountTakeover: "Account takeover"
        case .exposedCredentials: "Exposed credentials"
        case .abusiveTraffic: "Abusive traffic"
        case .vettingReview: "Sign-up vetting review"
        case .fraud: "Suspected fraud"
        case .vettingApproved: "Sign-up approved"
        case .vettingRejected: "Sign-up rejected"
        case .dormancy: "No usage (dormancy)"
        case .nonPayment: "Unpaid bill"
        case .ban: "Ban"
        case .banCascade: "Main account banned"
        case .banLifted: "Ban lifted"
        case .ownerRequest: "Owner's request"
        case .reinstated: "Reinstated"
        case .reviewUpheld: "Review upheld"
        case .underage: "Under-age user"
        }
    }
}

extension StandingRule {
    /// A label for a named automated rule: "Secret scanning", not `secret_scanning`.
    public static func title(of name: String) -> String {
        switch name {
        case signupVetting: "Sign-up vetting"
        case secretScanning: "Secret scanning"
        case dormancy: "Dormancy check"
        case nonPayment: "Non-payment check"
        case banCascade: "Ban of the main account"
        case abuseDetection: "Abuse detection"
        default: name.replacingOccurrences(of: "_", with: " ").capitalizedFirst
        }
    }
}

extension StandingPolicy.Path {
    /// What a staff member picks: "Suspend: abusive traffic", "Ban permanently".
    public var title: String {
        switch (to, reason) {
        case (.banned, .ban): "Ban permanently"
        case (.banned, _): "Ban with the main account"
        case (.active, .banLifted): "Lift the ban"
        case (.active, .reinstated): "Reinstate"
        case (.active, .vettingApproved): "Approve the sign-up"
        case (.active, _): "Make active: \(reason.title.lowercased())"
        case (.closed, .vettingRejected): "Reject the sign-up and close the account"
        case (.closed, .underage): "Close the account: its user is under age"
        case (.closed, _): "Close the account at its owner's request"
        case (.suspended, .vettingReview): "Suspend for a sign-up vetting review"
        case (.suspended, _): "Suspend: \(reason.title.lowercased())"
        case (.terminated, _): "Terminate: \(reason.title.lowercased())"
        case (.dormant, _): "Deactivate: \(reason.title.lowercased())"
        case (.pendingVetting, _): "Hold for a sign-up vetting review"
        }
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
