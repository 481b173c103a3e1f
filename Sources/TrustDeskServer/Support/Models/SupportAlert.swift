import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// A console alert for a staff member (SLA breaches, new assignments).
final class SupportAlert: Model, @unchecked Sendable {
    static let schema = "support_alerts"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_sid") var userSID: String
    @Field(key: "ticket_number") var ticketNumber: Int
    @Field(key: "message") var message: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(user: String, ticket: Int, message: String, now: Date) {
        self.id = UUID()
        self.userSID = user
        self.ticketNumber = ticket
        self.message = message
        self.createdAt = now
    }
}

extension SupportAlert {
    /// Writes `alerts` in multi-row INSERTs (a breach pass alerts hundreds at once).
    static func createAll(_ alerts: [SupportAlert], on database: any Database) async throws {
        let sql = try database.sql
        for start in stride(from: 0, to: alerts.count, by: rowsPerInsert) {
            var insert = sql.insert(into: schema).columns("id", "user_sid", "ticket_number", "message", "created_at")
            for alert in alerts[start..<min(start + rowsPerInsert, alerts.count)] {
                insert = insert.values(SQLBind(alert.id ?? UUID()), SQLBind(alert.userSID), SQLBind(alert.ticketNumber), SQLBind(alert.message), SQLBind(alert.createdAt))
            }
            try await insert.run()
        }
    }

    /// Five binds a row.
    static let rowsPerInsert = 1000
}

/// `support_alerts`, once made by `CreateTicketSLATargets` together with its own table (one
/// table per migration since issue 10). A database migrated before that split already has the
/// table from the older migration: there this one adopts it, and `CreateTicketSLATargets`,
/// which created it there, still drops it on revert. So reverting only this batch gives such a
/// database back exactly the schema the previous release expects.
struct CreateSupportAlerts: AsyncMigration {
    var name: String { "TrustDeskServer.CreateSupportAlerts" }

    func prepare(on database: any Database) async throws {
        guard try await !database.tableExists(SupportAlert.schema) else { return }
        try await database.schema(SupportAlert.schema)
            .id()
            .field("user_sid", .string, .required, .references(User.schema, "sid"))
            .field("ticket_number", .int, .required, .references(Ticket.schema, "number"))
            .field("message", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("support_alerts_user_idx", on: SupportAlert.schema, columns: ["user_sid", "created_at"])
    }

    func revert(on database: any Database) async throws {
        guard try await database.splitMadeItsTable(name, original: CreateTicketSLATargets().name) else { return }
        try await database.schema(SupportAlert.schema).delete()
    }
}

extension SupportAlert {
    /// PRV-1: staff alerts name tickets, not people; they go with their ticket.
    static let inventory = TableInventory(schema, key: "id", links: [.ticket("ticket_number")], columns: [
        "id": .notPersonal, "user_sid": .notPersonal, "ticket_number": .notPersonal,
        "message": .personal(.content, .keepSupport3Years), "created_at": .notPersonal,
    ])
}
