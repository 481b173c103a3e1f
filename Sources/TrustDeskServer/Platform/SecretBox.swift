import Crypto
import Foundation
import TrustDeskCore

/// Seals small secrets kept at rest (TOTP seeds) with ChaChaPoly under the server key, so a
/// copy of the database alone does not let anyone compute sign-in codes.
struct SecretBox: Sendable {
    private let key: SymmetricKey

    init(passphrase: String) {
        self.key = SymmetricKey(data: SHA256.hash(data: Data(passphrase.utf8)))
    }

    func seal(_ plaintext: [UInt8]) throws -> String {
        try ChaChaPoly.seal(plaintext, using: key).combined.base64EncodedString()
    }

    func open(_ sealed: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: sealed) else { throw SecretBoxError.malformed }
        return Array(try ChaChaPoly.open(ChaChaPoly.SealedBox(combined: data), using: key))
    }

    /// A keyed hash of `text` (hex HMAC-SHA256): tokens that prove they came from this server
    /// without being stored, such as one-click unsubscribe links (PRV-7).
    func mac(_ text: String) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key))
    }

    /// A keyed hash of a short secret (a phone PIN), for finding it under a unique index: the
    /// same value always gives the same hash under this server key, and a copy of the database
    /// alone can't be searched by hashing every possible PIN. Each `purpose` has its own key.
    func lookupHash(_ value: String, purpose: String) -> String {
        lookupKey(purpose: purpose).hash(value)
    }

    /// The key `lookupHash` uses for `purpose`, derived once for callers that hash many values
    /// (the support line hashes a PIN and a caller on every call).
    func lookupKey(purpose: String) -> LookupKey {
        LookupKey(key: SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data("lookup:\(purpose)".utf8), using: key)))
    }

    struct LookupKey: Sendable {
        fileprivate let key: SymmetricKey

        /// The same hash as `SecretBox.lookupHash(value, purpose:)` for this key's purpose.
        func hash(_ value: String) -> String {
            Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: key))
        }
    }

    enum SecretBoxError: Error { case malformed }

    /// The key from TRUSTDESK_SECRET_KEY, or else one generated once and kept in the data
    /// folder. Nodes that share a database must share the key: set the variable for them.
    static func load(configured: String?, dataDirectory: String) throws -> SecretBox {
        if let configured { return SecretBox(passphrase: configured) }
        let path = (dataDirectory as NSString).appendingPathComponent("secret.key")
        if let existing = try? String(contentsOfFile: path, encoding: .utf8), existing.count >= 32 {
            return SecretBox(passphrase: existing.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        var generator = SystemRandomNumberGenerator()
        let fresh = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
        try fresh.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        return SecretBox(passphrase: fresh)
    }
}
