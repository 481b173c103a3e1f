/// The two-letter prefixes of TrustDesk object identifiers (ACC-1).
public enum SIDPrefix: String, CaseIterable, Sendable, Codable {
    case account = "AC"
    case smsMessage = "SM"
    case mmsMessage = "MM"
    case call = "CA"
    case apiKey = "SK"
    case user = "US"
    case room = "RM"
    case recording = "RT"
    case composition = "CJ"
    case participant = "PA"
    case mediaTrack = "MT"
    case task = "WT"
    case chatChannel = "CH"
    /// A staff member's personal API key (the staff JSON API, `/v1/Staff/...`).
    case staffAPIKey = "SA"
}

/// A validated SID: a two-letter prefix and 32 lowercase hex digits (ACC-1).
///
/// Every SID that enters the system from outside goes through `SID(parsing:expecting:)`, so
/// code that holds a `SID` never has to re-check its shape.
public struct SID: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public static let hexLength = 32
    public static let length = 2 + hexLength

    public let prefix: SIDPrefix
    public let rawValue: String

    public var description: String { rawValue }

    /// Parses `text` as a SID with one of the `expected` prefixes.
    public init(parsing text: String, expecting expected: Set<SIDPrefix>) throws(SIDError) {
        guard text.utf8.count == Self.length else {
            throw .malformed(text: Self.excerpt(text), reason: "a SID is 34 characters: a 2-letter prefix and 32 lowercase hex digits")
        }
        let prefixText = String(text.prefix(2))
        guard let prefix = SIDPrefix(rawValue: prefixText) else {
            throw .malformed(text: Self.excerpt(text), reason: "unknown SID prefix \"\(Self.excerpt(prefixText))\"")
        }
        guard expected.contains(prefix) else {
            let names = expected.map(\.rawValue).sorted().joined(separator: " or ")
            throw .wrongPrefix(text: Self.excerpt(text), expected: names)
        }
        guard text.utf8.dropFirst(2).allSatisfy(Self.isLowerHex) else {
            throw .malformed(text: Self.excerpt(text), reason: "after the prefix a SID has only lowercase hex digits (0-9, a-f)")
        }
        self.prefix = prefix
        self.rawValue = text
    }

    public init(parsing text: String, expecting expected: SIDPrefix) throws(SIDError) {
        try self.init(parsing: text, expecting: [expected])
    }

    /// A new random SID. The generator is a parameter so tests can be deterministic; the
    /// server passes the system CSPRNG.
    public static func generate<G: RandomNumberGenerator>(_ prefix: SIDPrefix, using generator: inout G) -> SID {
        let digits = Array("0123456789abcdef")
        var text = prefix.rawValue
        for _ in 0..<hexLength {
            text.append(digits[Int(generator.next() % 16)])
        }
        return SID(unchecked: text, prefix: prefix)
    }

    public static func generate(_ prefix: SIDPrefix) -> SID {
        var generator = SystemRandomNumberGenerator()
        return generate(prefix, using: &generator)
    }

    private init(unchecked: String, prefix: SIDPrefix) {
        self.rawValue = unchecked
        self.prefix = prefix
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(parsing: text, expecting: Set(SIDPrefix.allCases))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: SID, rhs: SID) -> Bool { lhs.rawValue < rhs.rawValue }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
    }

    /// Error messages quote what was sent, but never more than a screenful of it.
    private static func excerpt(_ text: String) -> String {
        text.count > 40 ? String(text.prefix(40)) + "…" : text
    }
}

public enum SIDError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(text: String, reason: String)
    case wrongPrefix(text: String, expected: String)

    public var description: String {
        switch self {
        case let .malformed(text, reason): "\"\(text)\" is not a valid SID: \(reason)."
        case let .wrongPrefix(text, expected): "\"\(text)\" is not a valid SID here: expected a SID starting with \(expected)."
        }
    }
}
