import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("Status page: email subscribers")
struct StatusSubscriberTests {
    /// Subscribes through the page; returns the confirmation token from the mail.
    static func subscribe(_ app: Application, _ email: String, fields: [String: String] = [:]) async throws -> (TestingHTTPResponse, String?) {
        let browser = Browser(app)
        try await browser.get("/status/subscribe")
        let response = try await browser.post("/status/subscribe", ["email": email].merging(fields) { _, new in new })
        let body = try await TestData.mail(app, to: email.lowercased()).last?.body ?? ""
        return (response, capture(#"/status/subscribe/confirm\?token=([A-Za-z0-9_]+)"#, in: body))
    }

    static func confirm(_ app: Application, _ token: String) async throws -> TestingHTTPResponse {
        let browser = Browser(app)
        let page = try await browser.get("/status/subscribe/confirm?token=\(token)")
        guard page.status == .ok else { return page }
        return try await browser.post("/status/subscribe/confirm", ["token": token])
    }

    @Test("STS-3: double opt-in; the same answer for a new, a known and a confirmed address; nothing is sent before confirming")
    func doubleOptIn() async throws {
        try await withTrustDesk { app in
            let (first, token) = try await Self.subscribe(app, "Robin@Example.com")
            #expect(first.status == .ok && first.text.contains("id=\"subscribe-sent\""))
            let subscriber = try #require(try await StatusSubscriber.query(on: app.db).first())
            #expect(subscriber.email == "robin@example.com" && subscriber.confirmedAt == nil)
            let staff = try await StatusTestKit.admin(app)
            let sms = try await StatusTestKit.component(app, "SMS", by: staff)
            _ = try await StatusTestKit.incident(app, components: [sms.id ?? "": .majorOutage], by: staff)
            try await StatusTestKit.run(StatusJobs.notifications, app)
            #expect(try await TestData.mail(app, to: "robin@example.com").count == 1)
            let confirmed = try await Self.confirm(app, try #require(token))
            #expect(confirmed.status == .ok && confirmed.text.contains("id=\"subscribed\""))
            let (again, _) = try await Self.subscribe(app, "robin@example.com")
            let (unknown, _) = try await Self.subscribe(app, "nobody@example.com")
            func stripped(_ text: String) -> String {
                text.replacingOccurrences(of: #"value="tdln_[A-Za-z0-9]+""#, with: "", options: .regularExpression)
                    .replacingOccurrences(of: #"<strong>[^<]*</strong>"#, with: "", options: .regularExpression)
            }
            #expect(again.status == unknown.status && stripped(again.text) == stripped(unknown.text))
            #expect(try await TestData.mail(app, to: "robin@example.com").last?.body.contains("already subscribed") == true)
        }
    }

    @Test("STS-3: a confirmation link works at 47:59 hours, not at 48:01, and only once (20015)")
    func linkLifetime() async throws {
        try await withTrustDesk { app in
            let (_, early) = try await Self.subscribe(app, "early@example.com")
            let (_, late) = try await Self.subscribe(app, "late@example.com")
            app.clock.advance(by: 47 * 3600 + 59 * 60)
            #expect(try await Self.confirm(app, try #require(early)).status == .ok)
            let reused = try await Self.confirm(app, try #require(early))
            #expect(reused.errorCode == 20015)
            app.clock.advance(by: 2 * 60)
            #expect(try await Self.confirm(app, try #require(late)).errorCode == 20014)
            #expect(try await Self.confirm(app, "tdln_" + String(repeating: "x", count: 32)).errorCode == 20014)
            // An unconfirmed address is deleted a day after its link expired.
            app.clock.advance(by: 25 * 3600)
            try await StatusTestKit.run(StatusJobs.subscriberPurge, app)
            #expect(try await StatusSubscriber.query(on: app.db).all().map(\.email) == ["early@example.com"])
        }
    }

    @Test("STS-3 SEC-2: over 10 attempts an hour from one network are refused with 20012; a malformed address is 20001 and kept as typed")
    func throttleAndValidation() async throws {
        try await withTrustDesk { app in
            let (bad, _) = try await Self.subscribe(app, "not-an-address")
            #expect(bad.errorCode == 20001 && bad.text.contains("value=\"not-an-address\"") && bad.text.contains("id=\"email-error\""))
            for index in 1...10 {
                let (response, _) = try await Self.subscribe(app, "person\(index)@example.com")
                #expect(response.status == .ok)
            }
            let (blocked, _) = try await Self.subscribe(app, "person11@example.com")
            #expect(blocked.errorCode == 20012 && blocked.text.contains("value=\"person11@example.com\""))
            #expect(try await TestData.mail(app, to: "person11@example.com").isEmpty)
            app.clock.advance(by: 3601)
            #expect(try await Self.subscribe(app, "person11@example.com").0.status == .ok)
        }
    }

    @Test("STS-3: every status mail carries an unsubscribe link and the RFC 8058 headers; a one-click POST deletes the address")
    func oneClickUnsubscribe() async throws {
        try await withTrustDesk { app in
            let staff = try await StatusTestKit.admin(app)
            let sms = try await StatusTestKit.component(app, "SMS", by: staff)
            let subscriber = try await StatusTestKit.subscriber(app, "robin@example.com")
            _ = try await StatusTestKit.incident(app, components: [sms.id ?? "": .majorOutage], by: staff)
            try await StatusTestKit.run(StatusJobs.notifications, app)
            let mail = try #require(try await TestData.mail(app, to: "robin@example.com").first)
            let link = "http://127.0.0.1:8080/status/unsubscribe/\(subscriber.unsubscribeToken)"
            #expect(mail.subject == "[TrustDesk status] Investigating: SMS delays")
            #expect(mail.body.contains("Unsubscribe: \(link)") && mail.body.contains("/status/incidents/"))
            let headers = try mail.headers()
            #expect(headers == [MailHeader("List-Unsubscribe", "<\(link)>"), MailHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")])
            let rendered = MIMEMessage.render(OutgoingMail(id: UUID(), from: "a@example.com", to: mail.recipient, subject: mail.subject,
                                                           textBody: mail.body, date: app.now, headers: headers))
            #expect(rendered.contains("\r\nList-Unsubscribe: <\(link)>\r\n") && rendered.contains("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"))
            // Opening the link only shows a button.
            let page = try await StatusTestKit.get(app, "/status/unsubscribe/\(subscriber.unsubscribeToken)")
            #expect(page.status == .ok && page.text.contains("id=\"unsubscribe-form\""))
            #expect(try await StatusSubscriber.query(on: app.db).count() == 1)
            // The mail client's one-click POST: no session, no CSRF token.
            var formHeaders = HTTPHeaders()
            formHeaders.contentType = .urlEncodedForm
            let posted = try await app.testing().sendRequest(.POST, "/status/unsubscribe/\(subscriber.unsubscribeToken)", headers: formHeaders,
                                                             body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
            #expect(posted.status == .ok && posted.text.contains("id=\"unsubscribed\""))
            #expect(try await StatusSubscriber.query(on: app.db).count() == 0)
            let unknown = try await app.testing().sendRequest(.POST, "/status/unsubscribe/tdln_unknowntokenunknowntokenunknow", headers: formHeaders,
                                                              body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
            #expect(unknown.status == .ok && unknown.text.contains("id=\"unsubscribed\""))
            _ = try await StatusTestKit.incident(app, "Second", components: [sms.id ?? "": .majorOutage], by: staff)
            try await StatusTestKit.run(StatusJobs.notifications, app)
            #expect(try await TestData.mail(app, to: "robin@example.com").count == 1)
        }
    }

    @Test("STS-3: subscribers hear only of the components they chose (a group covers its members)")
    func componentChoice() async throws {
        try await withTrustDesk { app in
            let staff = try await StatusTestKit.admin(app)
            let messaging = try await StatusTestKit.component(app, "Messaging", isGroup: true, by: staff)
            let sms = try await StatusTestKit.component(app, "SMS", group: messaging.id, by: staff)
            let voice = try await StatusTestKit.component(app, "Voice", product: .voice, position: 2, by: staff)
            let (_, token) = try await Self.subscribe(app, "voice@example.com", fields: ["component_\(voice.id ?? "")": "1"])
            #expect(try await Self.confirm(app, try #require(token)).status == .ok)
            try await StatusTestKit.subscriber(app, "group@example.com", components: [messaging.id ?? ""])
            try await StatusTestKit.subscriber(app, "all@example.com")
            _ = try await StatusTestKit.incident(app, components: [sms.id ?? "": .majorOutage], by: staff)
            try await StatusTestKit.run(StatusJobs.notifications, app)
            #expect(try await TestData.mail(app, to: "voice@example.com").count == 1)
            #expect(try await TestData.mail(app, to: "group@example.com").count == 1)
            #expect(try await TestData.mail(app, to: "all@example.com").count == 1)
            _ = try await StatusTestKit.incident(app, "Calls failing", components: [voice.id ?? "": .majorOutage], by: staff)
            try await StatusTestKit.run(StatusJobs.notifications, app)
            #expect(try await TestData.mail(app, to: "voice@example.com").count == 2)
            #expect(try await TestData.mail(app, to: "group@example.com").count == 1)
            #expect(try await TestData.mail(app, to: "all@example.com").count == 2)
        }
    }

    @Test("STS-3: an update reaches 2,500 subscribers in batches of 1,000, exactly once each, however many runners race")
    func fanOutOnce() async throws {
        try await withTrustDesk { app in
            let staff = try await StatusTestKit.admin(app)
            let sms = try await StatusTestKit.component(app, "SMS", by: staff)
            var rows: [StatusSubscriber] = []
            for index in 0..<2_500 {
                let subscriber = StatusSubscriber()
                subscriber.id = UUID()
                subscriber.email = "s\(index)@example.com"
                subscriber.components = ""
                subscriber.pendingComponents = ""
                subscriber.confirmedAt = app.now
                subscriber.unsubscribeToken = Secrets.generate(.link)
                subscriber.createdAt = app.now
                rows.append(subscriber)
            }
            for chunk in stride(from: 0, to: rows.count, by: 250) { try await Array(rows[chunk..<min(chunk + 250, rows.count)]).create(on: app.db) }
            _ = try await StatusTestKit.incident(app, components: [sms.id ?? "": .majorOutage], by: staff)
            let mailings = app.statusMailings(now: app.now)
            // Four runners at once, each writing batches until the mailing is done.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        for _ in 0..<6 { try await mailings.writeDue(batches: 1) }
                    }
                }
                try await group.waitForAll()
            }
            try await mailings.writeDue(batches: 5)
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$kind == "status_update").count() == 2_500)
            #expect(try await StatusNotification.query(on: app.db).count() == 2_500)
            let mailing = try #require(try await StatusMailing.query(on: app.db).first())
            #expect(mailing.dueAt == nil && mailing.finishedAt != nil && mailing.written == 2_500)
            // Running again sends nothing more.
            try await StatusTestKit.run(StatusJobs.notifications, app)
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$kind == "status_update").count() == 2_500)
        }
    }

    @Test("STS-3 SEC-2: several clients subscribing the same address at once get one subscription and the same answer")
    func concurrentSubscribes() async throws {
        try await withTrustDesk { app in
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<3 {
                    group.addTask { try await Self.subscribe(app, "same@example.com").0.status }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .ok })
            #expect(try await StatusSubscriber.query(on: app.db).filter(\.$email == "same@example.com").count() == 1)
        }
    }
}
