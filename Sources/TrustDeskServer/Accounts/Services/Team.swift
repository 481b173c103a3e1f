import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// Teammates of an account and their roles (ACC-4). The rules come from `TeamPolicy`; this
/// applies them to stored memberships.
struct Team {
    let database: any Database
    let now: Date
    let publicURL: String

    struct Teammate: Sendable {
        let user: User
        let membership: Membership
    }

    func members(of accountSID: String) async throws -> [Teammate] {
        let memberships = try await Membership.query(on: database).filter(\.$accountSID == accountSID).all()
        let users = try await User.query(on: database).filter(\.$id ~~ memberships.map(\.userSID)).all()
        let byID = Dictionary(uniqueKeysWithValues: users.map { ($0.sid, $0) })
        return memberships.compactMap { membership in
            byID[membership.userSID].map { Teammate(user: $0, membership: membership) }
        }.sorted { ($0.membership.role, $0.user.username) < ($1.membership.role, $1.user.username) }
    }

    /// The role `user` has on `account`: on the account itself, or on its parent for a
    /// subaccount. Nil when the user is not on the team.
    func role(of userSID: String, on account: Account) async throws -> TeammateRole? {
        let teamAccount = account.ownerAccountSID ?? account.sid
        return try await Membership.query(on: database)
            .filter(\.$accountSID == teamAccount).filter(\.$userSID == userSID).first()?.role
    }

    /// Who answers for an account: the owners of its team (with `includingAdmins`, its admins
    /// too), the team being the account's own or, for a subaccount, its main account's. Oldest
    /// first, so "the owner" of a team with several is always the same one. The one query for
    /// every feature that mails or names an account's owners.
    static func owners(of accountSID: String, parent: String? = nil, includingAdmins: Bool = false,
                       on database: any Database) async throws -> [User] {
        let teams = [accountSID] + (parent.map { [$0] } ?? [])
        let roles = (includingAdmins ? [TeammateRole.owner, .admin] : [.owner]).map(\.rawValue)
        let memberships = try await Membership.query(on: database).filter(\.$accountSID ~~ teams).filter(\.$roleRaw ~~ roles).all()
        guard !memberships.isEmpty else { return [] }
        let people = Array(Set(memberships.map(\.userSID)))
        return try await User.query(on: database).filter(\.$id ~~ people).sort(\.$createdAt).sort(\.$id).all()
    }

    static func owners(of account: Account, includingAdmins: Bool = false, on database: any Database) async throws -> [User] {
        try await owners(of: account.sid, parent: account.ownerAccountSID, includingAdmins: includingAdmins, on: database)
    }

    /// The accounts `userSID` owns, by SID.
    static func accountsOwned(by userSID: String, on database: any Database) async throws -> [String] {
        try await Membership.query(on: database).filter(\.$userSID == userSID)
            .filter(\.$roleRaw == TeammateRole.owner.rawValue).sort(\.$accountSID).all().map(\.accountSID)
    }

    /// Top-level accounts the user is a teammate of, for the console's account switcher.
    func accounts(of userSID: String) async throws -> [(Account, TeammateRole)] {
        let memberships = try await Membership.query(on: database).filter(\.$userSID == userSID).all()
        let accounts = try await Account.query(on: database).filter(\.$id ~~ memberships.map(\.accountSID)).sort(\.$friendlyName).all()
        let roles = Dictionary(uniqueKeysWithValues: memberships.map { ($0.accountSID, $0.role) })
        return accounts.map { ($0, roles[$0.sid] ?? .support) }
    }

    /// The users with this email address and, for each, the accounts where they may open support
    /// tickets (SUP-2: mail from a teammate's address opens or answers tickets).
    func ticketOpeners(email: String) async throws -> [(User, [Account])] {
        let users = try await User.query(on: database).filter(\.$email == email.lowercased()).limit(20).all()
        var result: [(User, [Account])] = []
        for user in users {
            result.append((user, try await accounts(of: user.sid).filter { $0.1.can(.openSupportTickets) }.map(\.0)))
        }
        return result
    }

    /// Invites `email` with `role`; returns the invitation (its link is mailed).
    func invite(email rawEmail: String, role: TeammateRole, to account: Account, by actor: User, actorRole: TeammateRole) async throws {
        var checks = FieldChecks()
        checks.run { () throws(DomainError) in try TeamPolicy.checkInvite(actor: actorRole, role: role) }
        let validEmail = checks.run { () throws(DomainError) in try Validate.email(rawEmail) }
        let email = try checks.finish(with: validEmail)
        let existing = try await members(of: account.sid)
        if existing.contains(where: { $0.user.email == email }) {
            throw DomainError(.conflict, "email: someone with this address is already on the team.")
        }
        let token = Secrets.generate(.link)
        let invitation = Invitation()
        invitation.id = UUID()
        invitation.tokenHash = Secrets.hash(token)
        invitation.accountSID = account.sid
        invitation.email = email
        invitation.roleRaw = role.rawValue
        invitation.invitedBy = actor.sid
        invitation.createdAt = now
        invitation.expiresAt = SingleUseLink.expiry(for: .invitation, issuedAt: now)
        let mail = AccountMail.invitation(accountName: account.friendlyName, inviter: actor.fullName, role: role.displayName,
                                          link: "\(publicURL)/invitations/accept?token=\(token)")
        try await database.transaction { db in
            try await invitation.create(on: db)
            try await Outbox(database: db, now: now).enqueue(to: email, subject: mail.subject, body: mail.body, kind: "invitation")
        }
    }

    func openInvitations(of accountSID: String) async throws -> [Invitation] {
        try await Invitation.query(on: database)
            .filter(\.$accountSID == accountSID)
            .filter(\.$acceptedAt == nil).filter(\.$cancelledAt == nil)
            .filter(\.$expiresAt > now)
            .sort(\.$createdAt).all()
    }

    func pendingInvitation(token: String) async throws -> Invitation {
        guard Secrets.matchesFormat(token, kind: .link),
              let invitation = try await Invitation.query(on: database).filter(\.$tokenHash == Secrets.hash(token)).first(),
              invitation.cancelledAt == nil
        else {
            throw DomainError(.linkExpired, "This invitation is not valid. Ask the account's owner or an admin to invite you again.")
        }
        try SingleUseLink.check(expiresAt: invitation.expiresAt, usedAt: invitation.acceptedAt, now: now)
        return invitation
    }

    /// Accepts an invitation for `user` (a new login, or the signed-in one).
    func accept(_ invitation: Invitation, as user: User) async throws {
        let role = TeammateRole(rawValue: invitation.roleRaw) ?? .support
        try await database.transaction { db in
            if try await Membership.query(on: db).filter(\.$accountSID == invitation.accountSID).filter(\.$userSID == user.sid).first() == nil {
                try await Membership(account: invitation.accountSID, user: user.sid, role: role, now: now).create(on: db)
            }
            invitation.acceptedAt = now
            invitation.acceptedUserSID = user.sid
            try await invitation.save(on: db)
        }
    }

    func changeRole(of targetSID: String, to newRole: TeammateRole, on account: Account, actorRole: TeammateRole) async throws {
        let membership = try await membership(of: targetSID, on: account)
        try TeamPolicy.checkRoleChange(actor: actorRole, target: membership.role, to: newRole)
        membership.roleRaw = newRole.rawValue
        try await membership.save(on: database)
    }

    func remove(_ targetSID: String, from account: Account, actorRole: TeammateRole) async throws {
        let membership = try await membership(of: targetSID, on: account)
        try TeamPolicy.checkRemoval(actor: actorRole, target: membership.role)
        try await membership.delete(on: database)
    }

    func transferOwnership(of account: Account, from actor: User, to targetSID: String, actorRole: TeammateRole) async throws {
        let target = try await membership(of: targetSID, on: account)
        let roles = try TeamPolicy.transferOwnership(actor: actorRole, target: target.role, isSelf: targetSID == actor.sid)
        let own = try await membership(of: actor.sid, on: account)
        try await database.transaction { db in
            own.roleRaw = roles.previousOwner.rawValue
            try await own.save(on: db)
            target.roleRaw = roles.newOwner.rawValue
            try await target.save(on: db)
        }
    }

    /// The teammate `targetSID` would be removed by `actorRole`, or the refusal, changing
    /// nothing: the confirmation step names them before `remove` runs.
    func removal(of targetSID: String, from account: Account, actorRole: TeammateRole) async throws -> Teammate {
        let teammate = try await teammate(targetSID, on: account)
        try TeamPolicy.checkRemoval(actor: actorRole, target: teammate.membership.role)
        return teammate
    }

    /// The teammate ownership would move to, or the refusal, changing nothing.
    func transfer(of account: Account, from actor: User, to targetSID: String, actorRole: TeammateRole) async throws -> Teammate {
        let teammate = try await teammate(targetSID, on: account)
        _ = try TeamPolicy.transferOwnership(actor: actorRole, target: teammate.membership.role, isSelf: targetSID == actor.sid)
        return teammate
    }

    private func teammate(_ userSID: String, on account: Account) async throws -> Teammate {
        let membership = try await membership(of: userSID, on: account)
        guard let user = try await User.find(userSID, on: database) else { throw DomainError.notFound("teammate") }
        return Teammate(user: user, membership: membership)
    }

    private func membership(of userSID: String, on account: Account) async throws -> Membership {
        guard let membership = try await Membership.query(on: database)
            .filter(\.$accountSID == account.sid).filter(\.$userSID == userSID).first()
        else { throw DomainError.notFound("teammate") }
        return membership
    }
}

extension Request {
    /// The team service on the request's database; inside a transaction use `team(on:)`.
    var team: Team { team(on: db) }

    func team(on database: any Database) -> Team {
        application.team(on: database, now: now)
    }
}

extension Application {
    /// The team service for jobs, desks and commands: invitation links use the public URL.
    func team(on database: (any Database)? = nil, now: Date) -> Team {
        Team(database: database ?? db, now: now, publicURL: trustDeskConfiguration.publicURL)
    }
}
