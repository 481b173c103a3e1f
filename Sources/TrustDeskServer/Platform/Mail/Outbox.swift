import Fluent
import Foundation
import Logging
import TrustDeskCore
import SQLKit

/// Writes mail to the outbox. Callers pass the database they are in (often a transaction),
/// so the mail exists if and only if the change that caused it does.
struct Outbox {
    let database: any Database
    let now: Date

    /// Queues the mail unless the recipient's consent refuses its kind (PRV-7: no marketing
    /// without opt-in, no service mail after deactivation). Returns the message's ID, which is
    /// also its `Message-ID` (`<id@trustdesk>`), or nil when consent withheld it.
    @discardableResult
    func enqueue(to recipient: String, subject: String, body: String, kind: String, headers: [MailHeader] = []) async throws -> UUID? {
        guard case .send = try await MailConsent(database: database).decide(kind: kind, recipient: recipient) else { return nil }
        let id = UUID()
        try await write([(id, Mail(recipient: recipient, subject: subject, body: body, headers: headers))], kind: kind)
        return id
    }

    /// One mail of a bulk send.
    struct Mail: Sendable {
        let recipient: String
        let subject: String
        let body: String
        let headers: [MailHeader]
    }

    /// Writes many mails in multi-row INSERTs (mail to thousands of subscribers at once).
    func enqueueAll(_ mails: [Mail], kind: String) async throws {
        try await write(mails.map { (UUID(), $0) }, kind: kind)
    }

    /// The rows as `OutboxMessage` holds them, written by SQLKit: a single mail too, as every
    /// ticket create queues one and Fluent builds a model's insert by reflection.
    private func write(_ mails: [(id: UUID, mail: Mail)], kind: String) async throws {
        let sql = try database.sql
        for start in stride(from: 0, to: mails.count, by: Self.rowsPerInsert) {
            var insert = sql.insert(into: OutboxMessage.schema)
                .columns("id", "recipient", "subject", "body", "kind", "created_at", "next_attempt_at", "attempts", "headers")
            for (id, mail) in mails[start..<min(start + Self.rowsPerInsert, mails.count)] {
                insert = insert.values(SQLBind(id), SQLBind(mail.recipient), SQLBind(mail.subject), SQLBind(mail.body), SQLBind(kind),
                                       SQLBind(now), SQLBind(now), SQLBind(0), SQLBind(OutboxMessage.encode(mail.headers)))
            }
            try await insert.run()
        }
    }

    /// Many mails, each queued as `enqueue` would (PRV-7), with consent decided once per
    /// recipient and the rows written in multi-row INSERTs: a job's pass that mails the same few
    /// people about many things.
    func enqueueConsented(_ mails: [Mail], kind: String) async throws {
        var decisions: [String: Bool] = [:]
        for recipient in Set(mails.map(\.recipient)) {
            if case .send = try await MailConsent(database: database).decide(kind: kind, recipient: recipient) { decisions[recipient] = true }
        }
        try await enqueueAll(mails.filter { decisions[$0.recipient] == true }, kind: kind)
    }

    /// Nine binds a row: 100 rows stay far below SQLite's 32,766 bound parameters.
    static let rowsPerInsert = 100
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
            // Consent is checked again: an opt-out between queueing and now wins (PRV-7).
            if case let .refuse(reason) = try await MailConsent(database: database).decide(kind: message.kind, recipient: message.recipient) {
                message.nextAttemptAt = nil
                message.lastError = "not sent: \(reason)"
                try await message.save(on: database)
                logger.info("mail withheld", metadata: ["outbox_id": "\(message.id?.uuidString ?? "")", "kind": "\(message.kind)"])
                continue
            }
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
