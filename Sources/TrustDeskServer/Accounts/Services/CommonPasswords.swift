import Foundation
import TrustDeskCore
import Vapor

/// The password policy with the list of common passwords that ships in
/// `Resources/passwords/common-passwords.txt` (source and licence in its header and in
/// docs/security.md). Read once per process; `configure` fails fast if the list is missing.
enum CommonPasswords {
    static let path = Resources.root + "passwords/common-passwords.txt"

    private static let shipped: PasswordPolicy? = (try? String(contentsOfFile: path, encoding: .utf8)).map(PasswordPolicy.init(commonList:))

    static func policy() throws -> PasswordPolicy {
        guard let shipped, shipped.commonCount > 0 else {
            throw DomainError(.internalError, "The list of common passwords is missing from \(path); reinstall TrustDesk.")
        }
        return shipped
    }
}

extension Application {
    private struct PasswordPolicyKey: StorageKey { typealias Value = PasswordPolicy }

    /// What new passwords must not be (NIST SP 800-63B); set by `configure`.
    var passwordPolicy: PasswordPolicy {
        get {
            guard let policy = storage[PasswordPolicyKey.self] else {
                preconditionFailure("configure(_:) sets the password policy before the app serves requests")
            }
            return policy
        }
        set { storage[PasswordPolicyKey.self] = newValue }
    }
}

extension Request {
    var passwordPolicy: PasswordPolicy { application.passwordPolicy }
}
