import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), as
/// every authenticator app implements them (ACC-8).
public struct TOTP: Sendable {
    public static let stepSeconds: Int64 = 30
    public static let digits = 6
    /// Steps accepted either side of now, for phones whose clocks drift.
    public static let allowedDrift: Int64 = 1

    public let secret: [UInt8]

    public init(secret: [UInt8]) {
        self.secret = secret
    }

    /// A fresh 160-bit secret, the size RFC 4226 recommends for HMAC-SHA1.
    public static func generateSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    public static func step(at date: Date) -> Int64 {
        Int64(floor(date.timeIntervalSince1970)) / stepSeconds
    }

    public func code(atStep step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let truncated = (UInt32(mac[offset] & 0x7F) << 24)
            | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        let value = truncated % 1_000_000
        let text = String(value)
        return String(repeating: "0", count: Self.digits - text.count) + text
    }

    public func code(at date: Date) -> String { code(atStep: Self.step(at: date)) }

    /// Checks `candidate` against the steps around `now` and returns the matching step.
    ///
    /// A code is accepted once only: the caller stores the returned step and passes it back
    /// as `lastUsedStep`, and no step at or before it is accepted again. That also rejects an
    /// older code after a newer one was used, which closes the replay window entirely.
    public func verify(_ candidate: String, at now: Date, lastUsedStep: Int64?) -> Int64? {
        let cleaned = candidate.filter { !$0.isWhitespace }
        guard cleaned.count == Self.digits, cleaned.allSatisfy(\.isASCII), cleaned.allSatisfy(\.isNumber) else { return nil }
        let current = Self.step(at: now)
        for step in (current - Self.allowedDrift)...(current + Self.allowedDrift) {
            if let last = lastUsedStep, step <= last { continue }
            if constantTimeEquals(code(atStep: step), cleaned) { return step }
        }
        return nil
    }

    /// The `otpauth://` URI that authenticator apps import.
    public func provisioningURI(issuer: String, account: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let label = "\(issuer):\(account)".addingPercentEncoding(withAllowedCharacters: allowed) ?? account
        let issuerParam = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? issuer
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(issuerParam)&algorithm=SHA1&digits=6&period=30"
    }
}

/// Compares two strings in time that depends only on their length.
public func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
    guard lhs.utf8.count == rhs.utf8.count else { return false }
    var difference: UInt8 = 0
    for (a, b) in zip(lhs.utf8, rhs.utf8) { difference |= a ^ b }
    return difference == 0
}
