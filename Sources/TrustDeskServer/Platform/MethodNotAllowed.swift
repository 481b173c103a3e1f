import TrustDeskCore
import Vapor

extension RoutesBuilder {
    /// Answers the other common methods on a known path with 405 (20405) inside the path's
    /// route group, so only a caller the resource's policy admits learns which methods it takes
    /// (docs/security.md). Any other method (TRACE, OPTIONS, CONNECT, one the router has never
    /// heard of) reaches `MethodNotAllowedFallback`.
    func methodNotAllowed(_ path: PathComponent..., except allowed: [HTTPMethod]) {
        methodNotAllowed(path, except: allowed)
    }

    func methodNotAllowed(_ path: [PathComponent], except allowed: [HTTPMethod]) {
        for method in [HTTPMethod.GET, .POST, .PUT, .PATCH, .DELETE] where !allowed.contains(method) {
            on(method, path) { _ -> Response in
                throw MethodNotAllowed(allowed: allowed)
            }.userInfo[MethodNotAllowed.AnswerKey()] = true
        }
    }
}

/// A 405 that carries its `Allow` header through the error middleware.
struct MethodNotAllowed: AbortError, DomainErrorCarrying {
    let allowed: [HTTPMethod]

    var names: String { Set(allowed.map(\.rawValue)).sorted().joined(separator: ", ") }
    var status: HTTPResponseStatus { .methodNotAllowed }
    var reason: String { domainError.message }
    var headers: HTTPHeaders { ["Allow": names] }
    var domainError: DomainError { DomainError(.methodNotAllowed, "This resource allows \(names) only.") }

    /// Marks a route that only answers 405: it is not one of the methods a path takes.
    struct AnswerKey: Hashable, Sendable {}
}

extension Route {
    /// Whether the route is a 405 answer (`methodNotAllowed(_:except:)`), not a method the path takes.
    var answersMethodNotAllowed: Bool { userInfo[MethodNotAllowed.AnswerKey()] != nil }
}

/// The router's fallback: a request the router matched to no route, on a path that some route
/// takes with another method, gets 405 (20405) with `Allow` instead of 404 (RFC 9110, 15.5.6).
/// One place for every route, pages and API alike, whatever the method. It names only the
/// methods of a path pattern, which the router answers to anyone already (a page redirects to
/// sign-in, the API's patterns are in openapi.yaml); a SID or number in the path is never looked
/// up, so it tells nobody that an object exists.
///
/// Innermost global middleware, so the error middleware renders its 405. Built after the routes
/// are registered; a route with a catch-all (`**`) stays out, or it would claim every path below it.
/// A 404 is rare and the patterns are about two hundred, so a scan is enough.
struct MethodNotAllowedFallback: Middleware {
    /// Each path pattern once, with the methods its routes take.
    private let patterns: [(path: [PathComponent], methods: [HTTPMethod])]
    private let caseInsensitive: Bool

    init(routes: Routes) {
        var patterns: [(path: [PathComponent], methods: [HTTPMethod])] = []
        var index: [String: Int] = [:]
        for route in routes.all where !route.answersMethodNotAllowed {
            let path = route.path.filter { $0 != .constant("") }
            guard !path.contains(.catchall) else { continue }
            if let at = index[path.string] {
                if !patterns[at].methods.contains(route.method) { patterns[at].methods.append(route.method) }
            } else {
                index[path.string] = patterns.count
                patterns.append((path, [route.method]))
            }
        }
        self.patterns = patterns
        self.caseInsensitive = routes.caseInsensitive
    }

    /// The methods the path's pattern takes, or nil for a path no route has. Where patterns
    /// overlap, a name beats a parameter from the left, as the router decides
    /// (`/v1/Tickets/Search` before `/v1/Tickets/:number`).
    func allowedMethods(forPath path: String) -> [HTTPMethod]? {
        let segments = path.split(separator: "/").map { caseInsensitive ? $0.lowercased() : String($0) }
        var best: (path: [PathComponent], methods: [HTTPMethod])?
        for pattern in patterns where pattern.path.count == segments.count && matches(pattern.path, segments) {
            if let current = best, !Self.isMoreSpecific(pattern.path, than: current.path) { continue }
            best = pattern
        }
        return best?.methods
    }

    private func matches(_ pattern: [PathComponent], _ segments: [String]) -> Bool {
        zip(pattern, segments).allSatisfy { component, segment in
            guard case .constant(let name) = component else { return true }
            return (caseInsensitive ? name.lowercased() : name) == segment
        }
    }

    private static func isMoreSpecific(_ lhs: [PathComponent], than rhs: [PathComponent]) -> Bool {
        for (left, right) in zip(lhs, rhs) {
            switch (left, right) {
            case (.constant, .constant): continue
            case (.constant, _): return true
            case (_, .constant): return false
            default: continue
            }
        }
        return false
    }

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapErrorThrowing { error in
            guard error is RouteNotFound, request.route == nil,
                  let allowed = allowedMethods(forPath: request.url.path) else { throw error }
            throw MethodNotAllowed(allowed: allowed)
        }
    }
}

/// An error that answers as a `DomainError` but carries more (headers) as an `AbortError`.
protocol DomainErrorCarrying: Error {
    var domainError: DomainError { get }
}
