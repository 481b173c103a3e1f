import Fluent
import TrustDeskCore
import Vapor

/// Requires a staff API key by HTTP Basic on the staff JSON API (`/v1/Staff/...`). Customer
/// credentials are not staff credentials: they get the same 20003 as any unrecognised one.
struct StaffAPIAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let basic = request.headers.basicAuthorization else { throw DomainError.badCredentials }
        let user = try await request.staffCredentials.authenticate(username: basic.username, password: basic.password)
        request.staffAPIUser = user
        request.logger[metadataKey: "staff_user_sid"] = .string(user.sid)
        return try await next.respond(to: request)
    }
}

extension Request {
    private struct StaffAPIUserKey: StorageKey { typealias Value = User }

    var staffAPIUser: User? {
        get { storage[StaffAPIUserKey.self] }
        set { storage[StaffAPIUserKey.self] = newValue }
    }

    /// The staff member behind the request's staff API key, with their current role.
    func requireStaffAPIUser() throws -> (User, StaffRole) {
        guard let user = staffAPIUser, let role = user.staffRole else { throw DomainError.badCredentials }
        return (user, role)
    }
}
