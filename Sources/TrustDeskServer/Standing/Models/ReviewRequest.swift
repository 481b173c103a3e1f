import Fluent
import Foundation
import TrustDeskCore

/// A customer's request for a human review of an automated decision (STD-3). Decided by
/// Consumer Trust: upheld or reinstated, each an enforcement record of its own.
final class ReviewRequest: Model, @unchecked Sendable {
    static let schema = "standing_review_requests"

    enum Status: String, Sendable { case open, upheld, reinstated }

    @ID(key: .id) var id: UUID?
    @Field(key: "account_sid") var accountSID: String
    /// The enforcement record under review.
    @Field(key: "record_id") var recordID: UUID
    @Field(key: "requested_by") var requestedBy: String
    @Field(key: "message") var message: String
    @Field(key: "status") var status: String
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    /// The support ticket number, when the support desk opened one.
    @OptionalField(key: "ticket_number") var ticketNumber: Int?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(account: String, record: UUID, requestedBy: String, message: String, now: Date) {
        self.id = UUID()
        self.accountSID = account
        self.recordID = record
        self.requestedBy = requestedBy
        self.message = message
        self.status = Status.open.rawValue
        self.createdAt = now
    }
}

struct CreateReviewRequests: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ReviewRequest.schema)
            .id()
            .field("account_sid", .string, .required, .references(Account.schema, "sid"))
            .field("record_id", .uuid, .required, .references(EnforcementRecord.schema, "id"))
            .field("requested_by", .string, .required)
            .field("message", .string, .required)
            .field("status", .string, .required)
            .field("decided_by", .string)
            .field("decided_at", .datetime)
            .field("ticket_number", .int)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("standing_reviews_status_idx", on: ReviewRequest.schema, columns: ["status", "created_at"])
        try await database.index("standing_reviews_account_idx", on: ReviewRequest.schema, columns: ["account_sid", "status"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ReviewRequest.schema).delete()
    }
}

extension ReviewRequest {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.account("account_sid")], columns: [
        "id": .notPersonal,
        "account_sid": .notPersonal,
        "record_id": .notPersonal,
        "requested_by": .notPersonal,
        "message": .personal(.content, .keepSupport3Years),
        "status": .notPersonal,
        "decided_by": .notPersonal,
        "decided_at": .notPersonal,
        "ticket_number": .notPersonal,
        "created_at": .notPersonal,
    ])
}
