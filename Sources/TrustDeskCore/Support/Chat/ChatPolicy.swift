import Foundation

/// Who wrote a chat message, in the shape of Chatwoot's `message_created` webhook:
/// `incoming` from the customer, `outgoing` from support, `activity` for system notes.
public enum ChatMessageType: String, CaseIterable, Sendable, Codable {
    case incoming
    case outgoing
    case activity
}

/// SUP-11: a personalized customer's chat channel. Quick questions, no SLA, not watched
/// around the clock; a Consumer Trust matter becomes a ticket for the Consumer Trust team with
/// the chat transcript.
public enum ChatPolicy {
    public static let maximumContent = 4_000

    /// Shown above every chat, for customers and staff alike.
    public static let banner = "This chat is for quick questions. It is not watched around the clock and has no response-time promise (SLA). For a response within your plan's response times, open a ticket or call the support line."

    /// The channel's name: lowercase letters, digits and dashes, as `tam-acme-rockets`.
    public static func channel(_ text: String) throws(DomainError) -> String {
        let name = text.trimmingWhitespace().lowercased()
        guard (3...80).contains(name.count), name.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }),
              name.first != "-", name.last != "-"
        else {
            throw DomainError(.invalidParameter, "channel: use 3 to 80 lowercase letters, digits and dashes, like tam-acme-rockets.")
        }
        return name
    }

    public static func content(_ text: String) throws(DomainError) -> String {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw DomainError(.invalidParameter, "content: write a message.") }
        guard trimmed.count <= maximumContent else {
            throw DomainError(.invalidParameter, "content: use at most \(maximumContent) characters; open a ticket for longer reports and logs.")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !["\n", "\r", "\t"].contains($0) }) else {
            throw DomainError(.invalidParameter, "content: control characters are not allowed.")
        }
        return trimmed
    }

    /// Words that suggest a Consumer Trust matter, by topic: the chat shows a hint to turn the
    /// conversation into a Consumer Trust ticket. A hint only: people decide.
    static let hints: [(ConsumerTrustTopic, [String])] = [
        (.accountTakeover, ["hacked", "takeover", "take over", "taken over", "compromised", "unauthorized access", "unauthorised access", "someone logged in"]),
        (.exposedCredentials, ["leaked", "exposed", "auth token in", "secret in", "pushed to github", "credentials were", "api key was"]),
        (.automatedDecisionReview, ["suspended", "suspension", "terminated", "banned", "account closed", "deactivated"]),
        (.dormantReactivation, ["dormant", "reactivate", "re-activate", "inactive account"]),
        (.vettingReview, ["vetting", "pending review", "sign-up review", "signup review", "verify my account"]),
    ]

    /// The Consumer Trust topic a message hints at, if any.
    public static func suggestedTopic(_ text: String) -> ConsumerTrustTopic? {
        let lowered = text.lowercased()
        return hints.first { _, words in words.contains { lowered.contains($0) } }?.0
    }

    public struct TranscriptLine: Sendable {
        public let at: Date
        public let author: String
        public let type: ChatMessageType
        public let content: String

        public init(at: Date, author: String, type: ChatMessageType, content: String) {
            self.at = at
            self.author = author
            self.type = type
            self.content = content
        }
    }

    /// The transcript that goes with a Consumer Trust ticket: one line per message with its UTC
    /// time, oldest first. It is both the ticket's first comment and its `.txt` attachment, so
    /// it keeps the newest messages that fit both (`maximumCharacters`, `maximumBytes` of UTF-8)
    /// and says how many earlier ones stay in the channel.
    public static func transcript(channel: String, lines: [TranscriptLine], maximumCharacters: Int = 20_000, maximumBytes: Int = 32 * 1024) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        let head = "Chat transcript of #\(channel)\n"
        // Room for the head and for the note about earlier messages.
        let reserve = 80
        var kept: [String] = []
        var characters = head.count + reserve
        var bytes = head.utf8.count + reserve
        for line in lines.reversed() {
            let who = line.type == .activity ? "--" : line.author
            let text = "\n[\(formatter.string(from: line.at))] \(who): \(line.content)"
            guard characters + text.count <= maximumCharacters, bytes + text.utf8.count <= maximumBytes else { break }
            kept.append(text)
            characters += text.count
            bytes += text.utf8.count
        }
        var result = head
        if kept.count < lines.count { result += "(the \(lines.count - kept.count) earlier messages are in the channel)\n" }
        return result + kept.reversed().joined() + "\n"
    }
}
