import Foundation

/// One email ready to hand to a transport. Built from an outbox row; the body is plain text
/// because every mail TrustDesk sends is a notice with links, and text survives every client.
public struct OutgoingMail: Sendable, Equatable {
    public var id: UUID
    public var from: String
    public var to: String
    public var subject: String
    public var textBody: String
    public var date: Date

    public init(id: UUID, from: String, to: String, subject: String, textBody: String, date: Date) {
        self.id = id
        self.from = from
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.date = date
    }
}

/// Delivers one message or throws; the outbox keeps the message and retries on any error.
public protocol MailTransport: Sendable {
    func deliver(_ mail: OutgoingMail) async throws
}
