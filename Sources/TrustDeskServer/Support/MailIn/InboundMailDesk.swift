import Crypto
import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// One mail as SendGrid's Inbound Parse posts it, read and checked.
struct InboundMail: Sendable {
    struct File: Sendable {
        let filename: String
        let contentType: String
        let data: Data
    }

    let from: MailAddress
    let envelopeFrom: MailAddress?
    /// Every recipient: To, Cc and the envelope's.
    let recipients: [MailAddress]
    let subject: String
    let text: String
    let thread: MailThreadHeaders
    let checks: SenderChecks
    let files: [File]
    let dedupeKey: String
}

/// SUP-2 for mail: threads a mail to its ticket (Reply-To token, else In-Reply-To and
/// References), lets only an authenticated teammate open or answer a ticket, and sends everyone
/// else the sign-in guidance at most once a day (never after an SPF fail). A mail seen before
/// (same Message-ID) changes nothing.
struct InboundMailDesk {
    let database: any Database
    let now: Date
    let settings: SupportSettings

    struct Outcome: Sendable, Equatable {
        let outcome: String
        let ticket: Int?
        let duplicate: Bool
    }

    /// Handles one mail in its own transaction whose first statement claims the dedupe key, so a
    /// retry racing the original waits for it and then finds the key taken.
    func receive(_ mail: InboundMail) async throws -> Outcome {
        let id = UUID()
        return try await database.transaction { db in
            let claimed = try await db.sql.raw("""
                INSERT INTO support_inbound_mails (id, dedupe_key, message_id, from_address, subject, outcome, detail, spf, received_at)
                VALUES (\(bind: id), \(bind: mail.dedupeKey), \(bind: mail.thread.messageID), \(bind: mail.from.address), \(bind: String(mail.subject.prefix(200))),
                        'received', '', \(bind: mail.checks.spf.rawValue), \(bind: now))
                ON CONFLICT (dedupe_key) DO NOTHING RETURNING id
                """).all()
            guard !claimed.isEmpty else { return Outcome(outcome: "duplicate", ticket: nil, duplicate: true) }
            let result = try await InboundMailDesk(database: db, now: now, settings: settings).handle(mail)
            try await db.sql.update(InboundMailRecord.schema).set("outcome", to: result.outcome).set("ticket_number", to: result.ticket)
                .set("detail", to: String(result.detail.prefix(500))).where("id", .equal, id).run()
            return Outcome(outcome: result.outcome, ticket: result.ticket, duplicate: false)
        }
    }

    private struct Handled {
        let outcome: String
        let ticket: Int?
        let detail: String
    }

    private func handle(_ mail: InboundMail) async throws -> Handled {
        let openers = try await Team(database: database, now: now, publicURL: settings.publicURL).ticketOpeners(email: mail.from.address)
        let authenticated = mail.checks.authenticates(from: mail.from, envelopeFrom: mail.envelopeFrom)
        let threaded = try await threadedTicket(mail)
        // A reply is answered only by a teammate of the ticket's organisation; a new mail opens a
        // ticket in the first organisation the sender may open tickets in.
        var opener: (User, Account)?
        for (user, accounts) in openers {
            if let threaded {
                if let account = accounts.first(where: { $0.sid == threaded.organisationSID }) { opener = (user, account) }
            } else if let account = accounts.first {
                opener = (user, account)
            }
            if opener != nil { break }
        }
        let guidanceSent = try await InboundMailRecord.query(on: database).filter(\.$fromAddress == mail.from.address)
            .filter(\.$outcome == "guidance").filter(\.$receivedAt > now.addingTimeInterval(-InboundMailPolicy.guidanceInterval)).count() > 0
        switch InboundMailPolicy.decide(isTeammate: opener != nil, authenticated: authenticated, spf: mail.checks.spf, guidanceSentWithinInterval: guidanceSent) {
        case let .ignore(why):
            return Handled(outcome: "ignored", ticket: nil, detail: why)
        case .guidance:
            try await Outbox(database: database, now: now).enqueue(to: mail.from.address, subject: InboundMailPolicy.guidanceSubject(mail.subject),
                                                                  body: InboundMailPolicy.guidanceBody(publicURL: settings.publicURL), kind: "support_mail_guidance")
            let why = opener == nil ? "not a teammate of the organisation" : "sender not authenticated (SPF \(mail.checks.spf.rawValue), no passing DKIM for \(mail.from.domain))"
            return Handled(outcome: "guidance", ticket: nil, detail: why)
        case .accept:
            guard let opener else { return Handled(outcome: "ignored", ticket: nil, detail: "no teammate") }
            return try await accept(mail, from: opener.0, account: opener.1, on: threaded)
        }
    }

    /// The ticket a mail answers: a valid Reply-To token among its recipients, else a Message-ID
    /// it names in In-Reply-To or References.
    private func threadedTicket(_ mail: InboundMail) async throws -> Ticket? {
        if let token = settings.replyToken, let number = mail.recipients.lazy.compactMap({ token.ticket(in: $0.address) }).first {
            return try await Ticket.find(number, on: database)
        }
        guard let number = try await MailThreads(database: database, now: now).ticket(answering: mail.thread.answers) else { return nil }
        return try await Ticket.find(number, on: database)
    }

    private func accept(_ mail: InboundMail, from user: User, account: Account, on threaded: Ticket?) async throws -> Handled {
        let tickets = Tickets(database: database, now: now, settings: settings)
        let actor = TicketActor(user: user)
        let split = InboundMailPolicy.splitAttachments(sizes: mail.files.map(\.data.count), maximumSize: TicketAttachment.maximumSize,
                                                       maximumCount: TicketAttachment.maximumPerComment)
        let stored = split.stored.map { mail.files[$0] }.map {
            Tickets.AttachmentUpload(filename: InboundMailPolicy.filename($0.filename), contentType: $0.contentType, contentBase64: $0.data.base64EncodedString())
        }
        let listed = split.listed.map { mail.files[$0] }
        var note = ""
        if !listed.isEmpty {
            note = "\n\nNot stored (a ticket keeps at most \(TicketAttachment.maximumPerComment) files of up to \(TicketAttachment.maximumSize / 1024) KB each): "
                + listed.map { "\($0.filename) (\(TicketAttachments.sizeText($0.data.count)))" }.joined(separator: ", ")
        }
        let text = InboundMailPolicy.bodyText(InboundMailPolicy.replyText(mail.text))
        let ticket: Ticket
        let outcome: String
        if let threaded, threaded.ticketStatus != .closed {
            try await tickets.reply(to: threaded, by: actor, body: text + note, isPublic: true, attachments: stored)
            (ticket, outcome) = (threaded, "reply")
        } else {
            let subject = threaded.map { "Follow-up: \($0.subject)" } ?? InboundMailPolicy.ticketSubject(mail.subject)
            ticket = try await tickets.open(NewTicket(subject: String(subject.prefix(Tickets.maximumSubject)), description: text + note,
                                                      priority: threaded.map { String($0.priority) } ?? String(TicketPriority.generalIssue.rawValue),
                                                      intake: IntakeForm(product: threaded?.supportProduct ?? .other), followUpOf: threaded?.number),
                                            about: account, by: actor).ticket
            if !stored.isEmpty {
                try await tickets.reply(to: ticket, by: actor, body: "Files sent with this email.", isPublic: true, attachments: stored)
            }
            outcome = threaded == nil ? "ticket_opened" : "follow_up"
        }
        if let messageID = mail.thread.messageID {
            try await MailThreads(database: database, now: now).remember(messageID, ticket: ticket.number)
        }
        if !listed.isEmpty {
            try await SupportMail(database: database, now: now, settings: settings).toRequester(
                ticket, subject: "[#\(ticket.number)] Some attachments were not stored",
                body: "Your email reached ticket #\(ticket.number), but these files were not stored: "
                    + listed.map { "\($0.filename) (\(TicketAttachments.sizeText($0.data.count)))" }.joined(separator: ", ")
                    + ".\n\nA ticket keeps at most \(TicketAttachment.maximumPerComment) files of up to \(TicketAttachment.maximumSize / 1024) KB per message. Paste the relevant part, or share a link to the file.")
        }
        return Handled(outcome: outcome, ticket: ticket.number, detail: listed.isEmpty ? "" : "\(listed.count) attachment(s) not stored")
    }
}
