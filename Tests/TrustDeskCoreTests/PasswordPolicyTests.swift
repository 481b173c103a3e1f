import Foundation
import Testing
@testable import TrustDeskCore

@Suite("Passwords that are easy to guess are refused (NIST SP 800-63B)")
struct PasswordPolicyTests {
    /// The list the server ships, read from the repository.
    static let shipped: PasswordPolicy = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/TrustDeskServer/Resources/passwords/common-passwords.txt")
        return PasswordPolicy(commonList: (try? String(contentsOf: url, encoding: .utf8)) ?? "")
    }()

    let ines = PasswordContext(fullName: "Ines Alvarez", email: "ines.alvarez@example.com", username: "ialvarez", other: ["Alvarez Logistics"])

    func refusal(_ password: String, _ context: PasswordContext = PasswordContext()) -> String? {
        do {
            _ = try Self.shipped.check(password, context: context)
            return nil
        } catch {
            #expect(error.code == .invalidParameter)
            #expect(error.field == "password")
            return error.detail
        }
    }

    @Test("The shipped list holds the 30,000 most common passwords, with its source and licence in the header")
    func shippedList() throws {
        #expect(Self.shipped.commonCount > 29_000)
        #expect(Self.shipped.common.contains("password"))
        #expect(Self.shipped.common.contains("1q2w3e4r5t"))
        #expect(!Self.shipped.common.contains { $0.hasPrefix("#") })
    }

    @Test("Common passwords are refused, whatever their case", arguments: ["password1234", "PASSWORD1234", "qwertyuiop", "1q2w3e4r5t", "1234567890", "iloveyou12", "Password12"])
    func common(password: String) {
        #expect(refusal(password)?.contains("most commonly used") == true, "\(password)")
    }

    @Test("A common password with easily guessed padding is refused", arguments: ["dragon2024!", "!!monkey!!", "sunshine123456", "football0000", "shadow98765", "1letmein1!"])
    func paddedCommon(password: String) {
        #expect(refusal(password)?.contains("most commonly used") == true, "\(password)")
    }

    @Test("Repeated and sequential characters are refused", arguments: [
        "aaaaaaaaaa", "ababababab", "abcabcabcabc", "passpasspass", "1111122222", "abcdefghij", "9876543210", "1234abcdef", "zyxwvutsrq",
        "asdfghjkl;", "qwerty1234", "xxxxxxxxxxy", "0000000000000000",
    ])
    func trivial(password: String) {
        #expect(refusal(password) != nil, "\(password)")
    }

    @Test("The person's own name, email, username, account name and the product's name are refused as the heart of a password", arguments: [
        "ialvarez2024", "Ines.Alvarez!", "alvarez-alvarez", "ines.alvarez@example.com", "ialvarez-1234", "AlvarezLogistics", "trustdesk2026!", "TrustDesk-Login",
    ])
    func context(password: String) {
        #expect(refusal(password, ines) != nil, "\(password)")
    }

    @Test("Strong passwords pass, also those that mention a short piece of context among other words", arguments: [
        "correct-horse-battery", "demo-password-2026", "Tr0ub4dor&3-lantern", "vivid tangerine orbit", "x7#Qm2!vLp9@", "ines likes quiet orange kettles",
    ])
    func strong(password: String) throws {
        #expect(refusal(password, ines) == nil, "\(password)")
        #expect(try Self.shipped.check(password, context: ines) == password)
    }

    @Test("Length and character rules still come first")
    func structure() {
        #expect(refusal("short")?.contains("at least 10") == true)
        #expect(refusal(String(repeating: "é", count: 40))?.contains("72 bytes") == true)
        #expect(refusal("abcdefghij\u{0}kz") != nil)
    }

    @Test("The field name is the one the form uses")
    func field() {
        #expect(throws: DomainError(.invalidParameter, "new_password: repeated or sequential characters (like aaaaaaaaaa, abcabcabc or 1234abcd) are easy to guess. Choose another.")) {
            try Self.shipped.check("aaaaaaaaaa", field: "new_password", context: PasswordContext())
        }
    }
}
