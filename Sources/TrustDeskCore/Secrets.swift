import Crypto
import Foundation

/// The kinds of secret TrustDesk hands out. Each has a fixed prefix so that secret scanners
/// (and people) can recognise a leaked one; the rest is random.
public enum SecretKind: String, Sendable, CaseIterable {
    /// Account auth token (ACC-7).
    case authToken = "tdat_"
    /// API key secret (ACC-7).
    case apiKeySecret = "tdks_"
    /// Staff API key secret (`/v1/Staff/...`).
    case staffKeySecret = "tdsa_"
    /// Browser session cookie.
    case session = "tdss_"
    /// Single-use emailed link (confirmation, reset, invitation).
    case link = "tdln_"

    /// Random characters after the prefix: 32 from a 62-letter alphabet is ~190 bits.
    public static let randomLength = 32
}

public enum Secrets {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    public static func generate(_ kind: SecretKind) -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(kind, using: &generator)
    }

    public static func generate<G: RandomNumberGenerator>(_ kind: SecretKind, using generator: inout G) -> String {
        var text = kind.rawValue
        for _ in 0..<SecretKind.randomLength {
            // Rejection sampling keeps every letter equally likely.
            var value: UInt8
            repeat { value = UInt8.random(in: .min ... .max, using: &generator) } while value >= 248
            text.append(alphabet[Int(value) % alphabet.count])
        }
        return text
    }

    /// True when `text` has the shape of a secret of `kind` (prefix and length).
    public static func matchesFormat(_ text: String, kind: SecretKind) -> Bool {
        text.hasPrefix(kind.rawValue)
            && text.utf8.count == kind.rawValue.utf8.count + SecretKind.randomLength
            && text.dropFirst(kind.rawValue.count).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// The stored form of a high-entropy secret (SEC-1). SHA-256 is right here and bcrypt
    /// would not be: these secrets are random, not chosen by people, so there is nothing
    /// for a slow hash to protect, and API authentication must stay fast.
    public static func hash(_ secret: String) -> String {
        Hex.encode(SHA256.hash(data: Data(secret.utf8)))
    }

    /// A short, safe-to-show hint of a secret: its last four characters.
    public static func hint(_ secret: String) -> String {
        "…" + secret.suffix(4)
    }
}
