import Fluent
import Foundation
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// Factories for test data: fictional people at example.com.
enum TestData {
    static let password = "correct-horse-battery"
    static let voiceAuthToken = "test-voice-auth-token-0123456789"
    static let inboundMailToken = "test-inbound-mail-token-0123456789"
    static let inboundMailDomain = "reply.trustdesk.example.com"
    static let staffSecret = Base32.decode("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP") ?? []

    struct Customer {
        let user: User
        let account: Account
        let authToken: String
    }

    static func hash(_ app: Application, _ password: String = password) async throws -> String {
        try await app.password.async(on: app.threadPool, hopTo: app.eventLoopGroup.next()).hash(password)
    }

    static func user(_ app: Application, _ username: String, staffRole: StaffRole? = nil, email: String? = nil) async throws -> User {
        let user = User(sid: SID.generate(.user), username: username, email: email ?? "\(username)@example.com",
                        fullName: username.capitalized, passwordHash: try await hash(app), staffRole: staffRole, now: app.now)
        try await user.create(on: app.db)
        return user
    }

    /// A customer who owns a new account.
    static func customer(_ app: Application, _ username: String, account name: String? = nil) async throws -> Customer {
        let user = try await user(app, username)
        let (account, token) = try await app.accounts(now: app.now).createAccount(named: name ?? "\(username.capitalized) Inc", owner: user)
        return Customer(user: user, account: account, authToken: token)
    }

    static func teammate(_ app: Application, _ username: String, role: TeammateRole, on account: Account) async throws -> User {
        let user = try await user(app, username)
        try await Membership(account: account.sid, user: user.sid, role: role, now: app.now).create(on: app.db)
        return user
    }

    /// A staff member with two-factor enrolled on the demo secret.
    static func staff(_ app: Application, _ username: String, role: StaffRole, enrolled: Bool = true) async throws -> User {
        let user = try await user(app, username, staffRole: role, email: "\(username)@trustdesk.example.com")
        if enrolled {
            user.totpSecretSealed = try app.secretBox.seal(staffSecret)
            user.totpEnabledAt = app.now
            try await user.save(on: app.db)
        }
        return user
    }

    static func code(_ app: Application, secret: [UInt8] = staffSecret, offsetSteps: Int64 = 0) -> String {
        TOTP(secret: secret).code(atStep: TOTP.step(at: app.now) + offsetSteps)
    }

    static func basic(_ username: String, _ password: String) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.basicAuthorization = BasicAuthorization(username: username, password: password)
        return headers
    }

    static func json(_ username: String, _ password: String) -> HTTPHeaders {
        var headers = basic(username, password)
        headers.contentType = .json
        return headers
    }

    /// Mail waiting in the outbox for `recipient`, newest last.
    static func mail(_ app: Application, to recipient: String) async throws -> [OutboxMessage] {
        try await OutboxMessage.query(on: app.db).filter(\.$recipient == recipient).sort(\.$createdAt).all()
    }

    /// The token of the first link to `path` in a mail body.
    static func linkToken(_ body: String, path: String) -> String? {
        capture(path.replacingOccurrences(of: "/", with: "\\/") + #"\?token=([A-Za-z0-9_]+)"#, in: body)
    }
}

extension TestData {
    struct NoLink: Error, CustomStringConvertible {
        let description: String
    }

    /// The token of the link to `path` in the newest mail to `recipient`.
    static func latestLinkToken(_ app: Application, to recipient: String, path: String) async throws -> String {
        guard let body = try await mail(app, to: recipient).last?.body, let token = linkToken(body, path: path) else {
            throw NoLink(description: "no mail to \(recipient) with a \(path) link")
        }
        return token
    }
}
