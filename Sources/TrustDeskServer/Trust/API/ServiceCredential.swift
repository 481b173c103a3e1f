import Crypto
import Foundation
import TrustDeskCore
import Vapor

/// Internal callers (the messaging pipeline) authenticate with `TRUSTDESK_SERVICE_TOKEN`, as a
/// Bearer token or as the password of HTTP Basic. Missing, wrong or unconfigured: 401/20003.
struct ServiceCredentialMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let expected = request.application.trustDeskConfiguration.serviceToken else { throw Self.refused }
        let presented = request.headers.bearerAuthorization?.token ?? request.headers.basicAuthorization?.password
        guard let presented, Self.equal(presented, expected) else { throw Self.refused }
        return try await next.respond(to: request)
    }

    static let refused = DomainError(.authenticationFailed, "Authentication failed: this endpoint takes the service credential (Bearer token or HTTP Basic password).")

    /// Compares digests so the time taken says nothing about where the strings differ.
    static func equal(_ lhs: String, _ rhs: String) -> Bool {
        let a = SHA256.hash(data: Data(lhs.utf8)), b = SHA256.hash(data: Data(rhs.utf8))
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
