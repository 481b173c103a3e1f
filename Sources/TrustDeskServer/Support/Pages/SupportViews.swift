import Fluent
import Foundation
import TrustDeskCore

/// Row and detail shapes shared by the customer and staff support pages.
struct TicketRowView: Encodable {
    let number: Int
    let subject: String
    let status: String
    let statusTitle: String
    let priority: String
    let product: String
    let updated: String
    let requester: String
    /// The account's name, where the viewer is on more than one.
    let account: String?

    init(_ ticket: Ticket, account: String? = nil) {
        self.number = ticket.number
        self.requester = ticket.requesterName
        self.account = account
        self.subject = ticket.subject
        self.status = ticket.status
        self.statusTitle = ticket.ticketStatus.title
        self.priority = ticket.ticketPriority.title
        self.product = ticket.supportProduct.title
        self.updated = DateDisplay.local(ticket.updatedAt)
    }
}

struct CommentView: Encodable {
    let author: String
    let fromSupport: Bool
    let isPublic: Bool
    let body: String
    let at: String
    let attachments: [AttachmentView]
    /// Leaf's truthiness of arrays can't be relied on; templates test this instead.
    let hasAttachments: Bool

    init(_ comment: TicketComment, attachments: [AttachmentView]) {
        self.author = comment.authorName
        self.fromSupport = comment.authorIsStaff
        self.isPublic = comment.isPublic
        self.body = comment.body
        self.at = DateDisplay.local(comment.createdAt)
        self.attachments = attachments
        self.hasAttachments = !attachments.isEmpty
    }

    /// A ticket's conversation with each comment's files, linked under `ticketPath`.
    static func conversation(_ comments: [TicketComment], on database: any Database, ticketPath: String) async throws -> [CommentView] {
        let files = try await TicketAttachments(database: database).summaries(of: comments)
        return comments.map { comment in
            CommentView(comment, attachments: (comment.id.flatMap { files[$0] } ?? []).map { AttachmentView($0, ticketPath: ticketPath) })
        }
    }
}

struct AttachmentView: Encodable {
    let filename: String
    let size: String
    let href: String

    init(_ attachment: TicketAttachment, ticketPath: String) {
        self.filename = AttachmentName.served(attachment.filename)
        self.size = TicketAttachments.sizeText(attachment.size)
        self.href = "\(ticketPath)/attachments/\(attachment.id?.uuidString.lowercased() ?? "")"
    }
}

struct EventView: Encodable {
    let actor: String
    let action: String
    let detail: String
    let isPublic: Bool
    let at: String
    /// The instant, for `<time datetime>`.
    let datetime: String

    init(_ event: TicketEvent) {
        self.actor = event.actorName
        self.action = event.action
        self.detail = event.detail
        self.isPublic = event.isPublic
        self.at = DateDisplay.local(event.at)
        self.datetime = event.at.formatted(.iso8601)
    }
}

struct TargetView: Encodable {
    let metric: String
    let status: String
    let due: String?
    let explanation: String

    /// SUP-8: each target with its due time and the sentence that explains it.
    init(_ record: TicketSLARecord, calendar: BusinessCalendar, owner: String) {
        let value = record.value
        let clock = SLATarget.calendar(for: value.target, assigneeCalendar: calendar)
        self.metric = value.metric.title
        self.status = value.status.rawValue
        self.due = value.dueAt.map(DateDisplay.local)
        switch value.status {
        case .active:
            let since = value.runningSince ?? record.startedAt
            do {
                // What was left when the clock last resumed: the due time counts from then.
                self.explanation = try DueExplanation.sentence(target: value.target, remainingSeconds: value.remainingSeconds, from: since, calendar: clock, owner: owner)
            } catch {
                self.explanation = error.message
            }
        case .paused:
            self.explanation = "paused while the ticket waits (pending or on hold): \(BusinessCalendar.durationText(value.remainingSeconds)) of \(value.target.minutes) min left"
        case .achieved:
            self.explanation = "achieved \(value.endedAt.map(DateDisplay.local) ?? "")"
        case .breached:
            self.explanation = "breached: was due \(value.endedAt.map(DateDisplay.local) ?? "")"
        }
    }
}
