import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// Corrections of a person's own account data (PRV-2): their name, an account's name, and
/// their email address once the new one is confirmed. The privacy console asks this service;
/// only Accounts writes users and accounts.
struct Profiles {
    let database: any Database
    let now: Date

    func rename(_ user: User, to name: String) async throws {
        user.fullName = try Validate.displayName(name, field: "full_name")
        user.updatedAt = now
        try await user.save(on: database)
    }

    func rename(_ account: Account, to name: String) async throws {
        account.friendlyName = try Validate.displayName(name, field: "account_name")
        account.updatedAt = now
        try await account.save(on: database)
    }

    /// The zone pages show `user`'s times in; empty for UTC, an unknown name 20030.
    func setTimeZone(of user: User, to name: String) async throws {
        user.timeZone = try TimeZoneSetting.parse(name)
        user.updatedAt = now
        try await user.save(on: database)
    }

    /// 20011 when another login already uses `email`.
    func checkEmailFree(_ email: String, for user: User) async throws {
        let taken = try await User.query(on: database).filter(\.$email == email).filter(\.$id != user.sid).count()
        guard taken == 0 else { throw DomainError(.conflict, "email: that address is already used by another login.") }
    }

    func changeEmail(of userSID: String, to email: String) async throws {
        guard let user = try await User.find(userSID, on: database) else { throw DomainError.notFound("user") }
        try await checkEmailFree(email, for: user)
        user.email = email
        user.updatedAt = now
        try await user.save(on: database)
    }
}

extension Request {
    var profiles: Profiles { Profiles(database: db, now: now) }
}
