import Fluent
import Foundation
import TrustDeskCore

/// A password-reset or username request (ACC-5, ACC-6) waiting to be looked up and mailed.
/// The form only writes this row, the same for every address, so its answer takes the same
/// time whether or not the address is known; the recovery job does the lookup and writes the
/// mail after the answer has gone.
final class RecoveryRequest: Model, @unchecked Sendable {
    static let schema = "account_recovery_requests"

    enum Kind: String, Sendable {
        case passwordReset = "password_reset"
        case usernameReminder = "username_reminder"
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    /// Validated and lowercased; account data (PRV-1), deleted once the request is handled.
    @Field(key: "email") var email: String
    @Field(key: "due_at") var dueAt: Date
    @Field(key: "attempts") var attempts: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(kind: Kind, email: String, now: Date) {
        self.id = UUID()
        self.kind = kind.rawValue
        self.email = email
        self.dueAt = now
        self.attempts = 0
        self.createdAt = now
    }
}

struct CreateRecoveryRequests: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RecoveryRequest.schema)
            .id()
            .field("kind", .string, .required)
            .field("email", .string, .required)
            .field("due_at", .datetime, .required)
            .field("attempts", .int, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("account_recovery_requests_due_idx", on: RecoveryRequest.schema, columns: ["due_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RecoveryRequest.schema).delete()
    }
}

extension RecoveryRequest {
    /// PRV-1: a request lives until its mail is written (seconds), then the row goes.
    static let inventory = TableInventory(schema, key: "id", links: [.email("email")], note: "Deleted once its mail is written, normally within seconds.", columns: [
        "id": .notPersonal,
        "kind": .notPersonal,
        "email": .personal(.accountData, .delete),
        "due_at": .notPersonal,
        "attempts": .notPersonal,
        "created_at": .notPersonal,
    ])
}
