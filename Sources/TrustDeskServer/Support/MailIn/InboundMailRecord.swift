import Fluent
import Foundation
import TrustDeskCore

/// One mail received through the inbound webhook (SUP-2) and what became of it. The unique
/// `dedupe_key` (its Message-ID, else a hash of its content) makes a provider's retry of the same
/// mail a no-op; `(from_address, received_at)` answers "did this address get guidance today?".
final class InboundMailRecord: Model, @unchecked Sendable {
    static let schema = "support_inbound_mails"

    @ID(key: .id) var id: UUID?
    @Field(key: "dedupe_key") var dedupeKey: String
    @OptionalField(key: "message_id") var messageID: String?
    @Field(key: "from_address") var fromAddress: String
    @Field(key: "subject") var subject: String
    /// `ticket_opened`, `reply`, `follow_up`, `guidance` or `ignored`.
    @Field(key: "outcome") var outcome: String
    @OptionalField(key: "ticket_number") var ticketNumber: Int?
    @Field(key: "detail") var detail: String
    @Field(key: "spf") var spf: String
    @Field(key: "received_at") var receivedAt: Date

    init() {}
}

struct CreateSupportInboundMails: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(InboundMailRecord.schema)
            .id()
            .field("dedupe_key", .string, .required)
            .field("message_id", .string)
            .field("from_address", .string, .required)
            .field("subject", .string, .required)
            .field("outcome", .string, .required)
            .field("ticket_number", .int)
            .field("detail", .string, .required)
            .field("spf", .string, .required)
            .field("received_at", .datetime, .required)
            .create()
        try await database.index("support_inbound_mails_dedupe_idx", on: InboundMailRecord.schema, columns: ["dedupe_key"], unique: true)
        try await database.index("support_inbound_mails_from_idx", on: InboundMailRecord.schema, columns: ["from_address", "received_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(InboundMailRecord.schema).delete()
    }
}

extension InboundMailRecord {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.email("from_address"), .ticket("ticket_number")], columns: [
        "id": .notPersonal,
        "dedupe_key": .notPersonal,
        "message_id": .notPersonal,
        "from_address": .personal(.accountData, .keepSupport3Years),
        "subject": .personal(.content, .keepSupport3Years),
        "outcome": .notPersonal,
        "ticket_number": .notPersonal,
        "detail": .personal(.content, .keepSupport3Years),
        "spf": .notPersonal,
        "received_at": .notPersonal,
    ])
}
