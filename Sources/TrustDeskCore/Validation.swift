/// Checks on what people type into forms and API bodies. Each returns the cleaned value or
/// throws a `DomainError` that names the field and says what is wanted.
public enum Validate {
    public static let passwordMinimum = 10
    public static let passwordMaximum = 128

    public static func password(_ value: String, field: String = "password") throws(DomainError) -> String {
        guard value.count >= passwordMinimum else {
            throw DomainError(.invalidParameter, "\(field): use at least \(passwordMinimum) characters.")
        }
        // bcrypt reads only 72 bytes; a longer limit would let two passwords collide silently.
        guard value.count <= passwordMaximum, value.utf8.count <= 72 else {
            throw DomainError(.invalidParameter, "\(field): use at most 72 bytes (about \(passwordMaximum / 2) characters).")
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw DomainError(.invalidParameter, "\(field): control characters are not allowed.")
        }
        return value
    }

    public static func email(_ value: String, field: String = "email") throws(DomainError) -> String {
        let trimmed = value.trimmingWhitespace().lowercased()
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard trimmed.utf8.count <= 254, parts.count == 2,
              let local = parts.first, let domain = parts.last,
              !local.isEmpty, local.utf8.count <= 64,
              domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains(".."),
              trimmed.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "<" && $0 != ">" && $0 != "\"" && $0 != "," && $0 != ";" }),
              !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else {
            throw DomainError(.invalidParameter, "\(field): enter an email address like name@example.com.")
        }
        return trimmed
    }

    public static func username(_ value: String, field: String = "username") throws(DomainError) -> String {
        let trimmed = value.trimmingWhitespace().lowercased()
        let allowed = trimmed.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "." || $0 == "_" || $0 == "-" }
        guard (3...64).contains(trimmed.count), allowed,
              let first = trimmed.first, first.isLetter || first.isNumber
        else {
            throw DomainError(.invalidParameter, "\(field): use 3 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit.")
        }
        return trimmed
    }

    /// Names people give to accounts, keys and themselves. Any script is fine; control
    /// characters are not, and HTML is stored as typed and escaped when shown.
    public static func displayName(_ value: String, field: String, maximum: Int = 64) throws(DomainError) -> String {
        let trimmed = value.trimmingWhitespace()
        guard !trimmed.isEmpty else {
            throw DomainError(.invalidParameter, "\(field): this can't be empty.")
        }
        guard trimmed.count <= maximum else {
            throw DomainError(.invalidParameter, "\(field): use at most \(maximum) characters.")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw DomainError(.invalidParameter, "\(field): control characters are not allowed.")
        }
        return trimmed
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
