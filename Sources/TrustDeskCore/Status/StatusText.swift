import Foundation

/// What staff type into incidents, maintenances and components. Text is stored as typed and
/// escaped where shown, so HTML in a body shows as text.
public enum StatusText {
    public static let maximumName = 200
    public static let maximumBody = 10_000
    public static let maximumDescription = 500

    public static func name(_ value: String, field: String = "name") throws(DomainError) -> String {
        try Validate.displayName(value, field: field, maximum: maximumName)
    }

    /// An update's body or a reason for outage: required, line breaks kept, at most 10,000
    /// characters.
    public static func body(_ value: String, field: String = "body") throws(DomainError) -> String {
        let trimmed = value.trimmingWhitespace()
        guard !trimmed.isEmpty else {
            throw DomainError(.invalidParameter, "\(field): this can't be empty.")
        }
        guard trimmed.count <= maximumBody else {
            throw DomainError(.invalidParameter, "\(field): use at most \(maximumBody) characters (this has \(trimmed.count)).")
        }
        try noControlCharacters(trimmed, field: field)
        return trimmed
    }

    /// A component's description: optional, one paragraph.
    public static func description(_ value: String, field: String = "description") throws(DomainError) -> String? {
        let trimmed = value.trimmingWhitespace()
        guard !trimmed.isEmpty else { return nil }
        guard trimmed.count <= maximumDescription else {
            throw DomainError(.invalidParameter, "\(field): use at most \(maximumDescription) characters.")
        }
        try noControlCharacters(trimmed, field: field)
        return trimmed
    }

    /// Tabs and line breaks are text; other control characters (NUL above all, which
    /// PostgreSQL refuses to store) are not.
    static func noControlCharacters(_ text: String, field: String) throws(DomainError) {
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !["\n", "\r", "\t"].contains($0) }) {
            throw DomainError(.invalidParameter, "\(field): control characters are not allowed.")
        }
    }

    /// A component's position on the page: 1 to 1,000.
    public static func position(_ value: String, field: String = "position") throws(DomainError) -> Int {
        guard let number = Int(value.trimmingWhitespace()), (1...1_000).contains(number) else {
            throw DomainError(.invalidParameter, "\(field): use a whole number from 1 to 1000.")
        }
        return number
    }
}
