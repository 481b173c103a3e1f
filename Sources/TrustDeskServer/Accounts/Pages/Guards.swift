import TrustDeskCore
import Vapor

/// Pages for customers: a full sign-in is needed; staff go to their own console.
struct CustomerGuard: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let session = request.signedIn else { return request.redirect("/signin") }
        if session.user.isStaff { return request.redirect("/staff") }
        return try await next.respond(to: request)
    }
}

/// Pages for staff: a full sign-in with two-factor, which staff must have enrolled (ACC-8).
struct StaffGuard: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let session = request.signedIn else { return request.redirect("/signin") }
        guard session.user.isStaff else {
            throw DomainError.notFound("page")
        }
        guard session.user.twoFactorEnabled else { return request.redirect("/security") }
        return try await next.respond(to: request)
    }
}
