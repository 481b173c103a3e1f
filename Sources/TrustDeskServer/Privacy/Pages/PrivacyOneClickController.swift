import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// RFC 8058 one-click unsubscribe (PRV-7): mail clients POST `List-Unsubscribe=One-Click` to the
/// link in the mail, without a browser session, so this route has no CSRF check; the link's
/// MAC is the proof.
struct PrivacyOneClickController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("privacy", "unsubscribe", "one-click", use: unsubscribe)
    }

    func unsubscribe(request: Request) async throws -> Response {
        let user = (try? request.query.get(String.self, at: "user")) ?? ""
        let token = (try? request.query.get(String.self, at: "token")) ?? ""
        guard try await PrivacyPreferences.optOut(user: user, token: token, request: request) else {
            throw DomainError(.linkExpired, "This unsubscribe link is not valid.")
        }
        return Response(status: .ok, body: .init(string: "Unsubscribed.\n"))
    }
}

extension PrivacyPreferences {
    /// Opts `user` out when `token` is their unsubscribe MAC; false otherwise.
    static func optOut(user: String, token: String, request: Request) async throws -> Bool {
        let expected = unsubscribeToken(for: user, box: request.application.secretBox)
        guard !user.isEmpty, token.count == expected.count, constantTimeEquals(token, expected),
              try await User.find(user, on: request.db) != nil else { return false }
        try await request.privacyPreferences.setMarketing(false, for: user)
        return true
    }
}
