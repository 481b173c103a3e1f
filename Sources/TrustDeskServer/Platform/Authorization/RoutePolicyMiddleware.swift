import TrustDeskCore
import Vapor

/// Enforces the access policy declared for the matched route in `RoutePolicies` (SEC-3). It
/// sits in every route group after the group's authenticator (session, API credential, staff API
/// key, service token), so it sees who is asking, and before CSRF, so a form is checked for its
/// token only once its sender may use it. A route without a declared policy is refused: the
/// server fails closed (and does not start, `RoutePolicies.attach`).
///
/// Not an `AsyncMiddleware`: most policies decide without waiting, and on the admission path a
/// task per request is a cost worth avoiding.
struct RoutePolicyMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard let policy = request.route?.accessPolicy else {
            request.logger.error("route without an access policy refused", metadata: ["route": .string(request.route?.description ?? request.url.path)])
            return request.eventLoop.makeFailedFuture(DomainError(.permissionDenied, "This resource is not available."))
        }
        let decision = policy.decide(for: request.principal(for: policy))
        if decision != .allow {
            return Self.refuse(decision, policy: policy, request: request)
        }
        // The viewer's role on the account in the path: another tenant's account is "not found"
        // (SEC-3), an action the role does not allow 403 (ACC-4), by the one console loader.
        if case .customer(let action?) = policy {
            return request.eventLoop.makeFutureWithTask {
                _ = try await request.consoleAccount(for: action)
                return try await next.respond(to: request).get()
            }
        }
        return next.respond(to: request)
    }

    /// Pages answer with where to go (sign in, enrol two-factor, the staff console); the API
    /// and refusals with a stable error code.
    static func refuse(_ decision: AccessDecision, policy: AccessPolicy, request: Request) -> EventLoopFuture<Response> {
        let pages = policy.readsSession
        let error: DomainError
        switch decision {
        case .allow, .signIn:
            guard !pages else { return request.eventLoop.makeSucceededFuture(request.redirect("/signin")) }
            error = .badCredentials
        case .enrolTwoFactor: return request.eventLoop.makeSucceededFuture(request.redirect("/security"))
        case .staffConsole: return request.eventLoop.makeSucceededFuture(request.redirect("/staff"))
        case .notFound: error = .notFound("page")
        case .forbidden:
            let roles: [StaffRole] = switch policy {
            case .staff(let page), .staffAPIKey(let page): page.roles
            default: []
            }
            error = DomainError(.permissionDenied, "Your staff role can't open this: it is for \(roles.map(\.displayName).joined(separator: ", ")).")
        }
        return request.eventLoop.makeFailedFuture(error)
    }
}

extension AccessPolicy {
    /// Browser pages know people by their session; API routes by their credential.
    var readsSession: Bool {
        switch self {
        case .signedIn, .customer, .staff: true
        case .anyone, .accountCredential, .staffAPIKey, .serviceToken, .signedWebhook: false
        }
    }
}

extension Request {
    /// Who is asking, as the policy's kind of route tells it; the group's authenticator has run.
    func principal(for policy: AccessPolicy) -> Principal {
        switch policy {
        case .anyone, .signedWebhook:
            return .anonymous
        case .signedIn, .customer, .staff:
            guard let user = signedIn?.user else { return .anonymous }
            guard let role = user.staffRole else { return .customer }
            return .staff(role, twoFactor: user.twoFactorEnabled)
        case .accountCredential:
            return apiCredential == nil ? .anonymous : .accountCredential
        case .staffAPIKey:
            return staffAPIUser?.staffRole.map(Principal.staffAPIKey) ?? .anonymous
        case .serviceToken:
            return isServiceCaller ? .serviceToken : .anonymous
        }
    }
}
