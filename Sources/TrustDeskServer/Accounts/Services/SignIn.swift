import Fluent
import SQLKit
import Foundation
import TrustDeskCore
import Vapor

/// Password and second-factor checks at sign-in, with guess throttling (ACC-8, SEC-2).
struct SignIn {
    let database: any Database
    let now: Date
    let hasher: AsyncPasswordHasher
    var dormancy = DormancyPolicy()

    /// Checks username and password. Every failure reads the same, and an unknown username
    /// costs the same bcrypt work as a known one, so neither the answer nor its timing tells
    /// which usernames exist.
    func checkPassword(username rawUsername: String, password: String, clientAddress: String) async throws -> User {
        let username = rawUsername.trimmingCharacters(in: .whitespaces).lowercased()
        let throttle = Throttle(database: database, now: now)
        let identityKey = "signin:user:\(username)", addressKey = "signin:ip:\(clientAddress)"
        try await throttle.check(identityKey, .signInPerIdentity)
        try await throttle.check(addressKey, .signInPerAddress)

        let user = username.isEmpty ? nil : try await User.query(on: database).filter(\.$username == username).first()
        let matches: Bool
        if let user {
            matches = (try? await hasher.verify(password, created: user.passwordHash)) ?? false
        } else {
            // Hashing costs what verifying would: an unknown username takes as long to refuse.
            _ = try? await hasher.hash(password)
            matches = false
        }
        guard let user, matches, !password.isEmpty else {
            try await throttle.recordFailure(identityKey)
            try await throttle.recordFailure(addressKey)
            throw DomainError(.authenticationFailed, "The username or password is incorrect.")
        }
        // Only after the password matched, so the refusal tells nothing to a guesser (STD-8, STD-9).
        try await StandingGate(database: database, now: now).admitSignIn(user, dormancy: dormancy)
        return user
    }

    /// Checks a TOTP code or a recovery code for `user`. Each TOTP step and each recovery
    /// code works once (ACC-8).
    func checkSecondFactor(user: User, code: String, box: SecretBox) async throws {
        let throttle = Throttle(database: database, now: now)
        let key = "twofactor:\(user.sid)"
        try await throttle.check(key, .twoFactorPerUser)
        if try await accept(user: user, code: code, box: box) { return }
        try await throttle.recordFailure(key)
        throw DomainError(.invalidTwoFactorCode, "That code is not valid. Enter the current 6-digit code from your app, or one of your recovery codes. Each code works once.")
    }

    private func accept(user: User, code: String, box: SecretBox) async throws -> Bool {
        let sql = try database.sql
        if RecoveryCodes.looksLikeRecoveryCode(code) {
            let hash = Secrets.hash(RecoveryCodes.normalize(code))
            guard let stored = try await RecoveryCode.query(on: database)
                .filter(\.$userSID == user.sid).filter(\.$codeHash == hash).filter(\.$usedAt == nil).first(),
                let id = stored.id
            else { return false }
            // Conditional on still being unused, so two requests can't both spend it.
            let spent = try await sql.raw("""
                UPDATE recovery_codes SET used_at = \(bind: now) WHERE id = \(bind: id) AND used_at IS NULL RETURNING id
                """).all()
            return !spent.isEmpty
        }
        guard let sealed = user.totpSecretSealed else { return false }
        let totp = TOTP(secret: try box.open(sealed))
        guard let step = totp.verify(code, at: now, lastUsedStep: user.totpLastStep) else { return false }
        // Only one request, on any node, can move the last used step past this one.
        let claimed = try await sql.raw("""
            UPDATE users SET totp_last_step = \(bind: step)
            WHERE sid = \(bind: user.sid) AND (totp_last_step IS NULL OR totp_last_step < \(bind: step))
            RETURNING sid
            """).all()
        guard !claimed.isEmpty else { return false }
        user.totpLastStep = step
        return true
    }
}
