import Crypto
import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
import ZIPFoundation
@testable import TrustDeskServer

@Suite("PRV-2, PRV-9, SEC-3: exports")
struct PrivacyExportTests {
    static func entries(_ path: String) throws -> [String: Data] {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        var files: [String: Data] = [:]
        for entry in archive {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            files[entry.path] = data
        }
        return files
    }

    static func hex(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    @Test("PRV-2: an owner's export is a zip whose manifest counts and hashes match, with no other tenant's rows (SEC-3), and the ledger has its hash")
    func ownerExport() async throws {
        try await withTrustDesk { app in
            let owner = try await TestData.customer(app, "avery")
            let other = try await TestData.customer(app, "harper")
            for (customer, subject) in [(owner, "Avery's question"), (other, "Harper's secret question")] {
                _ = try await app.tickets(now: app.now).open(
                    NewTicket(subject: subject, description: "Details, with a comma, and \"quotes\".", priority: "3", intake: IntakeForm(product: .other)),
                    about: customer.account, by: TicketActor(user: customer.user))
            }
            let browser = try await PrivacyTestKit.signedIn(app, "avery")
            try await browser.get("/console/privacy")
            let sent = try await browser.post("/console/privacy/requests", ["type": "export", "scope": owner.account.sid, "password": TestData.password])
            #expect(sent.status == .ok)
            try await PrivacyTestKit.runJobs(app)
            let request = try #require(try await PrivacyRequest.query(on: app.db).filter(\.$accountSID == owner.account.sid).first())
            #expect(request.requestStatus == .complete)
            let path = try #require(request.exportPath)
            let files = try Self.entries(path)
            let manifestData = try #require(files["manifest.json"])
            let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
            let listed = try #require(manifest["files"] as? [[String: Any]])
            #expect(listed.contains { $0["name"] as? String == "tickets.csv" && $0["rows"] as? Int == 1 })
            for file in listed {
                let name = try #require(file["name"] as? String)
                let data = try #require(files[name], "\(name) listed but missing")
                #expect(file["sha256"] as? String == Self.hex(data), "\(name) hash")
                if name.hasSuffix(".json") {
                    let rows = try #require(try JSONSerialization.jsonObject(with: data) as? [Any])
                    #expect(rows.count == file["rows"] as? Int, "\(name) rows")
                }
            }
            let everything = files.values.map { String(decoding: $0, as: UTF8.self) }.joined()
            #expect(everything.contains("Avery's question") && everything.contains(owner.account.sid))
            #expect(!everything.contains("Harper") && !everything.contains(other.account.sid), "SEC-3: no other tenant's rows")
            #expect(!everything.contains(owner.user.passwordHash), "secrets are never exported")
            #expect(request.exportSHA256 == Self.hex(try Data(contentsOf: URL(fileURLWithPath: path))))
            let entry = try #require(try await PrivacyLedgerEntry.query(on: app.db).filter(\.$requestID == request.id).first())
            #expect(entry.action == "export" && entry.archiveSHA256 == request.exportSHA256)

            // The mailed link: single use, 5 days.
            let mail = try #require(try await TestData.mail(app, to: owner.user.email).last { $0.body.contains("/privacy/exports/") })
            let token = try #require(capture(#"token=([A-Za-z0-9_]+)"#, in: mail.body))
            let id = try #require(request.id?.uuidString.lowercased())
            let anonymous = Browser(app)
            try await anonymous.get("/privacy/exports/\(id)?token=\(token)")
            let download = try await anonymous.post("/privacy/exports/\(id)", ["token": token])
            #expect(download.status == .ok)
            #expect(download.headers.first(name: .contentType) == "application/zip")
            #expect(try await anonymous.post("/privacy/exports/\(id)", ["token": token]).errorCode == 20015)
        }
    }

    @Test("PRV-2: a teammate exports only their own user data; the link expires after 5 days (20014)")
    func teammateExport() async throws {
        try await withTrustDesk { app in
            let owner = try await TestData.customer(app, "avery")
            _ = try await TestData.teammate(app, "casey", role: .developer, on: owner.account)
            let browser = try await PrivacyTestKit.signedIn(app, "casey")
            try await browser.get("/console/privacy")
            let refused = try await browser.post("/console/privacy/requests", ["type": "export", "scope": owner.account.sid, "password": TestData.password])
            #expect(refused.errorCode == 20001, "a teammate can't ask for the account's data")
            try await browser.post("/console/privacy/requests", ["type": "export", "scope": "user", "password": TestData.password])
            try await PrivacyTestKit.runJobs(app)
            let request = try #require(try await PrivacyRequest.query(on: app.db).filter(\.$scope == "user").first())
            let files = try Self.entries(try #require(request.exportPath))
            let everything = files.values.map { String(decoding: $0, as: UTF8.self) }.joined()
            #expect(everything.contains("casey@example.com"))
            #expect(!everything.contains("avery@example.com"), "not the owner's data")
            #expect(files["accounts.json"] == nil, "not the account's data")
            let mail = try #require(try await TestData.mail(app, to: "casey@example.com").last { $0.body.contains("/privacy/exports/") })
            let token = try #require(capture(#"token=([A-Za-z0-9_]+)"#, in: mail.body))
            app.clock.advance(by: 432_001)
            let anonymous = Browser(app)
            try await anonymous.get("/privacy/request")
            #expect(try await anonymous.post("/privacy/exports/\(request.id?.uuidString.lowercased() ?? "")", ["token": token]).errorCode == 20014)
        }
    }

    @Test("PRV-2: correct a name at once, an email only after its link, and an address in use is 20011")
    func corrections() async throws {
        try await withTrustDesk { app in
            let owner = try await TestData.customer(app, "avery")
            _ = try await TestData.customer(app, "harper")
            let browser = try await PrivacyTestKit.signedIn(app, "avery")
            try await browser.get("/console/privacy")
            let taken = try await browser.post("/console/privacy/correct", ["full_name": "Avery Q. Stone", "email": "harper@example.com"])
            #expect(taken.errorCode == 20011)
            #expect(taken.text.contains("value=\"Avery Q. Stone\""), "what was typed is kept")
            let saved = try await browser.post("/console/privacy/correct", ["full_name": "Avery Q. Stone", "email": "avery.new@example.com",
                                                                             "account_sid": owner.account.sid, "account_name": "Acme Rockets Ltd"])
            #expect(saved.status == .ok)
            #expect(try await User.find(owner.user.sid, on: app.db)?.fullName == "Avery Q. Stone")
            #expect(try await Account.find(owner.account.sid, on: app.db)?.friendlyName == "Acme Rockets Ltd")
            #expect(try await User.find(owner.user.sid, on: app.db)?.email == "avery@example.com", "not before the link")
            let token = try await TestData.latestLinkToken(app, to: "avery.new@example.com", path: "/console/privacy/email/confirm")
            try await browser.get("/console/privacy/email/confirm?token=\(token)")
            #expect(try await browser.post("/console/privacy/email/confirm", ["token": token]).status == .ok)
            #expect(try await User.find(owner.user.sid, on: app.db)?.email == "avery.new@example.com")
            #expect(try await browser.post("/console/privacy/email/confirm", ["token": token]).errorCode == 20015)
        }
    }
}
