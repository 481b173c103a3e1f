import Fluent
import Foundation
import TrustDeskCore

/// A support ticket (SUP-6). Its number is human-friendly and increasing. Queues read it
/// through indexes that end in `number`, so every list is a keyset page.
final class Ticket: Model, StoredTicketCodes, @unchecked Sendable {
    static let schema = "tickets"

    @ID(custom: "number", generatedBy: .database) var id: Int?
    @Field(key: "subject") var subject: String
    @Field(key: "description") var description: String
    @Field(key: "product") var product: String
    @Field(key: "priority") var priority: Int
    @Field(key: "status") var status: String
    /// False once solved or closed: queues show unsolved work only.
    @Field(key: "unsolved") var unsolved: Bool
    @Field(key: "organisation_sid") var organisationSID: String
    @Field(key: "account_sid") var accountSID: String
    /// A user SID, or the account SID when the ticket came through the API.
    @Field(key: "requester_sid") var requesterSID: String
    @Field(key: "requester_name") var requesterName: String
    @Field(key: "requester_email") var requesterEmail: String
    @OptionalField(key: "assignee_sid") var assigneeSID: String?
    @Field(key: "group_name") var groupName: String
    @Field(key: "plan") var plan: String
    @Field(key: "has_sla") var hasSLA: Bool
    @OptionalField(key: "topic") var topic: String?
    /// Space-separated staff tags.
    @Field(key: "tags") var tags: String
    /// Space-separated SIDs the customer gave (SUP-12).
    @Field(key: "sids") var sids: String
    /// Product-specific intake details as JSON (country, direction, SDK, ...).
    @Field(key: "intake_details") var intakeDetails: String
    /// Intake warnings shown to the customer, one per line.
    @Field(key: "intake_warnings") var intakeWarnings: String
    @OptionalField(key: "follow_up_of") var followUpOf: Int?
    @OptionalField(key: "solved_at") var solvedAt: Date?
    /// Set while solved: when the 4-day rule closes it (SUP-6). The auto-close job's index.
    @OptionalField(key: "close_due_at") var closeDueAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    /// While pending: when the follow-up job acts next (reminder, then solve) (SUP-7). The
    /// job's index.
    @OptionalField(key: "pending_next_at") var pendingNextAt: Date?
    @OptionalField(key: "pending_solve_at") var pendingSolveAt: Date?
    @OptionalField(key: "pending_reminded") var pendingReminded: Bool?
    /// Set while an escalation is open (SUP-9); claimed by a conditional UPDATE.
    @OptionalField(key: "open_escalation_id") var openEscalationID: UUID?
    /// The first public staff reply: what the first-response report measures (SUP-16).
    @OptionalField(key: "first_response_at") var firstResponseAt: Date?
    /// When the ticket next owes staff a response (`TicketDue`, SUP-8): what the queues show in
    /// their due column and sort by (issue 11).
    @OptionalField(key: "next_due_at") var nextDueAt: Date?

    init() {}

    var number: Int { id ?? 0 }
    var sidList: [String] { sids.split(separator: " ").map(String.init) }
    var warningList: [String] { intakeWarnings.split(separator: "\n").map(String.init) }
    /// The intake answers as stored at opening (SUP-6).
    var details: [String: String] {
        get throws(CorruptStoredValue) {
            try StoredJSON.decode([String: String].self, intakeDetails, table: Self.schema, column: "intake_details", row: String(number))
        }
    }

    func setStatus(_ value: TicketStatus) {
        status = value.rawValue
        unsolved = value.isUnsolved
    }
}

struct CreateTickets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Ticket.schema)
            .field("number", .int, .identifier(auto: true))
            .field("subject", .string, .required)
            .field("description", .string, .required)
            .field("product", .string, .required)
            .field("priority", .int, .required)
            .field("status", .string, .required)
            .field("unsolved", .bool, .required)
            .field("organisation_sid", .string, .required, .references(Account.schema, "sid"))
            .field("account_sid", .string, .required, .references(Account.schema, "sid"))
            .field("requester_sid", .string, .required)
            .field("requester_name", .string, .required)
            .field("requester_email", .string, .required)
            .field("assignee_sid", .string, .references(User.schema, "sid"))
            .field("group_name", .string, .required)
            .field("plan", .string, .required)
            .field("has_sla", .bool, .required)
            .field("topic", .string)
            .field("tags", .string, .required)
            .field("sids", .string, .required)
            .field("intake_details", .string, .required)
            .field("intake_warnings", .string, .required)
            .field("follow_up_of", .int)
            .field("solved_at", .datetime)
            .field("close_due_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.index("tickets_org_idx", on: Ticket.schema, columns: ["organisation_sid", "number"])
        try await database.index("tickets_account_idx", on: Ticket.schema, columns: ["account_sid", "number"])
        try await database.index("tickets_assignee_idx", on: Ticket.schema, columns: ["assignee_sid", "unsolved", "number"])
        try await database.index("tickets_group_idx", on: Ticket.schema, columns: ["group_name", "unsolved", "number"])
        try await database.index("tickets_close_due_idx", on: Ticket.schema, columns: ["close_due_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Ticket.schema).delete()
    }
}

/// SUP-7's columns, added after the tickets table (one column per statement, as SQLite wants).
struct AddTicketPendingFollowUp: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Ticket.schema).field("pending_next_at", .datetime).update()
        try await database.schema(Ticket.schema).field("pending_solve_at", .datetime).update()
        try await database.schema(Ticket.schema).field("pending_reminded", .bool).update()
        try await database.index("tickets_pending_next_idx", on: Ticket.schema, columns: ["pending_next_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("tickets_pending_next_idx")
        try await database.schema(Ticket.schema).deleteField("pending_reminded").update()
        try await database.schema(Ticket.schema).deleteField("pending_solve_at").update()
        try await database.schema(Ticket.schema).deleteField("pending_next_at").update()
    }
}

extension Ticket {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "number", links: [.account("organisation_sid"), .user("requester_sid")], columns: [
        "number": .notPersonal,
        "subject": .personal(.content, .keepSupport3Years),
        "description": .personal(.content, .keepSupport3Years),
        "product": .notPersonal,
        "priority": .notPersonal,
        "status": .notPersonal,
        "unsolved": .notPersonal,
        "organisation_sid": .notPersonal,
        "account_sid": .notPersonal,
        "requester_sid": .notPersonal,
        "requester_name": .personal(.accountData, .keepSupport3Years),
        "requester_email": .personal(.accountData, .keepSupport3Years),
        "assignee_sid": .notPersonal,
        "group_name": .notPersonal,
        "plan": .notPersonal,
        "has_sla": .notPersonal,
        "first_response_at": .notPersonal,
        "open_escalation_id": .notPersonal,
        "topic": .notPersonal,
        "tags": .notPersonal,
        "sids": .personal(.usageData, .keepSupport3Years),
        "intake_details": .personal(.content, .keepSupport3Years),
        "intake_warnings": .notPersonal,
        "follow_up_of": .notPersonal,
        "solved_at": .notPersonal,
        "close_due_at": .notPersonal,
        "created_at": .notPersonal,
        "updated_at": .notPersonal,
        "pending_next_at": .notPersonal,
        "pending_solve_at": .notPersonal,
        "pending_reminded": .notPersonal,
        "next_due_at": .notPersonal,
    ])
}
