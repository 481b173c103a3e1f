import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// Sign-up by emailed confirmation (ACC-3).
struct Registrations {
    let database: any Database
    let now: Date
    let publicURL: String
    /// The account made at confirmation gets what other features keep for every account.
    let accountHooks: AccountCreationHooks
    /// Scores the account at confirmation (STD-6).
    var vettingPolicy = VettingPolicy()

    struct SignUp: Sendable {
        var fullName: String
        var email: String
        var username: String
        var password: String
        var accountName: String
        /// Optional vetting input (STD-6): ISO country code and E.164 phone number.
        var country: String = ""
        var phone: String = ""
        /// The client network the request came from, when it is a public address.
        var network: String? = nil
    }

    /// Validated sign-up fields; nothing is stored until they all pass. Every field is
    /// checked, so the form shows all of its problems at once; the password may not be
    /// common nor built from the other fields (`passwords`).
    static func validate(_ form: SignUp, passwords: PasswordPolicy) throws(DomainError) -> SignUp {
        var checks = FieldChecks()
        let valid = SignUp(
            fullName: checks.run { () throws(DomainError) in try Validate.displayName(form.fullName, field: "full_name", maximum: 100) } ?? "",
            email: checks.run { () throws(DomainError) in try Validate.email(form.email) } ?? "",
            username: checks.run { () throws(DomainError) in try Validate.username(form.username) } ?? "",
            password: checks.run { () throws(DomainError) in
                try passwords.check(form.password, context: PasswordContext(
                    fullName: form.fullName, email: form.email, username: form.username, other: [form.accountName]))
            } ?? "",
            accountName: checks.run { () throws(DomainError) in try Validate.displayName(form.accountName, field: "account_name") } ?? "",
            country: checks.run { () throws(DomainError) in try SignupContact.country(form.country) }.flatMap { $0 } ?? "",
            phone: checks.run { () throws(DomainError) in try SignupContact.phone(form.phone) }.flatMap { $0 } ?? "",
            network: form.network
        )
        try checks.finish()
        return valid
    }

    /// Stores a pending registration and mails its confirmation link. An address that
    /// already has a login gets a reminder instead, and the caller shows the same answer, so
    /// sign-up does not reveal who is registered.
    func register(_ form: SignUp, passwordHash: String) async throws {
        if try await User.query(on: database).filter(\.$username == form.username).first() != nil {
            throw DomainError(.conflict, "username: \"\(form.username)\" is taken. Choose another username.")
        }
        let existing = try await User.query(on: database).filter(\.$email == form.email).all()
        if !existing.isEmpty {
            let mail = AccountMail.signupExistingLogin(usernames: existing.map(\.username), signInLink: "\(publicURL)/signin")
            try await Outbox(database: database, now: now).enqueue(to: form.email, subject: mail.subject, body: mail.body, kind: "signup_existing_login")
            return
        }
        let token = Secrets.generate(.link)
        let registration = Registration()
        registration.id = UUID()
        registration.tokenHash = Secrets.hash(token)
        registration.email = form.email
        registration.username = form.username
        registration.fullName = form.fullName
        registration.passwordHash = passwordHash
        registration.accountName = form.accountName
        registration.createdAt = now
        registration.expiresAt = SingleUseLink.expiry(for: .signupConfirmation, issuedAt: now)
        registration.country = form.country.isEmpty ? nil : form.country
        registration.phone = form.phone.isEmpty ? nil : form.phone
        registration.network = form.network
        if let network = form.network {
            registration.networkSignups = try await Registration.query(on: database).filter(\.$network == network)
                .filter(\.$createdAt > now.addingTimeInterval(-3600)).count()
        }
        let mail = AccountMail.signupConfirmation(name: form.fullName, link: "\(publicURL)/signup/confirm?token=\(token)")
        try await database.transaction { db in
            try await registration.create(on: db)
            try await Outbox(database: db, now: now).enqueue(to: form.email, subject: mail.subject, body: mail.body, kind: "signup_confirmation")
        }
    }

    /// The registration a link names, if the link is still good.
    func pending(token: String) async throws -> Registration {
        guard Secrets.matchesFormat(token, kind: .link),
              let registration = try await Registration.query(on: database).filter(\.$tokenHash == Secrets.hash(token)).first()
        else {
            throw DomainError(.linkExpired, "This confirmation link is not valid. It may have expired and been removed; sign up again.")
        }
        try SingleUseLink.check(expiresAt: registration.expiresAt, usedAt: registration.confirmedAt, now: now)
        return registration
    }

    /// Confirms the registration: only now are the account and its owner created.
    func confirm(token: String) async throws -> (Account, User, authToken: String) {
        let registration = try await pending(token: token)
        do {
            return try await database.transaction { db in
                if try await User.query(on: db).filter(\.$username == registration.username).first() != nil {
                    throw DomainError(.conflict, "The username \"\(registration.username)\" was taken before you confirmed. Sign up again with another username.")
                }
                let user = User(sid: SID.generate(.user), username: registration.username, email: registration.email,
                                fullName: registration.fullName, passwordHash: registration.passwordHash, now: now)
                try await user.create(on: db)
                let (account, token) = try await Accounts(database: db, now: now, creationHooks: accountHooks).createAccount(named: registration.accountName, owner: user)
                try await SignupVetting(database: db, now: now, publicURL: publicURL, policy: vettingPolicy).vet(account, owner: user, signup: registration)
                registration.confirmedAt = now
                registration.accountSID = account.sid
                try await registration.save(on: db)
                return (account, user, token)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // A second click raced the first one to the unique username: the first won.
            throw DomainError(.linkUsed, "This link has already been used. Each link works once; sign in.")
        }
    }
}

extension Request {
    var registrations: Registrations {
        let configuration = application.trustDeskConfiguration
        return Registrations(database: db, now: now, publicURL: configuration.publicURL, accountHooks: application.accountCreationHooks,
                             vettingPolicy: configuration.vettingPolicy)
    }
}
