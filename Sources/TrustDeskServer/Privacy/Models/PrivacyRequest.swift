import Fluent
import Foundation
import TrustDeskCore

/// A privacy request (PRV-2, PRV-3): who asked, about whom, what, its due date and status.
/// Kept as the record that the request was answered on time (PRV-9).
final class PrivacyRequest: Model, @unchecked Sendable {
    static let schema = "privacy_requests"

    enum Scope: String, Sendable {
        /// The organisation's data: the account, its subaccounts, tickets, usage.
        case account
        /// One person's own data: their login, sessions, tickets they opened, what they wrote.
        case user
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "type") var type: String
    @Field(key: "status") var status: String
    @Field(key: "scope") var scope: String
    @OptionalField(key: "account_sid") var accountSID: String?
    @OptionalField(key: "user_sid") var userSID: String?
    /// How it came: `console`, `api`, `public` (verified by mailed link) or `staff`.
    @Field(key: "channel") var channel: String
    /// Where answers go; for public requests, the address that was verified.
    @Field(key: "reply_to") var replyTo: String
    @Field(key: "received_at") var receivedAt: Date
    @OptionalField(key: "verified_at") var verifiedAt: Date?
    @Field(key: "due_at") var dueAt: Date
    @OptionalField(key: "extended_to") var extendedTo: Date?
    @OptionalField(key: "extension_reason") var extensionReason: String?
    /// While open and not yet flagged: when it becomes overdue. The overdue job's index.
    @OptionalField(key: "overdue_check_at") var overdueCheckAt: Date?
    @OptionalField(key: "overdue_flagged_at") var overdueFlaggedAt: Date?
    /// When the processing job should work on it next. Its index.
    @OptionalField(key: "process_at") var processAt: Date?
    /// What the requester sees of the work so far.
    @Field(key: "progress") var progress: String
    @OptionalField(key: "legal_hold_cases") var legalHoldCases: String?
    @OptionalField(key: "completed_at") var completedAt: Date?
    @OptionalField(key: "verification_token_hash") var verificationTokenHash: String?
    @OptionalField(key: "verification_expires_at") var verificationExpiresAt: Date?
    @Field(key: "verification_attempts") var verificationAttempts: Int
    @OptionalField(key: "export_path") var exportPath: String?
    @OptionalField(key: "export_sha256") var exportSHA256: String?
    @OptionalField(key: "export_token_hash") var exportTokenHash: String?
    @OptionalField(key: "export_expires_at") var exportExpiresAt: Date?
    @OptionalField(key: "export_downloaded_at") var exportDownloadedAt: Date?
    @Field(key: "updated_at") var updatedAt: Date
    /// `account:<sid>` or `user:<sid>` while this is an open deletion request: a unique index
    /// makes a second one fail even when two arrive at once (23001).
    @OptionalField(key: "open_deletion_key") var openDeletionKey: String?

    init() {}

    var requestType: PrivacyRequestType { PrivacyRequestType(rawValue: type) ?? .access }
    var requestStatus: PrivacyRequestStatus { PrivacyRequestStatus(rawValue: status) ?? .error }
    var requestScope: Scope { Scope(rawValue: scope) ?? .user }
    var effectiveDue: Date { PrivacyDeadline.effectiveDue(dueAt: dueAt, extendedTo: extendedTo) }
    var holdCases: [String] { (legalHoldCases ?? "").split(separator: ",").map(String.init) }
}

struct CreatePrivacyRequests: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PrivacyRequest.schema)
            .id()
            .field("type", .string, .required)
            .field("status", .string, .required)
            .field("scope", .string, .required)
            .field("account_sid", .string)
            .field("user_sid", .string)
            .field("channel", .string, .required)
            .field("reply_to", .string, .required)
            .field("received_at", .datetime, .required)
            .field("verified_at", .datetime)
            .field("due_at", .datetime, .required)
            .field("extended_to", .datetime)
            .field("extension_reason", .string)
            .field("overdue_check_at", .datetime)
            .field("overdue_flagged_at", .datetime)
            .field("process_at", .datetime)
            .field("progress", .string, .required)
            .field("legal_hold_cases", .string)
            .field("completed_at", .datetime)
            .field("verification_token_hash", .string)
            .field("verification_expires_at", .datetime)
            .field("verification_attempts", .int, .required)
            .field("export_path", .string)
            .field("export_sha256", .string)
            .field("export_token_hash", .string)
            .field("export_expires_at", .datetime)
            .field("export_downloaded_at", .datetime)
            .field("updated_at", .datetime, .required)
            .field("open_deletion_key", .string)
            .create()
        try await database.index("privacy_requests_export_expiry_idx", on: PrivacyRequest.schema, columns: ["export_expires_at"])
        try await database.index("privacy_requests_open_deletion_idx", on: PrivacyRequest.schema, columns: ["open_deletion_key"], unique: true)
        try await database.index("privacy_requests_overdue_idx", on: PrivacyRequest.schema, columns: ["overdue_check_at"])
        try await database.index("privacy_requests_process_idx", on: PrivacyRequest.schema, columns: ["process_at"])
        try await database.index("privacy_requests_account_idx", on: PrivacyRequest.schema, columns: ["account_sid", "received_at"])
        try await database.index("privacy_requests_user_idx", on: PrivacyRequest.schema, columns: ["user_sid", "received_at"])
        try await database.index("privacy_requests_status_idx", on: PrivacyRequest.schema, columns: ["status", "due_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PrivacyRequest.schema).delete()
    }
}

extension PrivacyRequest {
    /// PRV-1. The request itself is the proof it was answered: kept 7 years.
    static let inventory = TableInventory(schema, key: "id", links: [.account("account_sid"), .user("user_sid")], columns: [
        "id": .notPersonal, "type": .notPersonal, "status": .notPersonal, "scope": .notPersonal,
        "account_sid": .notPersonal, "user_sid": .notPersonal, "channel": .notPersonal,
        "reply_to": .personal(.accountData, .keep7Years),
        "received_at": .notPersonal, "verified_at": .notPersonal, "due_at": .notPersonal, "extended_to": .notPersonal,
        "extension_reason": .notPersonal, "overdue_check_at": .notPersonal, "overdue_flagged_at": .notPersonal,
        "process_at": .notPersonal, "progress": .notPersonal, "legal_hold_cases": .notPersonal, "completed_at": .notPersonal,
        "verification_token_hash": .secret(.null), "verification_expires_at": .notPersonal, "verification_attempts": .notPersonal,
        "export_path": .notPersonal, "export_sha256": .notPersonal, "export_token_hash": .secret(.null),
        "export_expires_at": .notPersonal, "export_downloaded_at": .notPersonal, "updated_at": .notPersonal,
        "open_deletion_key": .notPersonal,
    ])
}
