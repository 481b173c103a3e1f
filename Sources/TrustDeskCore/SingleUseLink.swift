import Foundation

/// The emailed single-use links and how long each lives (ACC-3, ACC-5).
public enum LinkPurpose: String, Sendable, Codable, CaseIterable {
    case signupConfirmation = "signup_confirmation"
    case passwordReset = "password_reset"
    case invitation = "invitation"
    /// Confirms an email subscription to status updates (STS-3, double opt-in).
    case statusSubscription = "status_subscription"

    public var lifetime: TimeInterval {
        switch self {
        case .signupConfirmation: 48 * 3600
        case .passwordReset: 3600
        case .invitation: 7 * 24 * 3600
        case .statusSubscription: 48 * 3600
        }
    }
}

public enum SingleUseLink {
    /// Unconfirmed sign-ups are purged this long after they were made (ACC-3).
    public static let registrationRetention: TimeInterval = 7 * 24 * 3600

    public static func expiry(for purpose: LinkPurpose, issuedAt: Date) -> Date {
        issuedAt.addingTimeInterval(purpose.lifetime)
    }

    /// Decides whether a link may still be used. Used links say so even after expiry: the
    /// person most likely clicked twice, and "already used" tells them what happened.
    public static func check(expiresAt: Date, usedAt: Date?, now: Date) throws(DomainError) {
        if usedAt != nil {
            throw DomainError(.linkUsed, "This link has already been used. Each link works once; sign in, or ask for a new link.")
        }
        if now >= expiresAt {
            throw DomainError(.linkExpired, "This link has expired. Ask for a new one.")
        }
    }

    /// Whether an unconfirmed registration made at `createdAt` is due for purging.
    public static func isPurgeable(registrationCreatedAt createdAt: Date, now: Date) -> Bool {
        now.timeIntervalSince(createdAt) >= registrationRetention
    }
}
