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
    /// Extra header fields, in order (List-Unsubscribe, Reply-To, ...).
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

/// One extra header field of a mail. The renderer drops a name that is not a valid field name
/// or that would replace a field every message sets; a value never carries a line break.
public struct MailHeader: Sendable, Equatable, Codable {
    public let name: String
    public let value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// Fields the renderer writes itself.
    static let reserved: Set<String> = ["from", "to", "cc", "bcc", "subject", "date", "message-id", "mime-version", "content-type", "content-transfer-encoding"]

    var isAllowed: Bool {
        !name.isEmpty && name.utf8.count <= 76 && !Self.reserved.contains(name.lowercased())
            && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }
    }
}

/// Delivers one message or throws; the outbox keeps the message and retries on any error.
public protocol MailTransport: Sendable {
    func deliver(_ mail: OutgoingMail) async throws
}
