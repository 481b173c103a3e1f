import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The signed-in person behind a browser request.
struct BrowserSession: Sendable {
    let session: UserSession
    let user: User
}

enum SessionCookie {
    static let name = "td_session"
    /// Idle sessions end after 12 hours; no session lives longer than 7 days.
    static let idleLifetime: TimeInterval = 12 * 3600
    static let absoluteLifetime: TimeInterval = 7 * 24 * 3600
    /// Refreshing last-seen on every request would turn every page view into a write.
    static let touchInterval: TimeInterval = 300

    static func value(_ secret: String, secure: Bool, maxAge: Int?) -> HTTPCookies.Value {
        HTTPCookies.Value(string: secret, maxAge: maxAge, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }
}

extension Request {
    private struct BrowserSessionKey: StorageKey { typealias Value = BrowserSession }

    var browserSession: BrowserSession? {
        get { storage[BrowserSessionKey.self] }
        set { storage[BrowserSessionKey.self] = newValue }
    }

    /// The session of a person who has fully signed in (password and, if enrolled, TOTP).
    var signedIn: BrowserSession? {
        guard let session = browserSession, session.session.stage == .signedIn else { return nil }
        return session
    }
}

/// Loads the browser session named by the cookie, if it is live.
struct SessionLoader: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let secret = request.cookies[SessionCookie.name]?.string, Secrets.matchesFormat(secret, kind: .session) {
            let now = request.now
            if let session = try await UserSession.find(Secrets.hash(secret), on: request.db), session.expiresAt > now,
               let user = try await User.find(session.userSID, on: request.db) {
                if now.timeIntervalSince(session.lastSeenAt) > SessionCookie.touchInterval {
                    session.lastSeenAt = now
                    session.expiresAt = min(session.createdAt.addingTimeInterval(SessionCookie.absoluteLifetime), now.addingTimeInterval(SessionCookie.idleLifetime))
                    try await session.save(on: request.db)
                }
                request.browserSession = BrowserSession(session: session, user: user)
            }
        }
        return try await next.respond(to: request)
    }
}

/// Starting and ending sessions.
enum Sessions {
    /// Starts a new session for `user` and sets its cookie on `response`. Any session the
    /// browser had is ended first, so a session ID planted before sign-in is worthless.
    static func start(for user: User, stage: UserSession.Stage, request: Request, response: Response) async throws {
        if let previous = request.browserSession {
            try await previous.session.delete(on: request.db)
        }
        let secret = Secrets.generate(.session)
        let session = UserSession(idHash: Secrets.hash(secret), user: user.sid, stage: stage, now: request.now, lifetime: SessionCookie.idleLifetime)
        try await session.create(on: request.db)
        response.cookies[SessionCookie.name] = SessionCookie.value(secret, secure: request.application.trustDeskConfiguration.secureCookies, maxAge: nil)
        request.browserSession = BrowserSession(session: session, user: user)
    }

    static func promote(_ browser: BrowserSession, on database: any Database) async throws {
        browser.session.stageRaw = UserSession.Stage.signedIn.rawValue
        try await browser.session.save(on: database)
    }

    static func end(request: Request, response: Response) async throws {
        if let current = request.browserSession {
            try await current.session.delete(on: request.db)
        }
        response.cookies[SessionCookie.name] = SessionCookie.value("", secure: request.application.trustDeskConfiguration.secureCookies, maxAge: 0)
    }

    /// Ends every session of a user (password reset, ACC-5; account takeover, STD-4).
    static func endAll(forUser userSID: String, on database: any Database) async throws {
        try await UserSession.query(on: database).filter(\.$userSID == userSID).delete()
    }
}
