import Fluent
import TrustDeskCore
import Vapor

/// Requires HTTP Basic credentials on every API route (ACC-7).
struct APICredentialAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let basic = request.headers.basicAuthorization else { throw DomainError.badCredentials }
        request.apiCredential = try await Credentials(database: request.db, now: request.now)
            .authenticate(username: basic.username, password: basic.password)
        // STD-2: a credential of an account not in good standing is refused with its standing's code.
        try await StandingGate(database: request.db, now: request.now)
            .admitAPI(accountSID: request.apiCredential?.accountSID ?? "", request: request, dormancy: request.application.trustDeskConfiguration.dormancyPolicy)
        request.logger[metadataKey: "account_sid"] = .string(request.apiCredential?.accountSID ?? "")
        return try await next.respond(to: request)
    }
}

extension Request {
    private struct APICredentialKey: StorageKey { typealias Value = APICredential }

    var apiCredential: APICredential? {
        get { storage[APICredentialKey.self] }
        set { storage[APICredentialKey.self] = newValue }
    }

    func requireAPICredential() throws -> APICredential {
        guard let credential = apiCredential else { throw DomainError.badCredentials }
        return credential
    }

    /// The path's account (`:accountSid`), if the caller's credential may act on it (SEC-3), and
    /// admitted by its standing (STD-2).
    func targetAccount() async throws -> Account {
        let credential = try requireAPICredential()
        let sid = try sidParameter("accountSid", .account)
        let account = try await accounts.accessible(sid, by: credential.accountSID)
        try StandingGate.admit(account, request: self)
        return account
    }

    /// A SID from the path, validated (ACC-1).
    func sidParameter(_ name: String, _ prefix: SIDPrefix) throws -> SID {
        guard let text = parameters.get(name) else { throw DomainError(.malformedSID, "The path has no \(name).") }
        do {
            return try SID(parsing: text, expecting: prefix)
        } catch {
            throw DomainError(sid: error)
        }
    }
}
