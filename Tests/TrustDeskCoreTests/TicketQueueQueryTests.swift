import Foundation
import Testing
@testable import TrustDeskCore

@Suite("Ticket queues: filters, search, order and paging staff can trust")
struct TicketQueueQueryTests {
    @Test("Queues: each filter takes its listed values, empty is any, anything else is 20001 on that filter")
    func filters() throws {
        #expect(try TicketQueueQuery.status("pending") == .pending)
        #expect(try TicketQueueQuery.priority("1") == .businessCritical)
        #expect(try TicketQueueQuery.product("messaging") == .messaging)
        #expect(try TicketQueueQuery.group("pse") == "pse")
        #expect(try TicketQueueQuery.plan("personalized") == "personalized")
        #expect(try TicketQueueQuery.order("priority") == .priority)
        #expect(try TicketQueueQuery.status("") == nil && TicketQueueQuery.priority("") == nil && TicketQueueQuery.plan("") == nil)
        #expect(try TicketQueueQuery.order("") == .updated)
        let desk: Set<String> = ["US" + String(repeating: "1", count: 32)]
        #expect(try TicketQueueQuery.assignee("none", among: desk) == .nobody)
        #expect(try TicketQueueQuery.assignee("US" + String(repeating: "1", count: 32), among: desk) == .person("US" + String(repeating: "1", count: 32)))
        let bad: [(String, () throws(DomainError) -> Void)] = [
            ("status", { () throws(DomainError) in _ = try TicketQueueQuery.status("urgent") }),
            ("priority", { () throws(DomainError) in _ = try TicketQueueQuery.priority("7") }),
            ("product", { () throws(DomainError) in _ = try TicketQueueQuery.product("fax") }),
            ("group", { () throws(DomainError) in _ = try TicketQueueQuery.group("sales") }),
            ("plan", { () throws(DomainError) in _ = try TicketQueueQuery.plan("gold") }),
            ("sort", { () throws(DomainError) in _ = try TicketQueueQuery.order("random") }),
            ("assignee", { () throws(DomainError) in _ = try TicketQueueQuery.assignee("US" + String(repeating: "2", count: 32), among: desk) }),
        ]
        for (field, read) in bad {
            do {
                try read()
                Issue.record("\(field) accepted a value that is not a choice")
            } catch {
                #expect(error.code == .invalidParameter, "\(field)")
                #expect(error.field == field, "\(field): \(error.message)")
            }
        }
    }

    @Test("Queues: a search finds a ticket number, a SID from the intake, a requester's email, or subject words")
    func search() throws {
        #expect(try TicketSearch.parse("#1042") == .number(1042))
        #expect(try TicketSearch.parse(" 77 ") == .number(77))
        let sid = "SM" + String(repeating: "0a", count: 16)
        #expect(try TicketSearch.parse(sid) == .sid(sid))
        #expect(try TicketSearch.parse("Ops@Acme.example") == .email("ops@acme.example"))
        #expect(try TicketSearch.parse("  Delivery   DELAYED ") == .words(["delivery", "delayed"]))
        #expect(try TicketSearch.parse("   ") == nil)
        #expect(try TicketSearch.parse("100% _lost_") == .words(["100", "lost"]), "LIKE's wildcards are not searched for")
    }

    @Test("Queues: a search over 200 characters is 20001 on the search box")
    func searchTooLong() throws {
        #expect(try TicketSearch.parse(String(repeating: "a", count: 200)) == .words([String(repeating: "a", count: 200)]))
        do {
            _ = try TicketSearch.parse(String(repeating: "a", count: 201))
            Issue.record("a 201-character search was accepted")
        } catch {
            #expect(error.code == .invalidParameter)
            #expect(error.field == "q")
        }
    }

    @Test("Queues: a page token carries the sort key and number back unchanged; a forged one is 20001")
    func cursor() throws {
        let updated = TicketQueueCursor.updated(Date(timeIntervalSince1970: 1_795_000_123.25), 812)
        #expect(try TicketQueueCursor.parse(updated.token, order: .updated) == updated)
        let priority = TicketQueueCursor.priority(.degradedService, 40)
        #expect(try TicketQueueCursor.parse(priority.token, order: .priority) == priority)
        #expect(try TicketQueueCursor.parse("", order: .updated) == nil)
        for forged in ["abc", "9_x", "5_12", "1795000123_-3", "1_2_3", "nan_4"] {
            #expect(throws: DomainError.self, "\(forged)") { try TicketQueueCursor.parse(forged, order: .priority) }
        }
        #expect(throws: DomainError.self) { try TicketQueueCursor.parse("inf_4", order: .updated) }
    }
}
