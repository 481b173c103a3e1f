import TrustDeskCore

/// A ticket's stored codes, whether read as a `Ticket` or as a row of a list (`QueueTicket`),
/// seen as the core's types; a code this version does not know reads as the default.
protocol StoredTicketCodes {
    var status: String { get }
    var priority: Int { get }
    var product: String { get }
}

extension StoredTicketCodes {
    var ticketStatus: TicketStatus { TicketStatus(rawValue: status) ?? .open }
    var ticketPriority: TicketPriority { TicketPriority(rawValue: priority) ?? .generalIssue }
    var supportProduct: SupportProduct { SupportProduct(rawValue: product) ?? .other }
}
