import Foundation
import NIOCore
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// One cell of the authorization matrix: what a caller must get from a route, derived from the
/// route's declared policy (SEC-3), and the check of an answer against it.
struct MatrixCell: Sendable {
    enum Expected: Hashable, Sendable {
        /// Through: 2xx/3xx for a read; for a write any answer of the handler but a refusal.
        case allowed
        /// A form posted without its CSRF token by someone allowed to post it: 403, 20013 (SEC-5).
        case csrfRefused
        /// Pages send to sign-in; the API answers 401, 20003.
        case signIn
        case enrolTwoFactor
        case staffConsole
        /// 403, 20006: signed in, but the role may not.
        case forbidden
        /// The account's standing does not allow the action (STD-2): its own status and code.
        case standingRefused(ErrorCode)
        /// 404, 20404: another tenant's object, or a staff page to a customer.
        case notFound
        /// A webhook without its signature or secret: refused by its handler (SEC-4).
        case webhookRefused
    }

    let route: RoutePolicies.RouteKey
    let policy: AccessPolicy
    let caller: MatrixWorld.Caller
    let path: String
    let expected: Expected
    /// A parameter names nothing: an allowed caller may be told so (404).
    let placeholder: Bool
    /// Another tenant's object, refused by the handler rather than the policy: sent with the
    /// caller's CSRF token, so the handler is what answers.
    let tenancy: Bool

    /// POST routes without CSRF by design: RFC 8058 one-click unsubscribe, carried by a token.
    static let oneClick: Set<String> = ["/privacy/unsubscribe/one-click", "/status/unsubscribe/:token"]
    /// Features of a support plan (SUP-11 chat, SUP-16 reports) and organisation-wide resources a
    /// subaccount's credential can't use: their handlers refuse, with 403 and a code, a caller
    /// whose organisation's plan or credential does not include them. Acme's plan has them.
    static let planGated: Set<String> = [
        "/v1/Reports/:name", "/v1/Chat/Messages", "/console/support/chat", "/console/support/chat/consumer-trust",
        "/console/support/reports", "/console/support/reports/:file",
    ]
    /// Public documents whose examples use the demo's names (the OpenAPI contract).
    static let examples: Set<String> = ["/openapi.yaml"]

    var isAPI: Bool { route.path.hasPrefix("/v1/") }
    var isForm: Bool {
        route.method == .POST && !isAPI && !Self.oneClick.contains(route.path)
            && !["/api/", "/voice/", "/inbound/"].contains { route.path.hasPrefix($0) }
    }

    /// The expectation for `caller` on `route` from `table`; nil when the route has no policy.
    static func derive(_ route: RoutePolicies.RouteKey, _ caller: MatrixWorld.Caller, table: [RoutePolicies.RouteKey: AccessPolicy],
                       world: MatrixWorld) -> MatrixCell? {
        guard let policy = table[route] else { return nil }
        let (path, used, placeholder) = world.fill(route.path)
        let namesAcme = !used.filter(MatrixWorld.acmeObjects.contains).isEmpty
        let decision = policy.decide(for: caller.principal(for: policy))
        var expected: Expected = switch decision {
        case .allow: .allowed
        case .signIn: .signIn
        case .enrolTwoFactor: .enrolTwoFactor
        case .staffConsole: .staffConsole
        case .forbidden: .forbidden
        case .notFound: .notFound
        }
        var tenancy = false
        if expected == .allowed {
            switch policy {
            case .signedWebhook:
                expected = .webhookRefused
            case .customer(let action):
                if action != nil, caller.tenant != .acme {
                    expected = .notFound
                } else if let action, let role = caller.acmeRole, let refusal = ConsolePolicy.refusal(action, standing: world.acmeStanding, role: role) {
                    expected = refusal.code == .permissionDenied ? .forbidden : .standingRefused(refusal.code)
                } else if action == nil, namesAcme, caller.tenant != .acme {
                    expected = .notFound
                    tenancy = true
                }
            case .accountCredential where namesAcme && caller.tenant != .acme:
                expected = .notFound
                tenancy = true
            default: break
            }
        }
        var cell = MatrixCell(route: route, policy: policy, caller: caller, path: path, expected: expected, placeholder: placeholder, tenancy: tenancy)
        if cell.isForm, expected == .allowed {
            cell = MatrixCell(route: route, policy: policy, caller: caller, path: path, expected: .csrfRefused, placeholder: placeholder, tenancy: false)
        }
        return cell
    }

    /// What is wrong with `response` for this cell; empty when it is as expected.
    func violations(_ response: TestingHTTPResponse, secrets: [String]) -> [String] {
        let status = Int(response.status.code)
        let code = response.errorCode
        let location = response.location ?? ""
        var problems: [String] = []
        let ok: Bool = switch expected {
        case .allowed:
            switch status {
            case 200..<300: true
            // A method the resource does not take: the route's own answer, after the policy.
            case 405: code == ErrorCode.methodNotAllowed.rawValue
            case 403 where Self.planGated.contains(route.path) && caller.tenant != .acme:
                [ErrorCode.permissionDenied.rawValue, ErrorCode.chatNotAvailable.rawValue].contains(code ?? 0)
            // A public page may send a visitor to sign in (the home page does); nothing else may.
            case 300..<400: policy == .anyone || !location.hasPrefix("/signin") && !location.hasPrefix("/security")
            // An object that does not exist, or a public link without its token (410).
            case 404, 410: placeholder || policy == .anyone
            case 400..<500: route.method != .GET && ![401, 403].contains(status)
            default: false
            }
        case .csrfRefused: status == 403 && code == ErrorCode.csrfFailed.rawValue
        case .signIn: isAPI ? status == 401 && code == ErrorCode.authenticationFailed.rawValue : (300..<400).contains(status) && location.hasPrefix("/signin")
        case .enrolTwoFactor: (300..<400).contains(status) && location == "/security"
        case .staffConsole: (300..<400).contains(status) && location == "/staff"
        case .forbidden: status == 403 && code == ErrorCode.permissionDenied.rawValue
        case .standingRefused(let refusal): status == refusal.httpStatus && code == refusal.rawValue
        case .notFound:
            status == 404 && code == ErrorCode.notFound.rawValue
                // The route's own answers come before any object is looked up: a method it does not
                // take (405), an empty body (400). Neither says whether the object exists.
                || tenancy && (status == 405 || route.method != .GET && status == 400)
        case .webhookRefused: [401, 403, 404, 405].contains(status)
        }
        if !ok { problems.append("expected \(expected), got \(status) \(code.map(String.init) ?? "") \(location)") }
        if status == 403, code == nil { problems.append("403 with a body that is not an error") }
        if status >= 500 { problems.append("server error \(status)") }
        // Outsiders, and anyone refused, see nothing of Acme (SEC-3).
        let outsider = caller.tenant == .blueHarbor || caller.page == .anonymous && caller.api == .anonymous
            || { if case .staff(_, twoFactor: false) = caller.page { true } else { false } }()
        if outsider && !Self.examples.contains(route.path) || expected != .allowed && expected != .csrfRefused {
            let text = response.text
            for secret in secrets where text.contains(secret) { problems.append("body shows Acme's \(secret)") }
        }
        return problems.map { "\(route) as \(caller.name) (\(path)): \($0)" }
    }

    /// Sends the cell's request: the caller's credential, an empty JSON body on API writes, an
    /// empty form (with the CSRF token only for a tenancy cell) on page posts.
    func send(_ app: Application) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        var fields: [String: String] = [:]
        switch caller.credential {
        case .none: break
        case .session(let cookies, let csrf):
            headers.replaceOrAdd(name: .cookie, value: cookies)
            if tenancy { fields["csrf_token"] = csrf }
        case .basic(let username, let password):
            headers.basicAuthorization = BasicAuthorization(username: username, password: password)
        case .bearer(let token):
            headers.bearerAuthorization = BearerAuthorization(token: token)
        }
        var body: ByteBuffer?
        if route.method != .GET {
            if isAPI {
                headers.contentType = .json
                body = ByteBuffer(string: "{}")
            } else {
                headers.contentType = .urlEncodedForm
                body = ByteBuffer(string: Browser.formEncode(fields))
            }
        }
        if !isAPI { headers.replaceOrAdd(name: .accept, value: "text/html") }
        return try await app.testing().sendRequest(route.method, path, headers: headers, body: body)
    }
}
