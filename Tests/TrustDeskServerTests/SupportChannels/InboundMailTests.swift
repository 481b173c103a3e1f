import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("SUP-2 mail-in")
struct InboundMailTests {
    struct File {
        let name: String
        let data: Data
    }

    /// Posts a mail the way SendGrid's Inbound Parse does (multipart form data).
    @discardableResult
    static func post(_ app: Application, token: String = TestData.inboundMailToken, from: String, to: String = "support@trustdesk.example.com",
                     subject: String = "Calls drop", text: String = "Calls drop after five seconds.", messageID: String? = nil, inReplyTo: String? = nil,
                     spf: String = "pass", dkim: String = "none", envelope: String? = nil, files: [File] = [], omitFrom: Bool = false) async throws -> TestingHTTPResponse {
        var headers = "Received: by mx.sendgrid.net\r\nSubject: \(subject)\r\n"
        if let messageID { headers += "Message-ID: <\(messageID)>\r\n" }
        if let inReplyTo { headers += "In-Reply-To: <\(inReplyTo)>\r\nReferences: <\(inReplyTo)>\r\n" }
        let address = MailAddress(from)?.address ?? from
        var fields = ["headers": headers, "to": to, "subject": subject, "text": text, "SPF": spf, "dkim": dkim,
                      "envelope": envelope ?? "{\"to\":[\"\(MailAddress(to)?.address ?? to)\"],\"from\":\"\(address)\"}",
                      "attachments": String(files.count), "sender_ip": "192.0.2.10"]
        if !omitFrom { fields["from"] = from }
        let boundary = "----InboundParse\(UUID().uuidString)"
        var body = ByteBuffer()
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        for (index, file) in files.enumerated() {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"attachment\(index + 1)\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            body.writeBytes(file.data)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        var requestHeaders = HTTPHeaders()
        requestHeaders.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        return try await app.testing().sendRequest(.POST, "/inbound/mail/\(token)", headers: requestHeaders, body: body)
    }

    static func replyTo(_ app: Application, _ ticket: Int) throws -> String {
        let token = try #require(app.trustDeskConfiguration.supportSettings.replyToken)
        return token.address(for: ticket)
    }

    @Test("SUP-2: ticket mail carries the Reply-To token and absolute links; a reply to it lands on the ticket")
    func threadsByToken() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try await ChannelWorld.ticket(app, world)
            let received = try #require(try await TestData.mail(app, to: "avery@example.com").first)
            let headers = try received.headers()
            let replyTo = try Self.replyTo(app, number)
            #expect(headers.contains(MailHeader("Reply-To", replyTo)))
            #expect(received.body.contains("http://127.0.0.1:8080/console/support/tickets/\(number)"))
            let mime = MIMEMessage.render(OutgoingMail(id: try #require(received.id), from: "TrustDesk <no-reply@example.com>", to: received.recipient,
                                                       subject: received.subject, textBody: received.body, date: received.createdAt, headers: headers))
            #expect(mime.contains("\r\nReply-To: \(replyTo)\r\n"))

            let reply = try await Self.post(app, from: "Avery <avery@example.com>", to: "TrustDesk Support <\(replyTo)>", subject: "Re: We received your ticket",
                                            text: "Here is a third example: it failed again at 09:14.\n\nOn Mon, 2 Mar 2026, TrustDesk wrote:\n> Thank you.", messageID: "reply-1@example.com")
            #expect(reply.status == .ok && reply.json["outcome"] as? String == "reply" && reply.json["ticket_number"] as? Int == number)
            let comments = try await app.tickets(now: app.now).comments(of: number, includeInternal: false)
            #expect(comments.last?.body == "Here is a third example: it failed again at 09:14.")
            #expect(comments.last?.authorSID == world.acme.user.sid)
        }
    }

    @Test("SUP-2: without the token, In-Reply-To finds the ticket from the Message-ID of our mail")
    func threadsByInReplyTo() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try await ChannelWorld.ticket(app, world)
            let sent = try #require(try await TestData.mail(app, to: "avery@example.com").first?.id)
            let reply = try await Self.post(app, from: "avery@example.com", subject: "Re: ticket", text: "More details.", messageID: "r2@example.com",
                                            inReplyTo: MIMEMessage.messageID(sent))
            #expect(reply.json["outcome"] as? String == "reply" && reply.json["ticket_number"] as? Int == number)
            // A reply to that reply threads through the stored Message-ID of the first.
            let again = try await Self.post(app, from: "avery@example.com", subject: "Re: Re: ticket", text: "Even more.", messageID: "r3@example.com", inReplyTo: "r2@example.com")
            #expect(again.json["ticket_number"] as? Int == number)
        }
    }

    @Test("SUP-2: a teammate's authenticated mail to support opens a ticket; a forged Reply-To token threads nothing")
    func opensTicket() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let opened = try await Self.post(app, from: "avery@example.com", subject: "Fwd: Re: Calls drop", text: "Calls drop.", messageID: "new@example.com",
                                             spf: "none", dkim: "{@example.com : pass}")
            let number = try #require(opened.json["ticket_number"] as? Int)
            #expect(opened.json["outcome"] as? String == "ticket_opened")
            let ticket = try #require(try await Ticket.find(number, on: app.db))
            #expect(ticket.subject == "Calls drop" && ticket.organisationSID == world.acme.account.sid && ticket.requesterSID == world.acme.user.sid)
            let forged = try await Self.post(app, from: "avery@example.com", to: "support+\(number).0000000000000000@\(TestData.inboundMailDomain)",
                                             subject: "Re: x", text: "y", messageID: "forged@example.com")
            #expect(forged.json["outcome"] as? String == "ticket_opened" && forged.json["ticket_number"] as? Int != number)
        }
    }

    @Test("SUP-2: a spoofed teammate (SPF fail) opens nothing and gets nothing; others get sign-in guidance at most once a day")
    func strangers() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try await ChannelWorld.ticket(app, world)
            let before = try await Ticket.query(on: app.db).count()
            let spoofed = try await Self.post(app, from: "avery@example.com", to: try Self.replyTo(app, number), text: "Close my account", messageID: "spoof@example.net",
                                              spf: "fail", envelope: "{\"to\":[\"support@trustdesk.example.com\"],\"from\":\"bounce@attacker.example.net\"}")
            #expect(spoofed.status == .ok && spoofed.json["outcome"] as? String == "ignored")
            // Contract: the answer names the ticket even when there is none (null, not left out).
            #expect(spoofed.json["ticket_number"] is NSNull, "\(spoofed.text)")
            #expect(try await Ticket.query(on: app.db).count() == before)
            #expect(try await app.tickets(now: app.now).comments(of: number, includeInternal: true).isEmpty)
            #expect(try await TestData.mail(app, to: "avery@example.com").allSatisfy { $0.kind != "support_mail_guidance" })

            let stranger = try await Self.post(app, from: "pat@stranger.example.org", text: "Help", messageID: "s1@stranger.example.org")
            #expect(stranger.json["outcome"] as? String == "guidance" && stranger.json["ticket_number"] is NSNull, "\(stranger.text)")
            let guidance = try #require(try await TestData.mail(app, to: "pat@stranger.example.org").first)
            #expect(guidance.body.contains("http://127.0.0.1:8080/signin") && guidance.body.contains("/password/forgot") && guidance.body.contains("/username/forgot"))
            let again = try await Self.post(app, from: "pat@stranger.example.org", text: "Help!!", messageID: "s2@stranger.example.org")
            #expect(again.json["outcome"] as? String == "ignored")
            app.clock.advance(by: 86_401)
            #expect(try await Self.post(app, from: "pat@stranger.example.org", text: "Help?", messageID: "s3@stranger.example.org").json["outcome"] as? String == "guidance")
            #expect(try await TestData.mail(app, to: "pat@stranger.example.org").count == 2)
            // A teammate whose mail is not authenticated (softfail, no DKIM) is told how to sign in.
            let unverified = try await Self.post(app, from: "avery@example.com", text: "Hi", messageID: "u1@example.com", spf: "softfail")
            #expect(unverified.json["outcome"] as? String == "guidance")
        }
    }

    @Test("SUP-2: a mail posted twice (same Message-ID) answers 200 and adds nothing the second time")
    func duplicate() async throws {
        try await withTrustDesk { app in
            _ = try await SupportWorld.make(app)
            let first = try await Self.post(app, from: "avery@example.com", messageID: "twice@example.com")
            let second = try await Self.post(app, from: "avery@example.com", messageID: "twice@example.com")
            #expect(first.json["outcome"] as? String == "ticket_opened")
            #expect(second.status == .ok && second.json["outcome"] as? String == "duplicate")
            #expect(try await Ticket.query(on: app.db).count() == 1)
            #expect(try await InboundMailRecord.query(on: app.db).count() == 1)
        }
    }

    @Test("SUP-2: files over 32 KB are listed in the comment, not stored, and the sender is told")
    func attachments() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try await ChannelWorld.ticket(app, world)
            let small = File(name: "calls.csv", data: Data(repeating: 65, count: 1_000))
            let big = File(name: "../capture.pcap", data: Data(repeating: 66, count: 40 * 1024))
            let response = try await Self.post(app, from: "avery@example.com", to: try Self.replyTo(app, number), text: "Logs attached.", messageID: "files@example.com",
                                               files: [small, big])
            #expect(response.json["outcome"] as? String == "reply")
            let files = try await TicketAttachment.query(on: app.db).filter(\.$ticketNumber == number).all()
            #expect(files.map(\.filename) == ["calls.csv"])
            let comment = try #require(try await app.tickets(now: app.now).comments(of: number, includeInternal: false).last)
            #expect(comment.body.contains("Not stored") && comment.body.contains("capture.pcap (40 KB)"))
            #expect(try await TestData.mail(app, to: "avery@example.com").contains { $0.subject.contains("Some attachments were not stored") && $0.body.contains("capture.pcap") })
        }
    }

    @Test("SUP-2: a wrong token is not found; a mail without a sender or with a broken envelope is 20009 and stores nothing")
    func badInput() async throws {
        try await withTrustDesk { app in
            _ = try await SupportWorld.make(app)
            #expect(try await Self.post(app, token: "wrong-token-wrong-token-0000", from: "avery@example.com").status == .notFound)
            let noFrom = try await Self.post(app, from: "", omitFrom: true)
            #expect(noFrom.status == .badRequest && noFrom.errorCode == 20009)
            let badEnvelope = try await Self.post(app, from: "avery@example.com", envelope: "{not json")
            #expect(badEnvelope.status == .badRequest && badEnvelope.errorCode == 20009)
            #expect(try await InboundMailRecord.query(on: app.db).count() == 0)
            #expect(try await Ticket.query(on: app.db).count() == 0)
            app.trustDeskConfiguration.inboundMailToken = nil
            #expect(try await Self.post(app, from: "avery@example.com").status == .notFound)
        }
    }

    @Test("SUP-2: a reply to a closed ticket opens a follow-up that links to it")
    func closedTicket() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try await ChannelWorld.ticket(app, world)
            let ticket = try #require(try await Ticket.find(number, on: app.db))
            try await app.tickets(now: app.now).customerSolve(ticket, by: TicketActor(user: world.acme.user))
            _ = try await app.tickets(now: app.now.addingTimeInterval(5 * 86_400)).closeSolved()
            let reply = try await Self.post(app, from: "avery@example.com", to: try Self.replyTo(app, number), text: "It's back.", messageID: "back@example.com")
            #expect(reply.json["outcome"] as? String == "follow_up")
            let followUp = try #require(try await Ticket.find(try #require(reply.json["ticket_number"] as? Int), on: app.db))
            #expect(followUp.followUpOf == number && followUp.subject.hasPrefix("Follow-up:"))
        }
    }
}
