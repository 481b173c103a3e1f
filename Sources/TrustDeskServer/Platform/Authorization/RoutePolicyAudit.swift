import TrustDeskCore
import Vapor

extension RoutePolicies {
    /// What is wrong between the routes the server registered and a policy table.
    enum Problem: Hashable, CustomStringConvertible {
        /// A route nobody declared a policy for: it would be refused, and the server does not start.
        case undeclared(RouteKey)
        /// A declared route the server does not have: a stale line that would hide a renamed one.
        case unrouted(RouteKey)
        /// A policy of the wrong kind for where the route lives (a staff page open to customers,
        /// an API route taking sessions, a console action without the account it is about).
        case misplaced(RouteKey, AccessPolicy)

        var description: String {
            switch self {
            case .undeclared(let key): "\(key) has no access policy in RoutePolicies"
            case .unrouted(let key): "\(key) is in RoutePolicies but no such route is registered"
            case .misplaced(let key, let policy): "\(key) is declared \(policy), which its place does not allow"
            }
        }
    }

    /// Checks `routes` against `table`: every route declared, every line a route, and each policy
    /// of the kind its path prefix calls for, so a staff or console route can't be widened to
    /// the public or to the other side by a slip in the table.
    static func audit(routes: [RouteKey], table: [RouteKey: AccessPolicy]) -> [Problem] {
        let registered = Set(routes)
        var problems = registered.subtracting(table.keys).sorted().map(Problem.undeclared)
        problems += Set(table.keys).subtracting(registered).sorted().map(Problem.unrouted)
        problems += table.sorted { $0.key < $1.key }.compactMap { key, policy in
            fits(policy, key.path) ? nil : .misplaced(key, policy)
        }
        return problems
    }

    private static func fits(_ policy: AccessPolicy, _ path: String) -> Bool {
        let prefix = { (start: String) in path == start || path.hasPrefix(start + "/") }
        switch policy {
        case .staff: return prefix("/staff")
        case .customer(let action): return prefix("/console") && (action == nil || path.contains("/:accountSid"))
        case .staffAPIKey: return prefix("/v1/Staff")
        case .accountCredential, .serviceToken: return prefix("/v1") && !prefix("/v1/Staff")
        case .anyone, .signedIn: return !prefix("/staff") && !prefix("/console") && !prefix("/v1")
        case .signedWebhook: return !prefix("/staff") && !prefix("/console") && !prefix("/v1/Staff")
        }
    }

    /// Gives every registered route its policy, where `RoutePolicyMiddleware` reads it. A route
    /// without one, or any other problem of the table, stops the start.
    static func attach(to routes: Routes) throws {
        let problems = audit(routes: routes.all.map(RouteKey.init), table: table)
        guard problems.isEmpty else {
            throw RoutePolicyError(problems: problems)
        }
        for route in routes.all {
            route.userInfo[AccessPolicyKey()] = table[RouteKey(route)]
        }
    }

    struct RoutePolicyError: Error, CustomStringConvertible {
        let problems: [Problem]
        var description: String { "The route access policies are incomplete:\n" + problems.map(\.description).joined(separator: "\n") }
    }

    fileprivate struct AccessPolicyKey: Hashable, Sendable {}
}

extension Route {
    /// The route's declared access policy (`RoutePolicies.attach`).
    var accessPolicy: AccessPolicy? { userInfo[RoutePolicies.AccessPolicyKey()] as? AccessPolicy }
}
