import Fluent
import Foundation
import TrustDeskCore

/// Enrolling and removing TOTP two-factor authentication (ACC-8).
struct TwoFactor {
    let database: any Database
    let now: Date
    let box: SecretBox

    /// Starts enrolment: a new secret is kept as pending until a code proves the app has it.
    func start(for user: User) async throws -> TOTP {
        let secret = TOTP.generateSecret()
        user.totpPendingSecretSealed = try box.seal(secret)
        user.updatedAt = now
        try await user.save(on: database)
        return TOTP(secret: secret)
    }

    func pending(for user: User) throws -> TOTP? {
        guard let sealed = user.totpPendingSecretSealed else { return nil }
        return TOTP(secret: try box.open(sealed))
    }

    /// Finishes enrolment with a code from the app; returns the recovery codes, shown once.
    func confirm(for user: User, code: String) async throws -> [String] {
        guard let totp = try pending(for: user) else {
            throw DomainError(.conflict, "Start two-factor setup first.")
        }
        guard let step = totp.verify(code, at: now, lastUsedStep: nil) else {
            throw DomainError(.invalidTwoFactorCode, "That code does not match. Check that your app shows the TrustDesk entry and enter its current 6-digit code.")
        }
        let codes = RecoveryCodes.generate()
        try await database.transaction { db in
            user.totpSecretSealed = user.totpPendingSecretSealed
            user.totpPendingSecretSealed = nil
            user.totpEnabledAt = now
            user.totpLastStep = step
            user.updatedAt = now
            try await user.save(on: db)
            try await RecoveryCode.query(on: db).filter(\.$userSID == user.sid).delete()
            for code in codes {
                try await RecoveryCode(user: user.sid, codeHash: Secrets.hash(RecoveryCodes.normalize(code)), now: now).create(on: db)
            }
            let mail = AccountMail.twoFactorChanged(username: user.username, enabled: true)
            try await Outbox(database: db, now: now).enqueue(to: user.email, subject: mail.subject, body: mail.body, kind: "two_factor_enabled")
        }
        return codes
    }

    /// Turns two-factor off. Staff may not: it is mandatory for them (ACC-8).
    func disable(for user: User) async throws {
        guard !user.isStaff else {
            throw DomainError(.permissionDenied, "Two-factor authentication is mandatory for staff and can't be turned off.")
        }
        try await database.transaction { db in
            user.totpSecretSealed = nil
            user.totpPendingSecretSealed = nil
            user.totpEnabledAt = nil
            user.updatedAt = now
            try await user.save(on: db)
            try await RecoveryCode.query(on: db).filter(\.$userSID == user.sid).delete()
            let mail = AccountMail.twoFactorChanged(username: user.username, enabled: false)
            try await Outbox(database: db, now: now).enqueue(to: user.email, subject: mail.subject, body: mail.body, kind: "two_factor_disabled")
        }
    }

    func remainingRecoveryCodes(for user: User) async throws -> Int {
        try await RecoveryCode.query(on: database).filter(\.$userSID == user.sid).filter(\.$usedAt == nil).count()
    }
}
