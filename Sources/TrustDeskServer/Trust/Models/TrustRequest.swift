import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// A customer's request for more messages or a score review (PT-10), decided by trust and
/// safety staff. Approval writes an override on the profile; the row keeps who decided and why
/// (the audit).
final class TrustRequest: Model, @unchecked Sendable {
    static let schema = "trust_requests"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_sid") var accountSID: String
    /// `more_messages` or `score_review`.
    @Field(key: "kind") var kind: String
    @OptionalField(key: "amount") var amount: Int?
    @OptionalField(key: "starts_on") var startsOn: Date?
    @OptionalField(key: "ends_on") var endsOn: Date?
    @Field(key: "reason") var reason: String
    @Field(key: "requested_by") var requestedBy: String
    /// `open`, `approved`, `declined`.
    @Field(key: "status") var status: String
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decision_note") var decisionNote: String?
    @OptionalField(key: "granted_limit") var grantedLimit: Int?
    @OptionalField(key: "granted_score") var grantedScore: Int?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    /// The trust-and-safety ticket the request opened (PT-10); nil for staff's direct
    /// overrides and for requests made before tickets were wired in.
    @OptionalField(key: "ticket_number") var ticketNumber: Int?

    init() {}

    var topic: TrustSafetyTopic { TrustSafetyTopic(rawValue: kind) ?? .scoreReview }
    var requestStatus: TrustRequestStatus { TrustRequestStatus(rawValue: status) ?? .open }
}

struct CreateTrustRequests: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TrustRequest.schema)
            .id()
            .field("account_sid", .string, .required)
            .field("kind", .string, .required)
            .field("amount", .int)
            .field("starts_on", .datetime)
            .field("ends_on", .datetime)
            .field("reason", .string, .required)
            .field("requested_by", .string, .required)
            .field("status", .string, .required)
            .field("decided_by", .string)
            .field("decision_note", .string)
            .field("granted_limit", .int)
            .field("granted_score", .int)
            .field("decided_at", .datetime)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("trust_requests_status_idx", on: TrustRequest.schema, columns: ["status", "created_at"])
        try await database.index("trust_requests_account_idx", on: TrustRequest.schema, columns: ["account_sid", "created_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TrustRequest.schema).delete()
    }
}

/// PT-10: requests open tickets; the ticket page finds its request through this index.
struct AddTrustRequestTicketNumber: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TrustRequest.schema).field("ticket_number", .int).update()
        try await database.index("trust_requests_ticket_idx", on: TrustRequest.schema, columns: ["ticket_number"])
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "trust_requests_ticket_idx").run()
        try await database.dropIndex("trust_requests_ticket_idx")
        try await database.schema(TrustRequest.schema).deleteField("ticket_number").update()
    }
}

extension TrustRequest {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.account("account_sid")], columns: [
        "id": .notPersonal,
        "account_sid": .notPersonal,
        "kind": .notPersonal,
        "amount": .notPersonal,
        "starts_on": .notPersonal,
        "ends_on": .notPersonal,
        "reason": .personal(.content, .keepSupport3Years),
        "requested_by": .notPersonal,
        "status": .notPersonal,
        "decided_by": .notPersonal,
        "decision_note": .personal(.content, .keepSupport3Years),
        "granted_limit": .notPersonal,
        "granted_score": .notPersonal,
        "decided_at": .notPersonal,
        "created_at": .notPersonal,
        "ticket_number": .notPersonal,
    ])
}
