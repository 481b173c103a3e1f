import Foundation
import TrustDeskCore
import Vapor

/// Internal callers (the messaging pipeline) authenticate with `TRUSTDESK_SERVICE_TOKEN`, as a
/// Bearer token or as the password of HTTP Basic. Missing, wrong or unconfigured: 401/20003.
///
/// Not an `AsyncMiddleware`: it never waits, and on the admission path a task per request is a
/// cost worth avoiding.
struct ServiceCredentialMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard let expected = request.application.trustDeskConfiguration.serviceToken else { return request.eventLoop.makeFailedFuture(Self.refused) }
        let presented = request.headers.bearerAuthorization?.token ?? request.headers.basicAuthorization?.password
        guard let presented, constantTimeEquals(presented, expected) else { return request.eventLoop.makeFailedFuture(Self.refused) }
        request.isServiceCaller = true
        return next.respond(to: request)
    }

    static let refused = DomainError(.authenticationFailed, "Authentication failed: this endpoint takes the service credential (Bearer token or HTTP Basic password).")
}

extension Request {
    private struct ServiceCallerKey: StorageKey { typealias Value = Bool }

    /// Whether the request presented the service credential (`ServiceCredentialMiddleware`).
    var isServiceCaller: Bool {
        get { storage[ServiceCallerKey.self] ?? false }
        set { storage[ServiceCallerKey.self] = newValue }
    }
}
