import Crypto
import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// `POST /inbound/mail/{token}`: SendGrid Inbound Parse (SUP-2). The provider does not sign its
/// posts, so the path carries a secret (`TRUSTDESK_INBOUND_MAIL_TOKEN`); a wrong or unset token
/// is "not found". The body is multipart form data of up to 30 MB: `headers`, `text`, `html`,
/// `from`, `to`, `cc`, `subject`, `envelope` (JSON), `dkim`, `SPF`, `attachment-info` and
/// `attachment1..N`. Any 2xx tells the provider to stop retrying (it retries for 3 days).
struct InboundMailController: RouteCollection {
    static let maximumBody = 30 * 1024 * 1024

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("inbound", "mail").on(.POST, ":token", body: .collect(maxSize: ByteCount(value: Self.maximumBody)), use: receive)
    }

    struct Envelope: Decodable {
        let from: String?
        let to: [String]?
    }

    /// `ticket_number` is always present (openapi.yaml), null when the mail touched no ticket.
    struct Answer: Content {
        let outcome: String
        @ExplicitNull var ticketNumber: Int?
    }

    func receive(request: Request) async throws -> Response {
        let configuration = request.application.trustDeskConfiguration
        guard let expected = configuration.inboundMailToken,
              VoiceController.constantTimeEqual(Array((request.parameters.get("token") ?? "").utf8), Array(expected.utf8))
        else { throw DomainError.notFound("inbound mail endpoint") }
        let mail = try Self.read(request.pageForm())
        let outcome = try await InboundMailDesk(database: request.db, now: request.now, settings: request.supportSettings).receive(mail)
        // Logs name the outcome and the ticket, never the sender (PRV-9).
        request.logger.info("inbound mail", metadata: ["outcome": "\(outcome.outcome)", "ticket": "\(outcome.ticket.map(String.init) ?? "-")"])
        return try await Answer(outcome: outcome.outcome, ticketNumber: outcome.ticket).encodeResponse(for: request)
    }

    /// Reads and checks the form; a mail without a readable `from` or with a broken `envelope`
    /// is refused (20009) before anything is stored.
    static func read(_ form: PageForm) throws -> InboundMail {
        guard let from = MailAddress(form.text("from")) else {
            throw DomainError(.malformedBody, "from: the mail has no readable sender address.")
        }
        var envelope = Envelope(from: nil, to: nil)
        if let raw = form.trimmed("envelope") {
            guard let parsed = try? JSONDecoder().decode(Envelope.self, from: Data(raw.utf8)) else {
                throw DomainError(.malformedBody, "envelope: must be a JSON object like {\"to\": [\"support@example.com\"], \"from\": \"sender@example.com\"}.")
            }
            envelope = parsed
        }
        let headers = form.text("headers")
        let thread = MailThreadHeaders.parse(headers)
        var recipients = MailAddress.list(form.text("to")) + MailAddress.list(form.text("cc"))
        recipients += (envelope.to ?? []).compactMap(MailAddress.init)
        let text = form.trimmed("text") ?? Self.plainText(fromHTML: form.text("html"))
        let files = form.files.filter { $0.field.hasPrefix("attachment") }.map {
            InboundMail.File(filename: $0.filename, contentType: $0.contentType, data: $0.data)
        }
        // The Message-ID names a mail; without one, its content does.
        let dedupeKey = thread.messageID.map { "mid:" + $0 }
            ?? "sha256:" + SHA256.hash(data: Data((headers + "\u{0}" + from.address + "\u{0}" + form.text("subject") + "\u{0}" + text).utf8)).map { String(format: "%02x", $0) }.joined()
        return InboundMail(from: from, envelopeFrom: envelope.from.flatMap(MailAddress.init), recipients: recipients, subject: form.text("subject"),
                           text: text, thread: thread, checks: SenderChecks.parse(spf: form.text("SPF"), dkim: form.text("dkim")), files: files,
                           dedupeKey: String(dedupeKey.prefix(300)))
    }

    /// A text-less mail's HTML as text: tags dropped, the common entities decoded.
    static func plainText(fromHTML html: String) -> String {
        var text = ""
        var inTag = false
        for character in html {
            if character == "<" { inTag = true; continue }
            if character == ">" { inTag = false; text.append(" "); continue }
            if !inTag { text.append(character) }
        }
        for (entity, value) in [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: value)
        }
        return text
    }
}
