import Foundation

/// What a mail provider's sender checks said: the SPF result for the envelope sender and the
/// DKIM results per signing domain (SendGrid Inbound Parse's `SPF` and `dkim` fields).
public struct SenderChecks: Sendable, Equatable {
    public enum SPF: String, Sendable {
        case pass, fail, softfail, neutral, none, temperror, permerror
    }

    public let spf: SPF
    /// Signing domain (lowercased) -> passed.
    public let dkim: [String: Bool]

    public init(spf: SPF, dkim: [String: Bool]) {
        self.spf = spf
        self.dkim = dkim
    }

    /// Reads `SPF` (`pass`, `fail`, ...) and `dkim` (`{@example.com : pass, @other.org : fail}`
    /// or `none`); anything unreadable counts as no result.
    public static func parse(spf spfText: String, dkim dkimText: String) -> SenderChecks {
        let spf = SPF(rawValue: spfText.trimmingWhitespace().lowercased()) ?? .none
        var dkim: [String: Bool] = [:]
        let inner = dkimText.trimmingWhitespace().trimmingCharacters(in: CharacterSet(charactersIn: "{}"))
        for entry in inner.split(separator: ",") {
            let parts = entry.split(separator: ":", maxSplits: 1).map { String($0).trimmingWhitespace() }
            guard parts.count == 2, parts[0].hasPrefix("@"), parts[0].count > 1 else { continue }
            let domain = String(parts[0].dropFirst()).lowercased()
            dkim[domain] = (dkim[domain] ?? false) || parts[1].lowercased() == "pass"
        }
        return SenderChecks(spf: spf, dkim: dkim)
    }

    /// SUP-2: the From address is believed when a DKIM signature of its domain passed, or SPF
    /// passed for an envelope sender of the same domain (the alignment DMARC asks for): SPF on
    /// its own says nothing about the From header a person sees.
    public func authenticates(from: MailAddress, envelopeFrom: MailAddress?) -> Bool {
        if dkim[from.domain] == true { return true }
        guard spf == .pass, let envelopeFrom else { return false }
        return MailAddress.aligned(envelopeFrom.domain, from.domain)
    }
}

/// An email address as found in a header: `Avery Stone <avery@acme.example.com>` -> the
/// lowercased address and its domain.
public struct MailAddress: Sendable, Equatable, Hashable {
    public let address: String
    public var domain: String { String(address.split(separator: "@").last ?? "") }
    public var localPart: String { String(address.split(separator: "@").first ?? "") }

    public init?(_ text: String) {
        var candidate = text.trimmingWhitespace()
        if let open = candidate.lastIndex(of: "<"), let close = candidate.lastIndex(of: ">"), open < close {
            candidate = String(candidate[candidate.index(after: open)..<close])
        }
        candidate = candidate.trimmingWhitespace().lowercased()
        let parts = candidate.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), candidate.utf8.count <= 254,
              candidate.allSatisfy({ $0.isASCII && !$0.isWhitespace && !"<>\",;()[]\\".contains($0) })
        else { return nil }
        self.address = candidate
    }

    /// The addresses of a header like `To` or `Cc`: commas inside quotes or angle brackets do not
    /// separate addresses.
    public static func list(_ header: String) -> [MailAddress] {
        var result: [MailAddress] = []
        var current = ""
        var quoted = false
        var angled = false
        for character in header {
            switch character {
            case "\"": quoted.toggle()
            case "<" where !quoted: angled = true
            case ">" where !quoted: angled = false
            case "," where !quoted && !angled:
                if let address = MailAddress(current) { result.append(address) }
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        if let address = MailAddress(current) { result.append(address) }
        return result
    }

    /// Same domain, or one a subdomain of the other (relaxed alignment).
    static func aligned(_ one: String, _ other: String) -> Bool {
        one == other || one.hasSuffix("." + other) || other.hasSuffix("." + one)
    }
}

/// The headers that thread a mail: its own Message-ID and the ones it answers.
public struct MailThreadHeaders: Sendable, Equatable {
    public let messageID: String?
    /// In-Reply-To first, then References from the newest back.
    public let answers: [String]

    public init(messageID: String?, answers: [String]) {
        self.messageID = messageID
        self.answers = answers
    }

    /// Reads a raw header block (folded lines allowed).
    public static func parse(_ raw: String) -> MailThreadHeaders {
        var fields: [(String, String)] = []
        for line in raw.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first == " " || first == "\t", !fields.isEmpty {
                fields[fields.count - 1].1 += " " + String(line).trimmingWhitespace()
            } else if let colon = line.firstIndex(of: ":") {
                fields.append((String(line[..<colon]).trimmingWhitespace().lowercased(), String(line[line.index(after: colon)...]).trimmingWhitespace()))
            }
        }
        func value(_ name: String) -> String? { fields.first { $0.0 == name }?.1 }
        let inReplyTo = ids(value("in-reply-to") ?? "")
        let references = ids(value("references") ?? "").reversed()
        var answers: [String] = []
        for id in inReplyTo + references where !answers.contains(id) { answers.append(id) }
        return MailThreadHeaders(messageID: ids(value("message-id") ?? "").first, answers: Array(answers.prefix(20)))
    }

    /// `<a@b> <c@d>` -> ["a@b", "c@d"]; ids are compared without their brackets, lowercased.
    static func ids(_ text: String) -> [String] {
        var result: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let id = String(rest[rest.index(after: open)..<close]).trimmingWhitespace().lowercased()
            if !id.isEmpty, id.count <= 250 { result.append(id) }
            rest = rest[rest.index(after: close)...]
        }
        return result
    }
}

/// SUP-2 for mail: who may open or answer a ticket by email, and what everyone else gets.
public enum InboundMailPolicy {
    public enum Decision: Equatable, Sendable {
        /// A teammate whose address is authenticated: open or answer a ticket.
        case accept
        /// Anyone else: the way to sign in and the trouble-signing-in paths, by mail.
        case guidance
        /// Nothing goes back: a forged sender (SPF fail) must not be mailed, and guidance goes
        /// to one address at most once a day.
        case ignore(String)
    }

    /// Guidance goes to one address at most this often.
    public static let guidanceInterval: TimeInterval = 86_400

    public static func decide(isTeammate: Bool, authenticated: Bool, spf: SenderChecks.SPF, guidanceSentWithinInterval: Bool) -> Decision {
        if isTeammate && authenticated { return .accept }
        if spf == .fail { return .ignore("SPF failed: the sender is probably forged; nothing is sent back") }
        if guidanceSentWithinInterval { return .ignore("sign-in guidance already sent to this address within a day") }
        return .guidance
    }

    public static func guidanceSubject(_ subject: String) -> String {
        "We could not open a ticket from your email" + (subject.isEmpty ? "" : ": \(subject.prefix(120))")
    }

    /// The guidance text, with absolute links to the sign-in and recovery pages (ACC-5, ACC-6).
    public static func guidanceBody(publicURL: String) -> String {
        """
        We received your email, but support tickets can only be opened or answered by the \
        teammates of a customer account, signed in or from their own verified address.

        To open a ticket, sign in: \(publicURL)/signin
        Then choose Support and "Open a ticket".

        Trouble signing in?
        - Forgot your password: \(publicURL)/password/forgot
        - Forgot your username: \(publicURL)/username/forgot
        - More help: \(publicURL)/trouble

        If you are not a teammate yet, ask your account's owner or an admin to invite you.
        This message is sent at most once a day to an address.
        """
    }

    /// "Re: Fwd: Choppy audio" -> "Choppy audio".
    public static func ticketSubject(_ subject: String) -> String {
        var text = subject.trimmingWhitespace()
        while let colon = text.firstIndex(of: ":"), ["re", "fw", "fwd", "aw", "sv"].contains(String(text[..<colon]).trimmingWhitespace().lowercased()) {
            text = String(text[text.index(after: colon)...]).trimmingWhitespace()
        }
        let cleaned = String(text.unicodeScalars.filter { $0.properties.generalCategory != .control }.map(Character.init))
        return cleaned.isEmpty ? "(no subject)" : String(cleaned.prefix(150))
    }

    /// The new text of a reply: what comes before the quoted earlier mail (an "On ... wrote:"
    /// line, an "Original Message" separator, or a trailing block of `>` lines).
    public static func replyText(_ text: String) -> String {
        let raw = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        let lines = raw.map { String($0).trimmingWhitespace() }
        // Where the trailing block of quoted (or empty) lines starts.
        var quoteStart = lines.count
        while quoteStart > 0, lines[quoteStart - 1].isEmpty || lines[quoteStart - 1].hasPrefix(">") { quoteStart -= 1 }
        if !lines[quoteStart...].contains(where: { $0.hasPrefix(">") }) { quoteStart = lines.count }
        var end = quoteStart
        for (index, line) in lines.enumerated() where index < quoteStart {
            if (line.hasPrefix("On ") && line.hasSuffix("wrote:")) || line == "-----Original Message-----" {
                end = index
                break
            }
        }
        let kept = raw[..<end].joined(separator: "\n").trimmingWhitespace()
        return kept.isEmpty ? text.trimmingWhitespace() : kept
    }

    /// The part of a mail's text that goes on a ticket: control characters other than line
    /// breaks and tabs removed, cut to `maximum` characters with a note saying so.
    public static func bodyText(_ text: String, maximum: Int = 18_000) -> String {
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.filter {
            $0.properties.generalCategory != .control || $0 == "\n" || $0 == "\t" || $0 == "\r"
        })).trimmingWhitespace()
        guard !cleaned.isEmpty else { return "(the email had no text)" }
        guard cleaned.count > maximum else { return cleaned }
        return String(cleaned.prefix(maximum)) + "\n\n(the email was longer: the rest, \(cleaned.count - maximum) characters, was cut)"
    }

    /// An attachment's name as stored: the last path component, printable, at most 100 characters.
    public static func filename(_ name: String) -> String {
        let base = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let printable = String(String.UnicodeScalarView(base.unicodeScalars.filter { $0.properties.generalCategory != .control })).trimmingWhitespace()
        let kept = printable == "." || printable == ".." ? "" : printable
        return kept.isEmpty ? "attachment" : String(kept.suffix(100))
    }

    /// Which attachments are stored with the comment (at most 3, each within the ticket limit),
    /// and which are only named in it.
    public static func splitAttachments(sizes: [Int], maximumSize: Int, maximumCount: Int) -> (stored: [Int], listed: [Int]) {
        var stored: [Int] = []
        var listed: [Int] = []
        for (index, size) in sizes.enumerated() {
            if size <= maximumSize && stored.count < maximumCount {
                stored.append(index)
            } else {
                listed.append(index)
            }
        }
        return (stored, listed)
    }
}
