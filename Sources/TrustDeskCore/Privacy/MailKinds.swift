import Foundation

/// PRV-7: every kind of mail is service, marketing or status. Marketing needs the person's
/// opt-in and stops at once on opt-out; service mail (reset, billing, terms) goes on until the
/// person's accounts are all closed, terminated or banned; status mail follows its own
/// subscription (STS-3).
public enum MailPurpose: String, CaseIterable, Sendable, Codable {
    case service
    case marketing
    case status
}

public struct MailKind: Sendable, Equatable {
    public let purpose: MailPurpose
    /// Service mail that must still reach a person whose accounts are all deactivated: the
    /// notice of that deactivation itself, replies on tickets and privacy requests.
    public let reachesDeactivated: Bool

    public init(_ purpose: MailPurpose, reachesDeactivated: Bool = false) {
        self.purpose = purpose
        self.reachesDeactivated = reachesDeactivated
    }
}

/// The one table of mail kinds. A kind missing here is a test failure (see
/// `MailKindsTests`), so adding a mail is adding its line here.
public enum MailKinds {
    public static let table: [String: MailKind] = {
        var table: [String: MailKind] = [
            // Accounts and access.
            "signup_confirmation": MailKind(.service),
            "signup_existing_login": MailKind(.service),
            "password_reset": MailKind(.service),
            "password_changed": MailKind(.service),
            "username_reminder": MailKind(.service),
            "invitation": MailKind(.service),
            "two_factor_enabled": MailKind(.service),
            "two_factor_disabled": MailKind(.service),
            "staff_api_key_exposed": MailKind(.service),
            // Account standing: warnings stop with the account, notices of the change itself don't.
            "standing_dormancy_warning": MailKind(.service),
            "standing_payment_warning": MailKind(.service),
            // Support and Progressive Trust.
            "support_ticket": MailKind(.service, reachesDeactivated: true),
            "support_sla_breach": MailKind(.service),
            "support_escalation": MailKind(.service),
            // Sign-in guidance to someone who mailed the desk from an unknown address.
            "support_mail_guidance": MailKind(.service),
            "trust_cap_notice": MailKind(.service),
            // Privacy.
            "privacy_verification": MailKind(.service, reachesDeactivated: true),
            "privacy_acknowledgement": MailKind(.service, reachesDeactivated: true),
            "privacy_update": MailKind(.service, reachesDeactivated: true),
            "privacy_email_confirmation": MailKind(.service),
            "privacy_staff_alert": MailKind(.service),
            // Status: what a status page subscriber asked for (STS-4); `status_<mailing kind>`.
            "status_subscription_confirmation": MailKind(.status),
            "status_update": MailKind(.status),
            "status_reminder": MailKind(.status),
            // Marketing: the staff announcement sender.
            "announcement": MailKind(.marketing),
        ]
        for reason in StandingReason.allCases {
            table["standing_\(reason.rawValue)"] = MailKind(.service, reachesDeactivated: true)
        }
        return table
    }()

    public static func kind(_ name: String) -> MailKind? { table[name] }
}

/// Whether a mail may be queued or delivered to a person now (PRV-7).
public enum MailConsentRule {
    public enum Decision: Sendable, Equatable {
        case send
        case refuse(String)
    }

    /// `optedIn` is the person's marketing opt-in (off by default); `deactivated` is true when
    /// every account they are on is closed, terminated or banned. Unknown kinds are treated as
    /// marketing: a mail nobody classified never reaches someone who did not ask for it.
    public static func decide(kind name: String, recipientKnown: Bool, optedIn: Bool, deactivated: Bool) -> Decision {
        let kind = MailKinds.kind(name) ?? MailKind(.marketing)
        switch kind.purpose {
        case .marketing:
            guard recipientKnown, optedIn, !deactivated else { return .refuse("no marketing opt-in") }
            return .send
        case .status:
            return .send
        case .service:
            guard deactivated, !kind.reachesDeactivated else { return .send }
            return .refuse("account deactivated")
        }
    }
}
