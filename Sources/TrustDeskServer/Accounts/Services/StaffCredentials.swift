import Fluent
import Foundation
import TrustDeskCore

/// Personal staff API keys: created by a staff member with two-factor enrolled, shown once,
/// stored hashed, revocable; each creation and revocation is a staff audit event (SEC-1, SEC-3).
struct StaffCredentials {
    let database: any Database
    let now: Date

    /// A staff member holds at most this many live keys.
    static let maximumLiveKeys = 5

    func create(for staff: User, friendlyName: String) async throws -> (StaffAPIKey, secret: String) {
        guard staff.isStaff else { throw DomainError.notFound("page") }
        guard staff.twoFactorEnabled else {
            throw DomainError(.permissionDenied, "Enrol two-factor authentication on the Security page before creating a staff API key.")
        }
        let name = try Validate.displayName(friendlyName, field: "friendly_name")
        let live = try await StaffAPIKey.query(on: database).filter(\.$staffUserSID == staff.sid).filter(\.$revokedAt == nil).count()
        guard live < Self.maximumLiveKeys else {
            throw DomainError(.conflict, "You already have \(Self.maximumLiveKeys) live staff API keys. Revoke one you no longer use first.")
        }
        let secret = Secrets.generate(.staffKeySecret)
        let key = StaffAPIKey(sid: SID.generate(.staffAPIKey), staff: staff.sid, friendlyName: name, secret: secret, now: now)
        try await key.create(on: database)
        try await StaffAuditEvent(staff: staff.sid, action: "create_staff_api_key", account: nil, detail: key.sid, at: now).create(on: database)
        return (key, secret)
    }

    func keys(of staff: User) async throws -> [StaffAPIKey] {
        try await StaffAPIKey.query(on: database).filter(\.$staffUserSID == staff.sid).sort(\.$createdAt, .descending).limit(100).all()
    }

    /// A live key of `staff`; another person's key is not found, as a revoked one is.
    func key(_ keySID: String, of staff: User) async throws -> StaffAPIKey {
        guard let key = try await StaffAPIKey.find(keySID, on: database), key.staffUserSID == staff.sid, key.revokedAt == nil else {
            throw DomainError.notFound("staff API key")
        }
        return key
    }

    func revoke(_ keySID: String, of staff: User) async throws {
        let key = try await key(keySID, of: staff)
        key.revokedAt = now
        try await key.save(on: database)
        try await StaffAuditEvent(staff: staff.sid, action: "revoke_staff_api_key", account: nil, detail: key.sid, at: now).create(on: database)
    }

    /// A staff key secret found in public (a secret-scanning report) is revoked at once and its
    /// holder told where it was found. Returns false when the secret is no live staff key.
    func revokeExposed(token: String, url: String) async throws -> Bool {
        guard Secrets.matchesFormat(token, kind: .staffKeySecret),
              let key = try await StaffAPIKey.query(on: database).filter(\.$secretHash == Secrets.hash(token)).filter(\.$revokedAt == nil).first()
        else { return false }
        key.revokedAt = now
        try await key.save(on: database)
        try await StaffAuditEvent(staff: key.staffUserSID, action: "exposed_staff_api_key", account: nil,
                                  detail: "\(key.sid) revoked: found at \(url.prefix(300))", at: now).create(on: database)
        if let holder = try await User.find(key.staffUserSID, on: database) {
            try await Outbox(database: database, now: now).enqueue(
                to: holder.email, subject: "Your staff API key \(key.sid) was found exposed and is revoked",
                body: "A secret-scanning report found the secret of your staff API key \(key.sid) (\(key.friendlyName)) at:\n\(url.prefix(500))\n\nThe key is revoked and stops working at once. Create a new key on the staff API keys page, and remove the secret from where it was found.",
                kind: "staff_api_key_exposed")
        }
        return true
    }

    /// Checks HTTP Basic credentials for the staff API. Anything but a live key of a current
    /// staff member is the same 20003 as every unrecognised credential (ACC-7).
    func authenticate(username: String, password: String) async throws -> User {
        guard let sid = try? SID(parsing: username, expecting: .staffAPIKey), Secrets.matchesFormat(password, kind: .staffKeySecret),
              let key = try await StaffAPIKey.find(sid.rawValue, on: database), key.revokedAt == nil,
              constantTimeEquals(Secrets.hash(password), key.secretHash),
              let user = try await User.find(key.staffUserSID, on: database), user.isStaff, user.twoFactorEnabled
        else { throw DomainError.badCredentials }
        if KeyUse.isWorthRecording(since: key.lastUsedAt, now: now) {
            key.lastUsedAt = now
            try await key.save(on: database)
        }
        return user
    }
}
