import Testing
@testable import TrustDeskCore

@Suite("Ticket tags: what staff may file a ticket under")
struct TicketTagsTests {
    @Test("Tags: typed with spaces or commas, folded to lower case, repeats dropped, order kept")
    func parsing() throws {
        let tags = try TicketTags.parse("Billing, carrier-outage  billing\nsms_2026")
        #expect(tags.values == ["billing", "carrier-outage", "sms_2026"])
        #expect(tags.stored == "billing carrier-outage sms_2026")
        #expect(try TicketTags.parse("   ").values.isEmpty, "clearing the field removes every tag")
        #expect(TicketTags(stored: "consumer_trust account_takeover").values == ["consumer_trust", "account_takeover"])
    }

    @Test("Tags: a bad tag is 20001 on the field, naming every bad one; length and count are limited")
    func refusals() throws {
        let error = try #require(throws: DomainError.self) { try TicketTags.parse("ok bad! -lead über") }
        #expect(error.code == .invalidParameter && error.field == "tags")
        #expect(error.detail.contains("\"bad!\"") && error.detail.contains("\"-lead\"") && error.detail.contains("\"über\""))
        #expect(!error.detail.contains("\"ok\""))

        let longest = String(repeating: "a", count: TicketTags.maximumLength)
        #expect(try TicketTags.parse(longest).values == [longest])
        #expect(throws: DomainError.self) { try TicketTags.parse(longest + "a") }

        let most = (1...TicketTags.maximumCount).map { "t\($0)" }.joined(separator: " ")
        #expect(try TicketTags.parse(most).values.count == TicketTags.maximumCount)
        let tooMany = try #require(throws: DomainError.self) { try TicketTags.parse(most + " one-more") }
        #expect(tooMany.field == "tags" && tooMany.detail.contains("at most \(TicketTags.maximumCount)"))
    }

    @Test("Tags: the history line says what was added and removed, and nothing when nothing changed")
    func change() throws {
        let old = TicketTags(stored: "billing vip")
        #expect(try TicketTags.parse("vip refund").change(from: old) == "Tags added refund; removed billing.")
        #expect(try TicketTags.parse("billing vip refund").change(from: old) == "Tags added refund.")
        #expect(try TicketTags.parse("").change(from: old) == "Tags removed billing, vip.")
        #expect(try TicketTags.parse("VIP billing").change(from: old) == nil)
    }
}
