import Foundation

/// A ticket's staff tags (issue 11): short lower-case words staff file tickets under, like
/// `billing` or `carrier-outage`. Staff type them as one list; what is stored is that list
/// folded to lower case, without repeats, in the order typed. A tag is 1 to
/// `maximumLength` letters `a-z`, digits, `-` or `_`, starting with a letter or digit; a
/// ticket has at most `maximumCount`. Tags the desk sets itself (`consumer_trust`, the
/// Consumer Trust topic) follow the same shape, so staff can keep or remove them alike.
public struct TicketTags: Sendable, Equatable {
    public static let maximumLength = 32
    public static let maximumCount = 10

    /// The tags, in the order they were typed.
    public let values: [String]

    /// Tags as stored (space-separated). Stored text is not checked again: it was checked
    /// when written, and rows written before tags were editable must still show.
    public init(stored: String) {
        values = stored.split(whereSeparator: \.isWhitespace).map(String.init)
    }

    /// What staff typed: tags separated by spaces or commas. Every bad tag is named in the
    /// one error, so the field says all that is wrong at once.
    public static func parse(_ typed: String, field: String = "tags") throws(DomainError) -> TicketTags {
        var values: [String] = []
        var bad: [String] = []
        for word in typed.split(whereSeparator: { $0.isWhitespace || $0 == "," }) {
            let tag = word.lowercased()
            guard isWellFormed(tag) else {
                bad.append(String(word.unicodeScalars.filter { !$0.properties.isWhitespace && $0.properties.generalCategory != .control }.prefix(40)))
                continue
            }
            if !values.contains(tag) { values.append(tag) }
        }
        if !bad.isEmpty {
            let named = bad.prefix(3).map { "\"\($0)\"" }.joined(separator: ", ")
            throw DomainError(.invalidParameter, "\(field): \(named) \(bad.count == 1 ? "is not a tag" : "are not tags"); "
                + "use 1 to \(maximumLength) letters a-z, digits, - or _, starting with a letter or digit.")
        }
        guard values.count <= maximumCount else {
            throw DomainError(.invalidParameter, "\(field): a ticket has at most \(maximumCount) tags; \(values.count) were given.")
        }
        return TicketTags(values: values)
    }

    private init(values: [String]) {
        self.values = values
    }

    public var stored: String { values.joined(separator: " ") }

    /// What changed from `old` to these tags, for the ticket's history; nil when nothing did.
    public func change(from old: TicketTags) -> String? {
        let added = values.filter { !old.values.contains($0) }
        let removed = old.values.filter { !values.contains($0) }
        guard !added.isEmpty || !removed.isEmpty else { return nil }
        var parts: [String] = []
        if !added.isEmpty { parts.append("added \(added.joined(separator: ", "))") }
        if !removed.isEmpty { parts.append("removed \(removed.joined(separator: ", "))") }
        return "Tags " + parts.joined(separator: "; ") + "."
    }

    static func isWellFormed(_ tag: String) -> Bool {
        guard (1...maximumLength).contains(tag.unicodeScalars.count), let first = tag.unicodeScalars.first, isLetterOrDigit(first) else { return false }
        return tag.unicodeScalars.allSatisfy { isLetterOrDigit($0) || $0 == "-" || $0 == "_" }
    }

    private static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
