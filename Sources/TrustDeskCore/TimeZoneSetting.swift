import Foundation

/// A person's time zone for reading times (issue 11): an IANA name from the list the system
/// knows, or none to follow the default, UTC (no organisation stores a zone of its own yet).
/// A name that is not on the list is refused with 20030: a mistyped zone never quietly
/// becomes GMT.
public enum TimeZoneSetting {
    public static let utc = "UTC"

    /// Every name a person may choose, sorted: the IANA zones the system knows, and UTC.
    public static let choices: [String] = Set(TimeZone.knownTimeZoneIdentifiers + [utc]).sorted()

    private static let known = Set(choices)

    /// What a person chose, as typed: empty is "follow the default" (nil); a known name is that
    /// name; anything else is 20030, attributed to `field`.
    public static func parse(_ text: String, field: String = "time_zone") throws(DomainError) -> String? {
        let name = text.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return nil }
        guard known.contains(name) else {
            throw DomainError(.unknownTimeZone, "\(field): \"\(name.prefix(64))\" is not a time zone we know; choose one from the list, such as Europe/Paris or America/New_York.")
        }
        return name
    }

    /// The zone times are shown in: the person's own, else UTC. Stored names went through
    /// `parse`; one the system no longer knows (an updated zone database) reads as UTC, which
    /// every time on the page then says.
    public static func effective(own: String?) -> TimeZone {
        guard let own, known.contains(own), let zone = TimeZone(identifier: own) else { return utcZone }
        return zone
    }

    public static let utcZone = TimeZone(identifier: utc) ?? TimeZone(secondsFromGMT: 0) ?? .current
}
