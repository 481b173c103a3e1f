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
    /// Headers beyond the ones every mail has (Reply-To, List-Unsubscribe, ...), in order.
    public var headers: [MailHeader]

    public init(id: UUID, from: String, to: String, subject: String, textBody: String, date: Date, headers: [MailHeader] = []) {
        self.id = id
        self.from = from
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.date = date
        self.headers = headers
    }
}

/// One extra header of an outgoing mail. The renderer keeps the headers it writes itself (From,
/// To, Subject, Date, Message-ID, MIME and content headers) and drops an extra header of the
/// same name, so a caller can add headers but never replace those.
public struct MailHeader: Sendable, Equatable, Codable {
    public let name: String
    public let value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Delivers one message or throws; the outbox keeps the message and retries on any error.
public protocol MailTransport: Sendable {
    func deliver(_ mail: OutgoingMail) async throws
}
