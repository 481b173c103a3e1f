import Fluent
import Foundation
import Logging

/// Writes mail to the outbox. Callers pass the database they are in (often a transaction),
/// so the mail exists if and only if the change that caused it does.
struct Outbox {
    let database: any Database
    let now: Date

    /// Returns the message's ID, which is also its `Message-ID` (`<id@trustdesk>`).
    @discardableResult
    func enqueue(to recipient: String, subject: String, body: String, kind: String, headers: [MailHeader] = []) async throws -> UUID {
        let message = try OutboxMessage(recipient: recipient, subject: subject, body: body, kind: kind, now: now, headers: headers)
        try await message.create(on: database)
        return message.id ?? UUID()
    }
}

/// Sends what is due in the outbox through the configured transport; failed messages wait
/// with exponential backoff (capped at an hour) and are tried again until delivered.
struct OutboxDelivery {
    let database: any Database
    let transport: any MailTransport
    let from: String
    let logger: Logger

    static let batchSize = 50

    /// Returns how many messages were delivered in this pass.
    @discardableResult
    func deliverDue(now: Date) async throws -> Int {
        let due = try await OutboxMessage.query(on: database)
            .filter(\.$nextAttemptAt <= now)
            .sort(\.$nextAttemptAt)
            .limit(Self.batchSize)
            .all()
        var delivered = 0
        for message in due {
            let id = message.id ?? UUID()
            message.attempts += 1
            do {
                let mail = OutgoingMail(
                    id: id, from: from, to: message.recipient,
                    subject: message.subject, textBody: message.body, date: message.createdAt, headers: try message.headers()
                )
                try await transport.deliver(mail)
                message.deliveredAt = now
                message.nextAttemptAt = nil
                message.lastError = nil
                delivered += 1
            } catch {
                message.nextAttemptAt = now.addingTimeInterval(Self.backoff(afterAttempts: message.attempts))
                message.lastError = String(describing: error).prefix(500).description
                // The message ID, not the address: logs hold IDs, not personal data (PRV-9).
                logger.warning("mail delivery failed", metadata: ["outbox_id": "\(id)", "attempts": "\(message.attempts)"])
            }
            try await message.save(on: database)
        }
        return delivered
    }

    static func backoff(afterAttempts attempts: Int) -> TimeInterval {
        min(3600, 30 * pow(2, Double(max(0, attempts - 1))))
    }
}
