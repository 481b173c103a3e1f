import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("PRV-1: the personal data inventory")
struct PrivacyInventoryTests {
    @Test("PRV-1: every column of every migrated table is classified (live schema, this database)")
    func everyColumnClassified() async throws {
        try await withTrustDesk { app in
            let schema = try await PrivacyInventory.liveSchema(on: app.db)
            #expect(schema["users"]?.contains("email") == true, "the schema was read")
            let gap = PersonalDataInventory.gaps(schema: schema, declared: PrivacyInventory.tables, ignoring: PrivacyInventory.machinery)
            #expect(gap.isEmpty, "\(gap)")
            #expect(Set(PrivacyInventory.tables.map(\.table)).count == PrivacyInventory.tables.count, "a table is declared once")
        }
    }

    @Test("PRV-1: the findings beyond users and tickets are classified as personal")
    func findings() throws {
        func category(_ table: String, _ column: String) -> DataCategory? {
            guard case let .personal(category, _, _)? = PrivacyInventory.table(table)?.columns[column] else { return nil }
            return category
        }
        for table in ["registrations", "vetting_assessments"] {
            for column in ["phone", "country", "network"] { #expect(category(table, column) == .accountData, "\(table).\(column)") }
        }
        #expect(category("outbox_messages", "recipient") == .accountData)
        #expect(category("outbox_messages", "body") == .content)
        #expect(category("throttle_failures", "key") == .accountData)
        #expect(category("enforcement_records", "evidence") == .content)
        #expect(category("trust_admitted_messages", "message_sid") == .usageData)
        #expect(category("account_activity", "last_used_at") == .usageData)
        #expect(category("users", "email") == .accountData)
        #expect(category("trust_quota_buckets", "granted") == nil, "hourly counts hold no personal data")
    }

    @Test("PRV-1: /staff/privacy/inventory is generated from the declarations")
    func inventoryPage() async throws {
        try await withTrustDesk { app in
            let (browser, _) = try await StandingTestKit.staffBrowser(app, role: .agent)
            let page = try await browser.get("/staff/privacy/inventory")
            #expect(page.status == .ok)
            for table in PrivacyInventory.tables where table.holdsPersonalData {
                #expect(page.text.contains("id=\"table-\(table.table)\""), "\(table.table) missing")
            }
            #expect(page.text.contains("De-identified 60 days after closure"))
        }
    }
}

@Suite("PRV-7: every mail kind is classified")
struct MailKindsTests {
    @Test("PRV-7: every kind the code queues is in the table (a test fails on an unclassified kind)")
    func everyKindClassified() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sources = root.appendingPathComponent("Sources")
        guard let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil) else {
            Issue.record("no Sources folder at \(sources.path)")
            return
        }
        let pattern = try NSRegularExpression(pattern: #"kind: "([a-z0-9_]+)""#)
        var kinds: Set<String> = []
        for case let url as URL in files where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            guard text.contains("enqueue(") else { continue }
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { kinds.insert(String(text[range])) }
            }
        }
        #expect(kinds.contains("password_reset") && kinds.contains("announcement"), "the scan found the kinds")
        for kind in kinds.sorted() {
            #expect(MailKinds.kind(kind) != nil, "mail kind \(kind) is not classified in MailKinds.table")
        }
    }
}
