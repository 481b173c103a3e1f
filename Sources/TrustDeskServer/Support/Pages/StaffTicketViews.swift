import Fluent
import Foundation
import TrustDeskCore

/// A time as the pages show it: in the viewer's zone with its abbreviation (`DateDisplay`),
/// and the instant itself for `<time datetime>`, which the countdown script and the e2e
/// checks read.
struct TimeView: Encodable {
    let text: String
    let datetime: String

    init(_ date: Date) {
        text = DateDisplay.local(date)
        datetime = date.formatted(.iso8601)
    }
}

/// One entry of the staff workspace's conversation: who wrote it, and whether the customer
/// saw it, said in words (a label) as well as by colour.
struct WorkspaceCommentView: Encodable {
    let kind: String
    let kindTitle: String
    let isInternal: Bool
    let author: String
    let body: String
    let at: TimeView
    let attachments: [AttachmentView]
    let hasAttachments: Bool

    init(_ comment: TicketComment, _ view: CommentView) {
        switch (comment.isPublic, comment.authorIsStaff) {
        case (false, _): (kind, kindTitle) = ("internal_note", "Internal note")
        case (true, true): (kind, kindTitle) = ("public_reply", "Public reply")
        case (true, false): (kind, kindTitle) = ("customer", "Customer")
        }
        isInternal = !comment.isPublic
        author = view.author
        body = view.body
        at = TimeView(comment.createdAt)
        attachments = view.attachments
        hasAttachments = view.hasAttachments
    }

    /// The whole conversation, staff's internal notes included, files read in one query.
    static func conversation(_ comments: [TicketComment], on database: any Database, ticketPath: String) async throws -> [WorkspaceCommentView] {
        let views = try await CommentView.conversation(comments, on: database, ticketPath: ticketPath)
        return zip(comments, views).map { WorkspaceCommentView($0, $1) }
    }
}

/// A response target in the properties panel (SUP-8): its countdown (`DueCountdown`, red once
/// breached), its due time in the viewer's zone, and the sentence that explains it on the
/// working calendar it is measured on.
struct WorkspaceTargetView: Encodable {
    let metric: String
    let status: String
    let due: TimeView?
    /// "in 1 h 20 min" or "breached 12 min ago"; nil while paused or once achieved.
    let countdown: String?
    let breached: Bool
    /// Only a running clock ticks: the script updates these countdowns and no others.
    let ticking: Bool
    let explanation: String

    init(_ record: TicketSLARecord, calendar: BusinessCalendar, owner: String, now: Date) {
        let value = record.value
        let target = TargetView(record, calendar: calendar, owner: owner)
        metric = target.metric
        status = value.status.rawValue
        explanation = target.explanation
        let dueAt: Date? = switch value.status {
        case .active: value.dueAt
        case .breached: value.endedAt ?? value.dueAt
        case .paused, .achieved: nil
        }
        due = dueAt.map(TimeView.init)
        let countdown = dueAt.map { DueCountdown(due: $0, now: now) }
        self.countdown = countdown?.text
        breached = countdown?.breached ?? false
        ticking = value.status == .active
    }
}

/// A ticket status as staff read it: "pending" waits for the customer, not for them.
enum StaffStatusTitle {
    static func of(_ status: TicketStatus) -> String {
        status == .pending ? "Pending (waiting for the customer)" : status.title
    }
}
