import TrustDeskCore
import Vapor

extension RoutesBuilder {
    /// Answers the other common methods on a known path with 405 (20405) instead of the
    /// router's 404, so a client learns the resource exists but not that way.
    func methodNotAllowed(_ path: PathComponent..., except allowed: [HTTPMethod]) {
        for method in [HTTPMethod.GET, .POST, .PUT, .PATCH, .DELETE] where !allowed.contains(method) {
            on(method, path) { _ -> Response in
                let names = allowed.map { $0.rawValue }.sorted().joined(separator: ", ")
                throw DomainError(.methodNotAllowed, "This resource allows \(names) only.")
            }
        }
    }
}
