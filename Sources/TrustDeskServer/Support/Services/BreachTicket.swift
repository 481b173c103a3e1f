import Fluent
import Foundation

/// What an SLA breach pass needs of a ticket: whom to alert, what to say, and which report rows
/// to add to. A pass reads up to 500 tickets; as `Ticket` models, their descriptions and intake
/// were read and each built by reflection over 28 properties (a profile at 1,000,000 tickets put
/// a quarter of the pass there).
struct BreachTicket: Decodable, StoredTicketCodes, ReportedTicket, Sendable {
    let number: Int
    let priority: Int
    let status: String
    let product: String
    let organisationSID: String
    let assigneeSID: String?
    let plan: String
    let groupName: String

    /// The `tickets` columns, which are also what is read.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case number, priority, status, product, plan
        case organisationSID = "organisation_sid", assigneeSID = "assignee_sid", groupName = "group_name"
    }

    static let columns = CodingKeys.allCases.map { FieldKey(stringLiteral: $0.rawValue) }
}
