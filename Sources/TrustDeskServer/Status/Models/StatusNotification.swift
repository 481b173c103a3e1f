import Fluent
import Foundation
import TrustDeskCore

/// That a subscriber was sent a mailing: unique per (mailing, subscriber), so nobody gets the
/// same update twice however the job is interrupted or raced.
final class StatusNotification: Model, @unchecked Sendable {
    static let schema = "status_notifications"

    @ID(key: .id) var id: UUID?
    @Field(key: "mailing_id") var mailingID: UUID
    @Field(key: "subscriber_id") var subscriberID: UUID
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

struct CreateStatusNotifications: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StatusNotification.schema)
            .id()
            .field("mailing_id", .uuid, .required)
            .field("subscriber_id", .uuid, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("status_notifications_unique_idx", on: StatusNotification.schema, columns: ["mailing_id", "subscriber_id"], unique: true)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StatusNotification.schema).delete()
    }
}

extension StatusNotification {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [], note: "Which subscriber was sent which mailing; removed with the subscriber.", columns: [
        "id": .notPersonal,
        "mailing_id": .notPersonal,
        "subscriber_id": .notPersonal,
        "created_at": .notPersonal,
    ])
}
