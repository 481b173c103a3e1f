import Foundation

/// Renders an `OutgoingMail` as an RFC 5322 message. The file transport writes it as-is and
/// the SMTP transport sends it as DATA, so both produce byte-identical messages.
public enum MIMEMessage {
    public static func render(_ mail: OutgoingMail) -> String {
        let date = rfc5322Date(mail.date)
        var lines = [
            "From: \(headerSafe(mail.from))",
            "To: \(headerSafe(mail.to))",
            "Subject: \(encodedSubject(mail.subject))",
            "Date: \(date)",
            "Message-ID: <\(messageID(mail.id))>",
        ]
        lines += mail.headers.filter(\.isAllowed).map { "\($0.name): \(headerSafe($0.value))" }
        lines += [
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
        ]
        lines.append("")
        // Normalise line endings to CRLF as RFC 5322 requires.
        let body = mail.textBody.replacingOccurrences(of: "\r\n", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        lines.append(contentsOf: body.map(String.init))
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The Message-ID of the outbox message `id`, without its angle brackets: replies name it
    /// in In-Reply-To and References.
    public static func messageID(_ id: UUID) -> String {
        "\(id.uuidString.lowercased())@trustdesk"
    }

    /// Header values never carry CR or LF: a name with a newline must not inject headers.
    static func headerSafe(_ value: String) -> String {
        value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    static func encodedSubject(_ subject: String) -> String {
        let safe = headerSafe(subject)
        if safe.allSatisfy({ $0.isASCII }) { return safe }
        return "=?utf-8?B?\(Data(safe.utf8).base64EncodedString())?="
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
