/// One-time recovery codes for two-factor sign-in (ACC-8). Shown once when two-factor is
/// enrolled; stored only as hashes; each works once.
public enum RecoveryCodes {
    public static let count = 10
    /// No 0/o, 1/l/i: people copy these from paper.
    private static let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")

    public static func generate() -> [String] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let chars = (0..<10).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            return String(chars[0..<5]) + "-" + String(chars[5..<10])
        }
    }

    /// The canonical form that is hashed: lowercase, no separators or spaces.
    public static func normalize(_ input: String) -> String {
        String(input.lowercased().filter { $0.isLetter || $0.isNumber })
    }

    /// True when the input has the shape of a recovery code (so the sign-in form can tell it
    /// from a 6-digit TOTP code).
    public static func looksLikeRecoveryCode(_ input: String) -> Bool {
        let normalized = normalize(input)
        return normalized.count == 10 && normalized.allSatisfy { alphabet.contains($0) }
    }
}
