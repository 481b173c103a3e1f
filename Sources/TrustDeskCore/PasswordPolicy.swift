import Foundation

/// Who a password belongs to: the words an attacker tries first against that person
/// (NIST SP 800-63B 3.1.1.2, "context-specific words").
public struct PasswordContext: Sendable, Equatable {
    public var fullName: String
    public var email: String
    public var username: String
    /// Anything else the form knows, such as the account name typed at sign-up.
    public var other: [String]

    public init(fullName: String = "", email: String = "", username: String = "", other: [String] = []) {
        self.fullName = fullName
        self.email = email
        self.username = username
        self.other = other
    }
}

/// What a new password must not be (NIST SP 800-63B): besides `Validate.password`'s length
/// and character rules, not one of the most common passwords (also with a little padding, like
/// `password2024!`), not trivially repetitive or sequential (`aaaaaaaaaa`, `1234abcd`,
/// `qwertyuiop`), and not built from the person's own name, email address or username, or
/// from the product's name. The list of common passwords is given, not read: the server
/// loads the one it ships (see docs/security.md for its source and licence).
public struct PasswordPolicy: Sendable {
    /// The product's own name: the first word tried against its users.
    public static let productWords = ["trustdesk"]

    /// Lowercased common passwords.
    let common: Set<String>

    public init(common: some Sequence<String>) {
        self.common = Set(common.map { $0.lowercased() })
    }

    /// A list with one password per line; empty lines and lines starting with `#` (the
    /// header that names the list's source and licence) are skipped.
    public init(commonList text: String) {
        self.init(common: text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }

    public var commonCount: Int { common.count }

    /// Returns `password` unchanged when it may be used, else throws a 20001 naming `field`.
    public func check(_ password: String, field: String = "password", context: PasswordContext) throws(DomainError) -> String {
        let value = try Validate.password(password, field: field)
        let lowered = value.lowercased()
        if common.contains(lowered) || isCommonWithPadding(lowered) {
            throw DomainError(.invalidParameter, "\(field): this is one of the most commonly used passwords, so it is among the first an attacker tries. Choose another; a few unrelated words make a strong password.")
        }
        if Self.isTrivial(lowered) {
            throw DomainError(.invalidParameter, "\(field): repeated or sequential characters (like aaaaaaaaaa, abcabcabc or 1234abcd) are easy to guess. Choose another.")
        }
        if isBuilt(fromContext: lowered, context) {
            throw DomainError(.invalidParameter, "\(field): don't build your password from your name, email address, username or the product's name. Choose another.")
        }
        return value
    }

    // MARK: Rules

    /// A common password with only digits and symbols around it, where the padding is itself
    /// easy to guess: short, a year, repeated or sequential (`monkey123456`, `!dragon!`).
    func isCommonWithPadding(_ lowered: String) -> Bool {
        let characters = Array(lowered)
        let isPadding: (Character) -> Bool = { !$0.isLetter }
        guard let first = characters.firstIndex(where: { !isPadding($0) }),
              let last = characters.lastIndex(where: { !isPadding($0) }) else { return false }
        let core = String(characters[first...last])
        let padding = String(characters[..<first]) + String(characters[(last + 1)...])
        guard !padding.isEmpty, core.count >= 3, common.contains(core) else { return false }
        return padding.count <= 4 || Self.isTrivial(padding) || Self.withoutYear(padding).map { $0.count <= 2 } == true
    }

    /// `text` without its first year from 1900 to 2099 (`2024!` -> `!`), or nil without one.
    static func withoutYear(_ text: String) -> String? {
        let characters = Array(text)
        guard characters.count >= 4 else { return nil }
        for start in 0...(characters.count - 4) {
            let four = characters[start..<start + 4]
            guard four.allSatisfy(\.isASCIIDigit), ["19", "20"].contains(String(four.prefix(2))) else { continue }
            return String(characters[..<start]) + String(characters[(start + 4)...])
        }
        return nil
    }

    /// Repetition of a short unit (`abcabcabc`), three or fewer distinct characters, or a walk
    /// along the alphabet, the digits or a keyboard row with at most one jump (`1234abcd`).
    static func isTrivial(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 2 else { return true }
        if Set(scalars).count <= 3 { return true }
        for period in 1...(scalars.count / 2) where (0..<scalars.count).allSatisfy({ scalars[$0] == scalars[$0 % period] }) {
            return true
        }
        var jumps = 0
        for index in 1..<scalars.count where !isStep(from: scalars[index - 1], to: scalars[index]) {
            jumps += 1
            if jumps > 1 { return false }
        }
        return true
    }

    static let keyboardRows = ["`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./"].map { Array($0.unicodeScalars) }

    /// The same character, or the next or previous one in the alphabet, the digits or a row
    /// of the keyboard.
    static func isStep(from a: Unicode.Scalar, to b: Unicode.Scalar) -> Bool {
        let distance = Int(b.value) - Int(a.value)
        let sameKind = (a.properties.isAlphabetic && b.properties.isAlphabetic) || (("0"..."9").contains(a) && ("0"..."9").contains(b))
        if distance == 0 || (sameKind && abs(distance) == 1) { return true }
        for row in keyboardRows {
            if let i = row.firstIndex(of: a), let j = row.firstIndex(of: b), abs(i - j) == 1 { return true }
        }
        return false
    }

    /// The password contains a word of the person's own (or the product's name) and what is
    /// left beside it is easy to guess: short, common, repeated or sequential.
    func isBuilt(fromContext lowered: String, _ context: PasswordContext) -> Bool {
        let password = Self.alphanumerics(lowered)
        for word in Self.words(of: context) where password.contains(word) {
            guard let range = password.range(of: word) else { continue }
            var rest = password
            rest.removeSubrange(range)
            if rest.count < 6 || common.contains(rest) || Self.isTrivial(rest) || password.count - rest.count >= password.count / 2 { return true }
        }
        return false
    }

    /// The context's words worth guessing with: the whole name, username and email address,
    /// each part of them of four or more characters, and the product's name.
    static func words(of context: PasswordContext) -> Set<String> {
        var words = Set(productWords)
        let email = context.email.lowercased()
        let local = email.split(separator: "@").first.map(String.init) ?? ""
        let domainLabels = email.split(separator: "@").dropFirst().first.map { $0.split(separator: ".").dropLast().map(String.init) } ?? []
        for text in [context.fullName, context.username, local, email] + domainLabels + context.other {
            let lowered = text.lowercased()
            words.insert(alphanumerics(lowered))
            for part in lowered.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) { words.insert(String(part)) }
        }
        return words.filter { $0.count >= 4 }
    }

    static func alphanumerics(_ text: String) -> String {
        String(text.filter { $0.isLetter || $0.isNumber })
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
