import Fluent
import Foundation
import Testing
import VaporTesting
@testable import TrustDeskServer

@Suite("Mail: extra header fields")
struct MailHeaderTests {
    @Test("STS-3: extra headers are rendered after Message-ID; they can't inject lines or replace the fields every mail sets")
    func rendering() {
        let mail = OutgoingMail(id: UUID(), from: "TrustDesk <no-reply@example.com>", to: "robin@example.com", subject: "Hello", textBody: "Body",
                                date: Date(timeIntervalSince1970: 1_772_452_800), headers: [
                                    MailHeader("List-Unsubscribe", "<https://example.com/u/1>"),
                                    MailHeader("Reply-To", "desk@example.com\r\nBcc: victim@example.com"),
                                    MailHeader("Subject", "Replaced"),
                                    MailHeader("Bad Name", "x"),
                                    MailHeader("X:Colon", "x"),
                                ])
        let text = MIMEMessage.render(mail)
        #expect(text.contains("\r\nList-Unsubscribe: <https://example.com/u/1>\r\n"))
        #expect(text.contains("\r\nReply-To: desk@example.com  Bcc: victim@example.com\r\n"))
        #expect(!text.contains("\r\nBcc:"))
        #expect(text.components(separatedBy: "\r\nSubject: ").count == 2 && !text.contains("Replaced"))
        #expect(!text.contains("Bad Name") && !text.contains("X:Colon"))
        let headerBlock = text.components(separatedBy: "\r\n\r\n")[0]
        #expect(headerBlock.contains("Message-ID:") && headerBlock.contains("List-Unsubscribe:"))
    }

    @Test("The outbox keeps a message's headers until it is delivered; its ID is the Message-ID")
    func outbox() async throws {
        try await withTrustDesk { app in
            let outbox = Outbox(database: app.db, now: app.now)
            let id = try #require(try await outbox.enqueue(to: "zoe@example.com", subject: "Hello", body: "Hi", kind: "support_ticket",
                                                           headers: [MailHeader("Reply-To", "support+1.0000000000000000@reply.example.com")]))
            let stored = try #require(try await OutboxMessage.find(id, on: app.db))
            #expect(try stored.headers() == [MailHeader("Reply-To", "support+1.0000000000000000@reply.example.com")])
            #expect(MIMEMessage.messageID(id) == "\(id.uuidString.lowercased())@trustdesk")
            let plain = try #require(try await outbox.enqueue(to: "zoe@example.com", subject: "Hello", body: "Hi", kind: "support_ticket"))
            #expect(try await OutboxMessage.find(plain, on: app.db)?.headersJSON == nil)
        }
    }
}
