import TrustDeskCore
import Vapor

extension RoutesBuilder {
    /// Answers the other common methods on a known path with 405 (20405) instead of the
    /// router's 404, so a client learns the resource exists but not that way; the `Allow`
    /// header lists the methods it takes (RFC 9110, 15.5.6).
    func methodNotAllowed(_ path: PathComponent..., except allowed: [HTTPMethod]) {
        methodNotAllowed(path, except: allowed)
    }

    func methodNotAllowed(_ path: [PathComponent], except allowed: [HTTPMethod]) {
        for method in [HTTPMethod.GET, .POST, .PUT, .PATCH, .DELETE] where !allowed.contains(method) {
            on(method, path) { _ -> Response in
                throw MethodNotAllowed(allowed: allowed)
            }
        }
    }
}

/// A 405 that carries its `Allow` header through the error middleware.
struct MethodNotAllowed: AbortError, DomainErrorCarrying {
    let allowed: [HTTPMethod]

    var names: String { allowed.map(\.rawValue).sorted().joined(separator: ", ") }
    var status: HTTPResponseStatus { .methodNotAllowed }
    var reason: String { domainError.message }
    var headers: HTTPHeaders { ["Allow": names] }
    var domainError: DomainError { DomainError(.methodNotAllowed, "This resource allows \(names) only.") }
}

/// An error that answers as a `DomainError` but carries more (headers) as an `AbortError`.
protocol DomainErrorCarrying: Error {
    var domainError: DomainError { get }
}
