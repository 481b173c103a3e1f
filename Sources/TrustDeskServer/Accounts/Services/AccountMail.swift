import Foundation

/// The words of every account email. Kept together so that support can read what customers
/// were sent, and so the warnings that rules require (ACC-5) are stated once.
enum AccountMail {
    static let integrationsWarning = """
        Changing your password can break API and SMTP integrations that use it: update the \
        password everywhere it is used in production after you reset it.
        """

    static func signupConfirmation(name: String, link: String) -> (subject: String, body: String) {
        ("Confirm your email address", """
        Hello \(name),

        Confirm your email address to create your TrustDesk account:

        \(link)

        The link works once and expires in 48 hours. Until you confirm, no account exists; if \
        you did not sign up, ignore this email and nothing will be created.
        """)
    }

    static func signupExistingLogin(usernames: [String], signInLink: String) -> (subject: String, body: String) {
        ("You already have a TrustDesk login", """
        Someone (probably you) asked to sign up with this email address, which already has a \
        TrustDesk login: \(usernames.joined(separator: ", ")).

        Sign in at \(signInLink) to use it. A signed-in user can create another account from \
        the console without confirming this address again.
        """)
    }

    static func passwordReset(username: String, link: String) -> (subject: String, body: String) {
        ("Reset your TrustDesk password", """
        Someone asked to reset the password of the TrustDesk login "\(username)".

        Choose a new password here (the link works once and expires in 1 hour):

        \(link)

        \(integrationsWarning)

        If you did not ask for this, ignore this email: your password stays as it is.
        """)
    }

    /// After a reset every session ends; after a change in the console every other one.
    static func passwordChanged(username: String, otherSessionsOnly: Bool) -> (subject: String, body: String) {
        ("Your TrustDesk password was changed", """
        The password of the TrustDesk login "\(username)" was just changed, and every \
        \(otherSessionsOnly ? "other " : "")session of that login was signed out.

        \(integrationsWarning)

        If you did not do this, reset your password now and contact support.
        """)
    }

    static func usernames(_ names: [String], signInLink: String) -> (subject: String, body: String) {
        ("Your TrustDesk username", """
        These TrustDesk usernames are registered to this email address:

        \(names.map { "  - \($0)" }.joined(separator: "\n"))

        Sign in at \(signInLink).
        """)
    }

    static func invitation(accountName: String, inviter: String, role: String, link: String) -> (subject: String, body: String) {
        ("You are invited to \(accountName) on TrustDesk", """
        \(inviter) invited you to join the account "\(accountName)" as \(role).

        Accept the invitation here (the link expires in 7 days):

        \(link)
        """)
    }

    static func twoFactorChanged(username: String, enabled: Bool) -> (subject: String, body: String) {
        ("Two-factor authentication \(enabled ? "enabled" : "disabled")", """
        Two-factor authentication was \(enabled ? "enabled" : "disabled") for the TrustDesk \
        login "\(username)".

        If you did not do this, reset your password now and contact support.
        """)
    }
}
