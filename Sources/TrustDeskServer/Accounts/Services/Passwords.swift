import Fluent
import Foundation
import Logging
import SQLKit
import TrustDeskCore
import Vapor

/// Password reset and username recovery (ACC-5, ACC-6).
struct Passwords {
    let database: any Database
    let now: Date
    let publicURL: String

    /// Takes a reset or username request for `email`: one row, the same for every address, so
    /// the answer neither says nor shows by its timing whether the address is known (ACC-5,
    /// ACC-6). `sendDue` looks it up and writes the mail after the answer has gone.
    func request(_ kind: RecoveryRequest.Kind, email: String) async throws {
        try await RecoveryRequest(kind: kind, email: email, now: now).create(on: database)
    }

    /// The recovery job: handles due requests in order, each in its own transaction and taken
    /// by deleting it, so two nodes never mail twice. A request that fails is logged and tried
    /// again a minute later, at most five times; it never stops the pass.
    @discardableResult
    func sendDue(batch: Int = 100, logger: Logger? = nil) async throws -> Int {
        let due = try await RecoveryRequest.query(on: database).filter(\.$dueAt <= now).sort(\.$dueAt).limit(batch).all()
        var handled = 0
        for request in due {
            guard let id = request.id, let kind = RecoveryRequest.Kind(rawValue: request.kind) else {
                logger?.error("recovery request of unknown kind dropped", metadata: ["kind": "\(request.kind.prefix(32))"])
                try await request.delete(on: database)
                continue
            }
            do {
                let taken = try await database.transaction { db in
                    // Another node may have taken it since the query: only the deleter handles it.
                    let removed = try await db.sql.delete(from: RecoveryRequest.schema).where("id", .equal, SQLBind(id)).returning("id").all()
                    guard !removed.isEmpty else { return false }
                    let passwords = Passwords(database: db, now: now, publicURL: publicURL)
                    switch kind {
                    case .passwordReset: try await passwords.mailResetLinks(to: request.email)
                    case .usernameReminder: try await passwords.mailUsernames(to: request.email)
                    }
                    return true
                }
                if taken { handled += 1 }
            } catch {
                logger?.error("recovery request failed", metadata: ["request_id": "\(id)", "attempts": "\(request.attempts + 1)", "error": "\(String(reflecting: error))"])
                request.attempts += 1
                request.dueAt = now.addingTimeInterval(60)
                if request.attempts >= 5 { try await request.delete(on: database) } else { try await request.save(on: database) }
            }
        }
        return handled
    }

    /// Mails a reset link to every login registered to `email`; an unknown address gets none.
    func mailResetLinks(to email: String) async throws {
        let users = try await User.query(on: database).filter(\.$email == email).all()
        for user in users {
            let token = Secrets.generate(.link)
            let reset = PasswordReset()
            reset.id = UUID()
            reset.tokenHash = Secrets.hash(token)
            reset.userSID = user.sid
            reset.createdAt = now
            reset.expiresAt = SingleUseLink.expiry(for: .passwordReset, issuedAt: now)
            let mail = AccountMail.passwordReset(username: user.username, link: "\(publicURL)/password/reset?token=\(token)")
            try await reset.create(on: database)
            try await Outbox(database: database, now: now).enqueue(to: user.email, subject: mail.subject, body: mail.body, kind: "password_reset")
        }
    }

    func pendingReset(token: String) async throws -> PasswordReset {
        guard Secrets.matchesFormat(token, kind: .link),
              let reset = try await PasswordReset.query(on: database).filter(\.$tokenHash == Secrets.hash(token)).first()
        else {
            throw DomainError(.linkExpired, "This reset link is not valid or has expired. Ask for a new one.")
        }
        try SingleUseLink.check(expiresAt: reset.expiresAt, usedAt: reset.usedAt, now: now)
        return reset
    }

    /// Who the reset is for, as the password policy sees them (NIST SP 800-63B context words).
    func context(of reset: PasswordReset) async throws -> PasswordContext {
        guard let user = try await User.find(reset.userSID, on: database) else {
            throw DomainError(.linkExpired, "This reset link is no longer valid.")
        }
        return PasswordContext(fullName: user.fullName, email: user.email, username: user.username)
    }

    /// Sets the new password, spends the link and ends every session of the user (ACC-5).
    func reset(token: String, newPasswordHash: String) async throws -> User {
        let reset = try await pendingReset(token: token)
        return try await database.transaction { db in
            guard let user = try await User.find(reset.userSID, on: db) else {
                throw DomainError(.linkExpired, "This reset link is no longer valid.")
            }
            user.passwordHash = newPasswordHash
            user.updatedAt = now
            try await user.save(on: db)
            reset.usedAt = now
            try await reset.save(on: db)
            // Other outstanding links of this user are spent too: one reset closes them all.
            try await PasswordReset.query(on: db)
                .filter(\.$userSID == user.sid).filter(\.$usedAt == nil)
                .set(\.$usedAt, to: now).update()
            try await Sessions.endAll(forUser: user.sid, on: db)
            let mail = AccountMail.passwordChanged(username: user.username, otherSessionsOnly: false)
            try await Outbox(database: db, now: now).enqueue(to: user.email, subject: mail.subject, body: mail.body, kind: "password_changed")
            return user
        }
    }

    /// A signed-in person's new password: every other session of theirs ends (one a thief may
    /// hold among them), the one in use stays; they are told by mail, with the integrations
    /// warning, in the same transaction.
    func change(_ user: User, newPasswordHash: String, keeping session: UserSession) async throws {
        try await database.transaction { db in
            user.passwordHash = newPasswordHash
            user.updatedAt = now
            try await user.save(on: db)
            try await UserSession.query(on: db).filter(\.$userSID == user.sid).filter(\.$id != (session.id ?? "")).delete()
            // Reset links asked for earlier would undo the change: they are spent too.
            try await PasswordReset.query(on: db).filter(\.$userSID == user.sid).filter(\.$usedAt == nil).set(\.$usedAt, to: now).update()
            let mail = AccountMail.passwordChanged(username: user.username, otherSessionsOnly: true)
            try await Outbox(database: db, now: now).enqueue(to: user.email, subject: mail.subject, body: mail.body, kind: "password_changed")
        }
    }

    /// Mails the usernames registered to `email`, if any (ACC-6).
    func mailUsernames(to email: String) async throws {
        let names = try await User.query(on: database).filter(\.$email == email).sort(\.$username).all().map(\.username)
        guard !names.isEmpty else { return }
        let mail = AccountMail.usernames(names, signInLink: "\(publicURL)/signin")
        try await Outbox(database: database, now: now).enqueue(to: email, subject: mail.subject, body: mail.body, kind: "username_reminder")
    }
}

/// The accounts feature's periodic work.
enum AccountJobs {
    /// Recovery mail (ACC-5, ACC-6), as often as the outbox is delivered.
    static let recoveryMail = ScheduledJob(name: "account_recovery_mail", interval: 1) { app, now in
        _ = try await Passwords(database: app.db, now: now, publicURL: app.trustDeskConfiguration.publicURL).sendDue(logger: app.logger)
    }
}
