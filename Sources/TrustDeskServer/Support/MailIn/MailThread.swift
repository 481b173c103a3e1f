import Fluent
import Foundation
import TrustDeskCore
import SQLKit

/// A Message-ID that belongs to a ticket: every mail sent to the requester and every mail
/// received on the ticket. A reply names earlier Message-IDs in In-Reply-To and References,
/// which is how it finds its ticket when the Reply-To token is gone (SUP-2).
final class MailThread: Model, @unchecked Sendable {
    static let schema = "support_mail_threads"

    /// Without angle brackets, lowercased.
    @ID(custom: "message_id", generatedBy: .user) var id: String?
    @Field(key: "ticket_number") var ticketNumber: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

struct CreateSupportMailThreads: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(MailThread.schema)
            .field("message_id", .string, .identifier(auto: false))
            .field("ticket_number", .int, .required, .references(Ticket.schema, "number"))
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MailThread.schema).delete()
    }
}

/// The only reader and writer of `support_mail_threads`.
struct MailThreads {
    let database: any Database
    let now: Date

    func remember(_ messageID: String, ticket: Int) async throws {
        let id = messageID.lowercased()
        guard !id.isEmpty, id.count <= 250 else { return }
        try await database.sql.insert(into: MailThread.schema).columns("message_id", "ticket_number", "created_at")
            .values(SQLBind(id), SQLBind(ticket), SQLBind(now)).ignoringConflicts(with: ["message_id"]).run()
    }

    /// The ticket of the first of `messageIDs` that belongs to one.
    func ticket(answering messageIDs: [String]) async throws -> Int? {
        guard !messageIDs.isEmpty else { return nil }
        let rows = try await MailThread.query(on: database).filter(\.$id ~~ messageIDs).all()
        let found = Dictionary(rows.compactMap { row in row.id.map { ($0, row.ticketNumber) } }, uniquingKeysWith: { first, _ in first })
        return messageIDs.lazy.compactMap { found[$0] }.first
    }
}

extension MailThread {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "message_id", links: [.ticket("ticket_number")], columns: [
        "message_id": .notPersonal,
        "ticket_number": .notPersonal,
        "created_at": .notPersonal,
    ])
}
