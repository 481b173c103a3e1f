import Fluent
import Foundation
import TrustDeskCore

/// What a queue row shows of a ticket, read column by column (`QueryBuilder.rows`): a page of 51
/// rows reads neither the descriptions nor the intake, and builds no `Ticket` models.
struct QueueTicket: Decodable, StoredTicketCodes, Sendable {
    let number: Int
    let subject: String
    let product: String
    let priority: Int
    let status: String
    let organisationSID: String
    let requesterName: String
    let requesterEmail: String
    let assigneeSID: String?
    let updatedAt: Date
    let nextDueAt: Date?

    /// The `tickets` columns, which are also what is read.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case number, subject, product, priority, status
        case organisationSID = "organisation_sid", requesterName = "requester_name", requesterEmail = "requester_email"
        case assigneeSID = "assignee_sid", updatedAt = "updated_at", nextDueAt = "next_due_at"
    }

    static let columns = CodingKeys.allCases.map { FieldKey(stringLiteral: $0.rawValue) }
}
