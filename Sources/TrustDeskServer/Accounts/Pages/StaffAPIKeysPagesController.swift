import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// A staff member's own API keys for the staff JSON API: create (secret shown once), list,
/// revoke. A staff route in `RoutePolicies`, so two-factor is enrolled.
struct StaffAPIKeysPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let keys = routes.grouped("staff", "api-keys")
        keys.get(use: show)
        keys.post(use: create)
        keys.post(":keySid", "revoke", use: revoke)
    }

    struct KeyView: Encodable {
        let sid: String
        let friendlyName: String
        let created: String
        let lastUsed: String?
        let revoked: String?
    }

    struct Body: Encodable {
        let keys: [KeyView]
        let role: String
        var newKeySid: String? = nil
        var newSecret: OneTimeSecretView? = nil
    }

    private func staff(_ request: Request) throws -> User {
        guard let user = request.signedIn?.user, user.isStaff else { throw DomainError.notFound("page") }
        return user
    }

    private func body(_ request: Request, _ staff: User) async throws -> Body {
        let keys = try await request.staffCredentials.keys(of: staff)
        return Body(keys: keys.map {
            KeyView(sid: $0.sid, friendlyName: $0.friendlyName, created: DateDisplay.local($0.createdAt),
                    lastUsed: $0.lastUsedAt.map(DateDisplay.local), revoked: $0.revokedAt.map(DateDisplay.local))
        }, role: staff.staffRole?.displayName ?? "")
    }

    func show(request: Request) async throws -> Response {
        let staff = try staff(request)
        return try await request.page("staff/api-keys", title: "Staff API keys", try await body(request, staff))
    }

    func create(request: Request) async throws -> Response {
        let staff = try staff(request)
        let form = request.pageForm()
        let now = request.now
        var errors = FormErrors()
        let created = try await errors.attempt {
            try await request.db.transaction { db in
                try await StaffCredentials(database: db, now: now).create(for: staff, friendlyName: form.text("friendly_name"))
            }
        }
        var body = try await body(request, staff)
        guard let created else {
            return try await request.page("staff/api-keys", title: "Staff API keys", body, form: form, errors: errors)
        }
        let (key, secret) = created
        body.newKeySid = key.sid
        body.newSecret = .keySecret(secret, id: "new-key-secret")
        return try await request.page("staff/api-keys", title: "Staff API keys", body,
                                      notice: "Key \(key.sid) created. Copy the secret now: it is shown only once.")
    }

    /// Answers with the confirmation step first (`ConsoleConfirmation`); only its form revokes.
    func revoke(request: Request) async throws -> Response {
        let staff = try staff(request)
        let sid = try request.sidParameter("keySid", .staffAPIKey)
        let now = request.now
        do {
            let key = try await StaffCredentials(database: request.db, now: now).key(sid.rawValue, of: staff)
            guard ConsoleConfirmation.isConfirmed(request.pageForm(), for: key.sid) else {
                return try await request.page("console/confirm", title: "Revoke \(key.friendlyName)?", ConsoleConfirmation.revokeStaffKey(key))
            }
            try await request.db.transaction { db in
                try await StaffCredentials(database: db, now: now).revoke(sid.rawValue, of: staff)
            }
            return try await request.page("staff/api-keys", title: "Staff API keys", try await body(request, staff), notice: "Key \(sid.rawValue) revoked; it stops working at once.")
        } catch let error as DomainError {
            return try await request.page("staff/api-keys", title: "Staff API keys", try await body(request, staff), error: error)
        }
    }
}
