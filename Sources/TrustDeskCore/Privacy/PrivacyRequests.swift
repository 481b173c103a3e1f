import Foundation

/// What a person may ask of their data (PRV-2, PRV-3, PRV-5).
public enum PrivacyRequestType: String, CaseIterable, Sendable, Codable {
    case access
    case export
    case correction
    case deletion
    case restriction
    case usageDeletion = "usage_deletion"

    public var title: String {
        switch self {
        case .access: "See what is held"
        case .export: "Export (download a zip)"
        case .correction: "Correct account data"
        case .deletion: "Delete my data"
        case .restriction: "Restrict use"
        case .usageDeletion: "Delete usage records"
        }
    }

    public static func parse(_ text: String, field: String = "type") throws(DomainError) -> PrivacyRequestType {
        guard let type = PrivacyRequestType(rawValue: text.trimmingWhitespace().lowercased()) else {
            throw DomainError(.invalidParameter, "\(field): use one of \(allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return type
    }
}

/// A request's status, named as Fides names them (PRV-3).
public enum PrivacyRequestStatus: String, CaseIterable, Sendable, Codable {
    case identityUnverified = "identity_unverified"
    case pending
    case inProcessing = "in_processing"
    case complete
    case denied
    case canceled
    case error

    public var isOpen: Bool { [.identityUnverified, .pending, .inProcessing, .error].contains(self) }

    public var title: String {
        switch self {
        case .identityUnverified: "Waiting for email verification"
        case .pending: "Received"
        case .inProcessing: "In progress"
        case .complete: "Complete"
        case .denied: "Denied"
        case .canceled: "Canceled"
        case .error: "Failed, being retried"
        }
    }

    /// The statuses a request may move to from this one.
    public var next: Set<PrivacyRequestStatus> {
        switch self {
        case .identityUnverified: [.pending, .canceled]
        case .pending: [.inProcessing, .complete, .denied, .canceled]
        case .inProcessing: [.complete, .error, .denied]
        case .error: [.inProcessing, .complete, .denied]
        case .complete, .denied, .canceled: []
        }
    }

    public func move(to target: PrivacyRequestStatus) throws(DomainError) -> PrivacyRequestStatus {
        guard next.contains(target) else {
            throw DomainError(.conflict, "A \(rawValue) privacy request can't become \(target.rawValue).")
        }
        return target
    }
}

/// Due dates of privacy requests (PRV-3). Answered within 30 days, but never later than one
/// calendar month after receipt (GDPR Art. 12(3)): a request of 31 January is due on 28
/// February (29 in a leap year). One extension, with a reason, told before the due date: at
/// most 60 more days and never past three calendar months from receipt (GDPR: two further
/// months; CCPA: 45 + 45 days).
public enum PrivacyDeadline {
    public static let days = 30
    public static let extensionDays = 60
    public static let minimumReason = 10
    public static let maximumReason = 2_000

    public static func due(receivedAt: Date) -> Date {
        min(PrivacyCalendar.adding(days: days, to: receivedAt), PrivacyCalendar.adding(months: 1, to: receivedAt))
    }

    /// The latest an extension may move the due date to.
    public static func latestExtension(receivedAt: Date, dueAt: Date) -> Date {
        min(PrivacyCalendar.adding(days: extensionDays, to: dueAt), PrivacyCalendar.adding(months: 3, to: receivedAt))
    }

    /// Checks an extension and returns the new due date and the trimmed reason.
    public static func extend(receivedAt: Date, dueAt: Date, extendedTo: Date?, to requested: Date, reason: String, now: Date) throws(DomainError) -> (Date, String) {
        guard extendedTo == nil else {
            throw DomainError(.privacyExtensionUsed, "This request was already extended once; it can't be extended again.")
        }
        let trimmed = reason.trimmingWhitespace()
        guard (minimumReason...maximumReason).contains(trimmed.count) else {
            throw DomainError(.invalidParameter, "reason: say why more time is needed, in \(minimumReason) to \(maximumReason) characters; the requester is told.")
        }
        guard now < dueAt else {
            throw DomainError(.invalidParameter, "extend_to: an extension must be told before the due date (\(iso(dueAt))), which has passed.")
        }
        let latest = latestExtension(receivedAt: receivedAt, dueAt: dueAt)
        guard requested > dueAt, requested <= latest else {
            throw DomainError(.invalidParameter, "extend_to: choose a date after \(iso(dueAt)) and no later than \(iso(latest)).")
        }
        return (requested, trimmed)
    }

    /// The date that counts: the extended one when there is one.
    public static func effectiveDue(dueAt: Date, extendedTo: Date?) -> Date { extendedTo ?? dueAt }

    public static func isOverdue(dueAt: Date, extendedTo: Date?, status: PrivacyRequestStatus, now: Date) -> Bool {
        status.isOpen && status != .identityUnverified && now > effectiveDue(dueAt: dueAt, extendedTo: extendedTo)
    }

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }
}

/// Email verification of requests made without signing in (PRV-3): a mailed link that lives an
/// hour, works once, and tolerates three wrong tries before the request is canceled
/// (Fides' `identity_verification_attempt_limit`).
public enum PrivacyVerification {
    public static let linkLifetime: TimeInterval = 3600
    public static let attemptLimit = 3
    /// Fides' default download TTL: an export link lives 5 days (432,000 s) and works once.
    public static let exportLinkLifetime: TimeInterval = 432_000

    /// Decides a verification attempt. `tokenMatches` is whether the link's secret is right.
    public static func check(tokenMatches: Bool, attempts: Int, expiresAt: Date, verifiedAt: Date?, now: Date) throws(DomainError) {
        if verifiedAt != nil || attempts >= attemptLimit {
            throw DomainError(.linkUsed, "This verification link was already used or tried too often. Make the request again for a new link.")
        }
        guard tokenMatches else {
            throw DomainError(.linkExpired, "This verification link is not valid. Use the newest link we mailed, or make the request again.")
        }
        if now >= expiresAt {
            throw DomainError(.linkExpired, "This verification link has expired (links live an hour). Make the request again.")
        }
    }
}

/// Which requests may be open at once.
public enum PrivacyRequestRules {
    /// A second open deletion request of the same subject adds nothing but confusion (23001).
    public static func checkNoOpenDeletion(type: PrivacyRequestType, openTypes: [PrivacyRequestType]) throws(DomainError) {
        guard type == .deletion, openTypes.contains(.deletion) else { return }
        throw DomainError(.privacyRequestOpen, "A deletion request is already open for this data; follow its progress instead of asking again.")
    }
}
