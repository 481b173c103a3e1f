import Foundation

/// PRV-5: a customer's instruction to delete usage records in a time range completes within 30
/// days (usually minutes), in batches, and its progress can be read.
public enum UsageDeletionRule {
    public static let completionDays = 30
    public static let batchSize = 1_000

    /// The range [from, to), checked: from before to, to not in the future.
    public static func range(from: Date?, to: Date?, now: Date) throws(DomainError) -> (Date, Date) {
        guard let from else { throw DomainError(.invalidParameter, "from: give the start of the range (ISO-8601, UTC).") }
        guard let to else { throw DomainError(.invalidParameter, "to: give the end of the range (ISO-8601, UTC).") }
        guard from < to else { throw DomainError(.invalidParameter, "to: the end of the range must be after its start.") }
        guard to <= now else { throw DomainError(.invalidParameter, "to: the range can't end in the future; usage records of the future don't exist yet.") }
        return (from, to)
    }

    public static func dueBy(requestedAt: Date) -> Date {
        PrivacyCalendar.adding(days: completionDays, to: requestedAt)
    }
}

/// Progress of a deletion, for API and pages.
public enum UsageDeletionStatus: String, Sendable, Codable, CaseIterable {
    case queued
    case running
    /// Waiting for a legal hold's release (PRV-6).
    case onLegalHold = "on_legal_hold"
    case complete
}

/// PRV-8: no children under 13 in the US and UK, 16 in the EEA. A confirmed report leads to
/// prompt removal of the person's data.
public enum UnderAgeRule {
    public static let eea: Set<String> = [
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL",
        "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
    ]

    /// The youngest age allowed to sign up where the person lives.
    public static func minimumAge(country: String?) -> Int {
        guard let code = country?.uppercased() else { return 13 }
        return eea.contains(code) ? 16 : 13
    }

    public static let maximumDetails = 4_000

    public static func details(_ text: String) throws(DomainError) -> String {
        let trimmed = text.trimmingWhitespace()
        guard (10...maximumDetails).contains(trimmed.count) else {
            throw DomainError(.invalidParameter, "details: tell us in 10 to \(maximumDetails) characters why you believe the user is under age.")
        }
        return trimmed
    }
}
