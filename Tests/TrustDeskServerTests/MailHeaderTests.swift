import Fluent
import Foundation
import Testing
import VaporTesting
@testable import TrustDeskServer

@Suite("Outgoing mail headers")
struct MailHeaderTests {
    static func mail(_ headers: [MailHeader]) -> OutgoingMail {
        OutgoingMail(id: UUID(), from: "TrustDesk <no-reply@example.com>", to: "zoe@example.com", subject: "Hello", textBody: "Hi",
                     date: Date(timeIntervalSince1970: 1_772_452_800), headers: headers)
    }

    @Test("Extra headers are rendered after the message's own, on one line each; they can't replace the own ones")
    func rendering() {
        let text = MIMEMessage.render(Self.mail([
            MailHeader("Reply-To", "support+12.abcdef0123456789@reply.example.com"),
            MailHeader("List-Unsubscribe", "<https://example.com/u?token=x>"),
            MailHeader("To", "attacker@example.net"), MailHeader("message-id", "<forged@example.net>"),
            MailHeader("X-Bad: name", "x"), MailHeader("X-Injected", "value\r\nBcc: attacker@example.net"),
        ]))
        let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
        #expect(head.contains("\r\nReply-To: support+12.abcdef0123456789@reply.example.com"))
        #expect(head.contains("\r\nList-Unsubscribe: <https://example.com/u?token=x>"))
        #expect(head.components(separatedBy: "\r\nTo: ").count == 2 && !head.contains("attacker@example.net\r\n"))
        #expect(!head.contains("forged") && !head.contains("X-Bad"))
        #expect(head.contains("\r\nX-Injected: value  Bcc: attacker@example.net") && !head.contains("\r\nBcc:"))
        #expect(text.hasSuffix("\r\n\r\nHi\r\n"))
    }

    @Test("The outbox keeps a message's headers until it is delivered")
    func outbox() async throws {
        try await withTrustDesk { app in
            let id = try await Outbox(database: app.db, now: app.now).enqueue(to: "zoe@example.com", subject: "Hello", body: "Hi", kind: "test",
                                                                           headers: [MailHeader("Reply-To", "support+1.0000000000000000@reply.example.com")])
            let stored = try #require(try await OutboxMessage.find(id, on: app.db))
            #expect(try stored.headers() == [MailHeader("Reply-To", "support+1.0000000000000000@reply.example.com")])
            #expect(MIMEMessage.messageID(id) == "\(id.uuidString.lowercased())@trustdesk")
            let plain = try await Outbox(database: app.db, now: app.now).enqueue(to: "zoe@example.com", subject: "Hello", body: "Hi", kind: "test")
            #expect(try await OutboxMessage.find(plain, on: app.db)?.headersJSON == nil)
        }
    }
}
