import Foundation

/// What is known about a new sign-up when it is vetted (STD-6).
public struct SignupFacts: Sendable, Equatable {
    public var email: String
    /// Sign-ups from the same network (IP /24 or /48) in the hour before this one.
    public var signupsFromNetworkLastHour: Int
    /// ISO 3166 alpha-2 country of the sign-up, if known.
    public var country: String?
    /// Whether the phone number given could be verified.
    public var phoneVerifiable: Bool

    public init(email: String, signupsFromNetworkLastHour: Int = 0, country: String? = nil, phoneVerifiable: Bool = true) {
        self.email = email
        self.signupsFromNetworkLastHour = signupsFromNetworkLastHour
        self.country = country
        self.phoneVerifiable = phoneVerifiable
    }

    public var emailDomain: String {
        email.split(separator: "@").last.map { $0.lowercased() } ?? ""
    }
}

public enum VettingOutcomeDecision: String, Sendable {
    /// `active`.
    case approve
    /// `pending_vetting` and a Consumer Trust case.
    case review
    /// `closed`, notified.
    case reject
}

/// One rule that fired, with what it added and why.
public struct VettingFinding: Sendable, Equatable, Codable {
    public let rule: String
    public let weight: Int
    public let explanation: String

    public init(rule: String, weight: Int, explanation: String) {
        self.rule = rule
        self.weight = weight
        self.explanation = explanation
    }
}

public struct VettingResult: Sendable, Equatable {
    public let score: Int
    public let outcome: VettingOutcomeDecision
    public let findings: [VettingFinding]

    public init(score: Int, outcome: VettingOutcomeDecision, findings: [VettingFinding]) {
        self.score = score
        self.outcome = outcome
        self.findings = findings
    }

    /// The evidence text stored with the enforcement record.
    public var explanation: String {
        findings.isEmpty ? "No vetting rule fired (score 0)." :
            "Score \(score): " + findings.map { "\($0.rule) +\($0.weight) (\($0.explanation))" }.joined(separator: "; ")
    }
}

/// Sign-up vetting (STD-6): each account is scored on its own by explicit rules, each with a
/// weight and an explanation. The lists are data, so operators can change them.
public struct VettingPolicy: Sendable {
    public var disposableDomains: Set<String>
    public var freeMailDomains: Set<String>
    public var riskCountries: Set<String>
    /// Sign-ups from one network in an hour above which the rule fires, and the higher mark.
    public var networkVelocityThreshold: Int
    public var networkVelocityHighThreshold: Int
    /// Scores at or above `reviewAt` go to review; at or above `rejectAt` are rejected.
    public var reviewAt: Int
    public var rejectAt: Int

    public static let defaultDisposableDomains: Set<String> = [
        "mailinator.com", "guerrillamail.com", "10minutemail.com", "tempmail.com", "trashmail.com",
        "yopmail.com", "sharklasers.com", "getnada.com", "dispostable.com", "throwawaymail.com",
    ]
    public static let defaultFreeMailDomains: Set<String> = [
        "gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "aol.com", "icloud.com", "proton.me", "gmx.com", "mail.com",
    ]

    public init(
        disposableDomains: Set<String> = VettingPolicy.defaultDisposableDomains,
        freeMailDomains: Set<String> = VettingPolicy.defaultFreeMailDomains,
        riskCountries: Set<String> = [],
        networkVelocityThreshold: Int = 3,
        networkVelocityHighThreshold: Int = 10,
        reviewAt: Int = 30,
        rejectAt: Int = 60
    ) {
        self.disposableDomains = disposableDomains
        self.freeMailDomains = freeMailDomains
        self.riskCountries = riskCountries
        self.networkVelocityThreshold = networkVelocityThreshold
        self.networkVelocityHighThreshold = networkVelocityHighThreshold
        self.reviewAt = reviewAt
        self.rejectAt = rejectAt
    }

    public func evaluate(_ facts: SignupFacts) -> VettingResult {
        var findings: [VettingFinding] = []
        let domain = facts.emailDomain
        if disposableDomains.contains(domain) {
            findings.append(VettingFinding(rule: "disposable_email_domain", weight: 60, explanation: "\(domain) hands out throwaway addresses"))
        } else if freeMailDomains.contains(domain) {
            findings.append(VettingFinding(rule: "free_mail_domain", weight: 10, explanation: "\(domain) is a free mailbox, not a company domain"))
        }
        if facts.signupsFromNetworkLastHour >= networkVelocityHighThreshold {
            findings.append(VettingFinding(rule: "signup_velocity_high", weight: 60, explanation: "\(facts.signupsFromNetworkLastHour) sign-ups from the same network in the last hour"))
        } else if facts.signupsFromNetworkLastHour >= networkVelocityThreshold {
            findings.append(VettingFinding(rule: "signup_velocity", weight: 25, explanation: "\(facts.signupsFromNetworkLastHour) sign-ups from the same network in the last hour"))
        }
        if let country = facts.country?.uppercased(), riskCountries.contains(country) {
            findings.append(VettingFinding(rule: "country_risk", weight: 20, explanation: "sign-up from \(country), on the country review list"))
        }
        if !facts.phoneVerifiable {
            findings.append(VettingFinding(rule: "phone_unverifiable", weight: 20, explanation: "the phone number could not be verified"))
        }
        let score = findings.reduce(0) { $0 + $1.weight }
        let outcome: VettingOutcomeDecision = score >= rejectAt ? .reject : (score >= reviewAt ? .review : .approve)
        return VettingResult(score: score, outcome: outcome, findings: findings)
    }
}
