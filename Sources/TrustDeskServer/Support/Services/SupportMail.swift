import Fluent
import Foundation
import TrustDeskCore

/// How ticket mail is addressed: links are absolute (a mail client has no base URL), and when
/// inbound mail is set up every mail carries the ticket's Reply-To token (SUP-2).
struct SupportSettings: Sendable {
    let publicURL: String
    let replyToken: ReplyToken?

    func customerTicketLink(_ number: Int) -> String { "\(publicURL)/console/support/tickets/\(number)" }
    func staffTicketLink(_ number: Int) -> String { "\(publicURL)/staff/support/tickets/\(number)" }
}

/// Mail about tickets. Each requester mail is threaded: its Message-ID is remembered with the
/// ticket, so a reply that lost the Reply-To address still finds the ticket by In-Reply-To.
struct SupportMail {
    let database: any Database
    let now: Date
    let settings: SupportSettings

    func toRequester(_ ticket: Ticket, subject: String, body: String) async throws {
        guard !ticket.requesterEmail.isEmpty else { return }
        var headers: [MailHeader] = []
        var footer = "See the ticket in your console: \(settings.customerTicketLink(ticket.number))"
        if let token = settings.replyToken {
            headers.append(MailHeader("Reply-To", token.address(for: ticket.number)))
            footer = "Reply to this email to answer on the ticket, or see it in your console: \(settings.customerTicketLink(ticket.number))"
        }
        let queued = try await Outbox(database: database, now: now).enqueue(
            to: ticket.requesterEmail, subject: String(subject.prefix(200)), body: body + "\n\n" + footer, kind: "support_ticket", headers: headers)
        if let id = queued {
            try await MailThreads(database: database, now: now).remember(MIMEMessage.messageID(id), ticket: ticket.number)
        }
    }
}
