import Crypto
import Foundation

/// The Reply-To address of ticket mail (SUP-2): `support+{number}.{mac}@{domain}`. The MAC
/// binds the number to this server's key, so a reply lands on its ticket and nobody can post
/// to another ticket by changing the number.
public struct ReplyToken: Sendable {
    private let key: SymmetricKey
    public let domain: String
    public static let localPart = "support"
    static let macLength = 16

    public init(keyMaterial: String, domain: String) {
        // Derived, so the token key is never the raw secret it comes from.
        self.key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data("trustdesk-reply-token-v1".utf8), using: SymmetricKey(data: Data(keyMaterial.utf8))))
        self.domain = domain.lowercased()
    }

    func mac(_ number: Int) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data("ticket:\(number)".utf8), using: key)
        return code.prefix(Self.macLength / 2).map { String(format: "%02x", $0) }.joined()
    }

    public func address(for number: Int) -> String {
        "\(Self.localPart)+\(number).\(mac(number))@\(domain)"
    }

    /// The ticket number an address names, when its MAC is right and it is at our domain.
    public func ticket(in address: String) -> Int? {
        let lowered = address.lowercased()
        guard let at = lowered.lastIndex(of: "@"), lowered[lowered.index(after: at)...] == domain else { return nil }
        let local = lowered[..<at]
        guard local.hasPrefix(Self.localPart + "+") else { return nil }
        let token = local.dropFirst(Self.localPart.count + 1).split(separator: ".", omittingEmptySubsequences: false)
        guard token.count == 2, let number = Int(token[0]), number > 0, token[1].count == Self.macLength else { return nil }
        // Constant-time comparison: the MAC is a secret to guess.
        let expected = Array(mac(number).utf8)
        let given = Array(token[1].utf8)
        guard expected.count == given.count else { return nil }
        var difference: UInt8 = 0
        for (left, right) in zip(expected, given) { difference |= left ^ right }
        return difference == 0 ? number : nil
    }
}
