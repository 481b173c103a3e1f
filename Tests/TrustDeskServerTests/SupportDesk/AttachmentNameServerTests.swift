import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Support desk: attachment names are base names")
struct AttachmentNameServerTests {
    @Test("SUP-2: a name with a path, parent references or control characters is stored, listed and served as its base name")
    func apiNames() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try #require(try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(now: app.now)).json["number"] as? Int)
            let reply = try await TicketsAPITests.post(app, world.acme, "/v1/Tickets/\(number)/Comments", ["body": "Logs.", "attachments": [
                ["filename": "../../etc/passwd", "content_base64": "QQ=="],
                ["filename": "C:\\Users\\ana\\trace\u{0}.log", "content_base64": "QQ=="],
                ["filename": "résumé.pdf", "content_base64": "QQ=="],
            ]])
            #expect(reply.status == .created)
            let files = try #require(reply.json["attachments"] as? [[String: Any]])
            #expect(files.map { $0["filename"] as? String } == ["passwd", "trace.log", "résumé.pdf"])
            #expect(try await TicketAttachment.query(on: app.db).filter(\.$ticketNumber == number).all().map(\.filename).sorted() == ["passwd", "résumé.pdf", "trace.log"])

            let refused = try await TicketsAPITests.post(app, world.acme, "/v1/Tickets/\(number)/Comments", ["body": "Dots.", "attachments": [["filename": "../..", "content_base64": "QQ=="]]])
            #expect(refused.status == .badRequest && refused.errorCode == 20001)

            // Served with RFC 6266: an ASCII fallback and the UTF-8 name.
            let avery = try await SupportWorld.customerBrowser(app, "avery")
            let page = try await avery.get("/console/support/tickets/\(number)")
            let href = try #require(capture(#"href="(/console/support/tickets/\d+/attachments/[0-9a-f-]+)">résumé.pdf"#, in: page.text))
            let download = try await avery.get(href)
            #expect(download.headers.first(name: .contentDisposition) == "attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf")
            let plain = try #require(capture(#"href="(/console/support/tickets/\d+/attachments/[0-9a-f-]+)">passwd"#, in: page.text))
            #expect(try await avery.get(plain).headers.first(name: .contentDisposition) == "attachment; filename=\"passwd\"")
        }
    }

    @Test("SUP-2: a name stored before names were cleaned is served as its base name")
    func storedBefore() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            let number = try #require(try await SupportWorld.apiTicket(app, world.acme, SupportWorld.voiceBody(now: app.now)).json["number"] as? Int)
            _ = try await TicketsAPITests.post(app, world.acme, "/v1/Tickets/\(number)/Comments", ["body": "Log.", "attachments": [["filename": "old.log", "content_base64": "QQ=="]]])
            let file = try #require(try await TicketAttachment.query(on: app.db).filter(\.$ticketNumber == number).first())
            file.filename = "../../secret/old.log"
            try await file.save(on: app.db)
            let id = try #require(file.id?.uuidString.lowercased())
            let read = try await TicketsAPITests.get(app, world.acme, "/v1/Tickets/\(number)/Attachments/\(id)")
            #expect(read.json["filename"] as? String == "old.log")
            let avery = try await SupportWorld.customerBrowser(app, "avery")
            #expect(try await avery.get("/console/support/tickets/\(number)/attachments/\(id)").headers.first(name: .contentDisposition) == "attachment; filename=\"old.log\"")
        }
    }
}
