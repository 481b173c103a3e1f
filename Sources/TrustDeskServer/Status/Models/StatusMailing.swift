import Fluent
import Foundation
import TrustDeskCore

/// One message to every subscriber who wants it: an update, or a maintenance reminder. The
/// `status_notifications` job writes it to the outbox 1,000 subscribers per transaction,
/// walking subscribers in id order from `cursor`.
final class StatusMailing: Model, @unchecked Sendable {
    static let schema = "status_mailings"

    enum Kind: String, Sendable {
        case update, reminder
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "incident_id") var incidentID: String
    @OptionalField(key: "update_id") var updateID: String?
    @Field(key: "kind") var kind: String
    @Field(key: "subject") var subject: String
    /// The text without the per-subscriber unsubscribe footer.
    @Field(key: "body") var body: String
    /// Affected component ids (and their groups), space-separated; empty concerns everyone.
    @Field(key: "components") var components: String
    /// The last subscriber written; NULL before the first batch.
    @OptionalField(key: "cursor") var cursor: UUID?
    @Field(key: "written") var written: Int
    /// NULL once every subscriber was reached.
    @OptionalField(key: "due_at") var dueAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?

    init() {}

    var componentIDs: Set<String> { Set(components.split(separator: " ").map(String.init)) }
}

struct CreateStatusMailings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StatusMailing.schema)
            .id()
            .field("incident_id", .string, .required)
            .field("update_id", .string)
            .field("kind", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("components", .string, .required)
            .field("cursor", .uuid)
            .field("written", .int, .required)
            .field("due_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("finished_at", .datetime)
            .create()
        try await database.index("status_mailings_due_idx", on: StatusMailing.schema, columns: ["due_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StatusMailing.schema).delete()
    }
}

extension StatusMailing {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [], columns: [
        "id": .notPersonal,
        "incident_id": .notPersonal,
        "update_id": .notPersonal,
        "kind": .notPersonal,
        "subject": .notPersonal,
        "body": .notPersonal,
        "components": .notPersonal,
        "cursor": .notPersonal,
        "written": .notPersonal,
        "due_at": .notPersonal,
        "created_at": .notPersonal,
        "finished_at": .notPersonal,
    ])
}
