import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Support desk: attachments")
struct TicketAttachmentTests {
    /// Bytes that are not UTF-8, so nothing on the way may treat them as text.
    static let binary = Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF, 0xFE, 0x0D, 0x0A, 0x1A])

    @Test("SUP-2: files sent with an API reply are listed on the comment and read back byte for byte")
    func apiRoundTrip() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try #require(try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(now: app.now)).json["number"] as? Int)
            let log = Data(repeating: 0x41, count: TicketAttachment.maximumSize)
            // Three files at the per-file limit: more than the default 64 KB body, within the route's.
            let reply = try await TicketsAPITests.post(app, world.acme, "/v1/Tickets/\(number)/Comments", ["body": "Logs attached.", "attachments": [
                ["filename": "capture.png", "content_type": "image/png", "content_base64": Self.binary.base64EncodedString()],
                ["filename": "a.log", "content_base64": log.base64EncodedString()],
                ["filename": "b.log", "content_base64": log.base64EncodedString()],
            ]])
            #expect(reply.status == .created)
            let files = try #require(reply.json["attachments"] as? [[String: Any]])
            #expect(files.map { $0["filename"] as? String } == ["capture.png", "a.log", "b.log"])
            #expect(files.first?["size"] as? Int == Self.binary.count && files.first?["content_type"] as? String == "image/png")

            let listed = try await TicketsAPITests.get(app, world.acme, "/v1/Tickets/\(number)/Comments")
            let comment = try #require((listed.json["comments"] as? [[String: Any]])?.first)
            let uri = try #require((comment["attachments"] as? [[String: Any]])?.first?["uri"] as? String)
            let file = try await TicketsAPITests.get(app, world.acme, uri)
            #expect(file.status == .ok)
            #expect(file.json["filename"] as? String == "capture.png")
            #expect(Data(base64Encoded: file.json["content_base64"] as? String ?? "") == Self.binary)

            // Another organisation can't read it, whatever it knows.
            let other = try await TicketsAPITests.get(app, world.harbor, uri)
            #expect(other.status == .notFound && other.errorCode == 20404)
            #expect(try await TicketsAPITests.get(app, world.acme, "/v1/Tickets/\(number)/Attachments/not-a-uuid").status == .notFound)
        }
    }

    @Test("SUP-2: a customer attaches files on the ticket page, sees them and downloads them; staff see them too")
    func pageUploadAndDownload() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try #require(try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(now: app.now)).json["number"] as? Int)
            let avery = try await SupportWorld.customerBrowser(app, "avery")
            let page = try await avery.get("/console/support/tickets/\(number)")
            #expect(page.text.contains("enctype=\"multipart/form-data\"") && page.text.contains("name=\"attachments\""))
            let sent = try await avery.postMultipart("/console/support/tickets/\(number)/reply", ["body": "Here is the capture; filename has \"quotes\"; and semicolons."], files: [
                // Quotes escaped as a quoted-string, as RFC 7578 allows.
                .init(filename: #"call; \"one\".pcap"#, data: Self.binary),
                .init(filename: "notes.txt", contentType: "text/plain", data: Data("dropped at 00:42".utf8)),
            ])
            #expect(sent.location == "/console/support/tickets/\(number)")
            let shown = try await avery.get("/console/support/tickets/\(number)")
            #expect(shown.text.contains("Here is the capture; filename has &quot;quotes&quot;; and semicolons."))
            #expect(shown.text.contains("call; &quot;one&quot;.pcap") && shown.text.contains("notes.txt"))
            let href = try #require(capture(#"href="(/console/support/tickets/\d+/attachments/[0-9a-f-]+)">call"#, in: shown.text))
            let download = try await avery.get(href)
            #expect(download.status == .ok)
            #expect(Data(download.body.readableBytesView) == Self.binary)
            #expect(download.headers.contentType == .binary)
            #expect(download.headers.first(name: .contentDisposition) == "attachment; filename=\"call; _one_.pcap\"; filename*=UTF-8''call%3B%20%22one%22.pcap")

            // Another customer can't download it.
            let harper = try await SupportWorld.customerBrowser(app, "harper")
            #expect(try await harper.get(href).status == .notFound)

            // Staff see the files on their page; their download is recorded (SEC-3).
            let taylor = try await SupportWorld.staffBrowser(app, world.taylor)
            let staffPage = try await taylor.get("/staff/support/tickets/\(number)")
            let staffHref = try #require(capture(#"href="(/staff/support/tickets/\d+/attachments/[0-9a-f-]+)">notes.txt"#, in: staffPage.text))
            let staffDownload = try await taylor.get(staffHref)
            #expect(String(decoding: staffDownload.body.readableBytesView, as: UTF8.self) == "dropped at 00:42")
            let audit = try await StaffAuditEvent.query(on: app.db).filter(\.$action == "download_attachment").all()
            #expect(audit.count == 1 && audit.first?.detail == "#\(number): notes.txt" && audit.first?.staffUserSID == world.taylor.sid)
        }
    }

    @Test("SUP-2: files on an internal note stay with staff")
    func internalNoteFiles() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try #require(try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(now: app.now)).json["number"] as? Int)
            let taylor = try await SupportWorld.staffBrowser(app, world.taylor)
            try await taylor.get("/staff/support/tickets/\(number)")
            let note = try await taylor.postMultipart("/staff/support/tickets/\(number)/comment", ["body": "Carrier trace, do not share.", "public": "false"],
                                                      files: [.init(filename: "trace.txt", data: Data("carrier".utf8))])
            #expect(note.status == .ok && note.text.contains("Internal note added."))
            let file = try #require(try await TicketAttachment.query(on: app.db).filter(\.$ticketNumber == number).first())
            let id = try #require(file.id?.uuidString.lowercased())

            let avery = try await SupportWorld.customerBrowser(app, "avery")
            let page = try await avery.get("/console/support/tickets/\(number)")
            #expect(!page.text.contains("trace.txt"))
            #expect(try await avery.get("/console/support/tickets/\(number)/attachments/\(id)").status == .notFound)
            #expect(try await TicketsAPITests.get(app, world.acme, "/v1/Tickets/\(number)/Attachments/\(id)").status == .notFound)
            #expect(try await taylor.get("/staff/support/tickets/\(number)/attachments/\(id)").status == .ok)
        }
    }

    @Test("SUP-2: an oversized file on the page is refused with the limit, and nothing is saved")
    func pageOversized() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try #require(try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(now: app.now)).json["number"] as? Int)
            let avery = try await SupportWorld.customerBrowser(app, "avery")
            try await avery.get("/console/support/tickets/\(number)")
            let big = Data(repeating: 0x42, count: TicketAttachment.maximumSize + 1)
            let refused = try await avery.postMultipart("/console/support/tickets/\(number)/reply", ["body": "Big log"], files: [.init(filename: "big.log", data: big)])
            #expect(refused.text.contains("the limit is 32 KB per file"))
            #expect(try await TicketComment.query(on: app.db).filter(\.$ticketNumber == number).count() == 0)
            #expect(try await TicketAttachment.query(on: app.db).filter(\.$ticketNumber == number).count() == 0)
            // No file chosen: an ordinary reply.
            let plain = try await avery.postMultipart("/console/support/tickets/\(number)/reply", ["body": "No files this time"],
                                                      files: [.init(filename: "", data: Data())])
            #expect(plain.location == "/console/support/tickets/\(number)")
            #expect(try await TicketAttachment.query(on: app.db).filter(\.$ticketNumber == number).count() == 0)
        }
    }

    @Test("SUP-2, SUP-12: files sent with the new-ticket form stay with the ticket; a bad file opens nothing and keeps the form")
    func newTicketFiles() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let avery = try await SupportWorld.customerBrowser(app, "avery")
            let form = try await avery.get("/console/support/new?product=voice")
            #expect(form.text.contains("id=\"attachments\"") && form.text.contains("enctype=\"multipart/form-data\""))
            let fields = ["product": "voice", "account_sid": world.acme.account.sid, "priority": "2", "topic": "",
                          "subject": "Choppy audio on conference calls", "description": "Callers hear choppy audio after joining.",
                          "sids": "\(SupportWorld.call1)\n\(SupportWorld.call2)", "oldest_example_hours_ago": "2", "countries": "US"]
            let tooBig = try await avery.postMultipart("/console/support/tickets", fields,
                                                       files: [.init(filename: "huge.pcap", data: Data(repeating: 1, count: TicketAttachment.maximumSize + 1))])
            #expect(tooBig.text.contains("the limit is 32 KB per file"))
            #expect(tooBig.text.contains("Choppy audio on conference calls"))
            #expect(try await Ticket.query(on: app.db).count() == 0)

            let created = try await avery.postMultipart("/console/support/tickets", fields, files: [.init(filename: "call.pcap", data: Self.binary)])
            let number = try #require(created.location.flatMap { Int($0.split(separator: "/").last ?? "") })
            let ticket = try #require(try await Ticket.find(number, on: app.db))
            #expect(ticket.sidList == [SupportWorld.call1, SupportWorld.call2] && ticket.subject == "Choppy audio on conference calls")
            let files = try await TicketAttachment.query(on: app.db).filter(\.$ticketNumber == number).all()
            #expect(files.map(\.filename) == ["call.pcap"] && files.first?.size == Self.binary.count)
            let page = try await avery.get("/console/support/tickets/\(number)")
            #expect(page.text.contains("call.pcap"))
        }
    }

    @Test("SUP-2: a reply's files travel to the follow-up of a closed ticket")
    func followUpKeepsFiles() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try #require(try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(now: app.now)).json["number"] as? Int)
            let ticket = try #require(try await Ticket.find(number, on: app.db))
            ticket.setStatus(.closed)
            try await ticket.save(on: app.db)
            let avery = try await SupportWorld.customerBrowser(app, "avery")
            try await avery.get("/console/support/tickets/\(number)")
            let sent = try await avery.postMultipart("/console/support/tickets/\(number)/reply", ["body": "It happened again."],
                                                     files: [.init(filename: "again.txt", data: Data("again".utf8))])
            let followUp = try #require(sent.location.flatMap { Int($0.split(separator: "/").last ?? "") })
            #expect(followUp != number)
            let files = try await TicketAttachment.query(on: app.db).filter(\.$ticketNumber == followUp).all()
            #expect(files.map(\.filename) == ["again.txt"])
        }
    }
}
