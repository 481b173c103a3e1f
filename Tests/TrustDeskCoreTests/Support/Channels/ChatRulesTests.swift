import Foundation
import Testing
import TrustDeskCore

@Suite("SUP-11 chat")
struct ChatRulesTests {
    @Test("SUP-11: the chat says it has no SLA and is not watched around the clock")
    func banner() {
        #expect(ChatPolicy.banner.contains("not watched around the clock"))
        #expect(ChatPolicy.banner.contains("SLA"))
    }

    @Test("SUP-11: messages are text of at most 4,000 characters; channel names are slugs")
    func content() throws {
        #expect(try ChatPolicy.content("  Is the 415 route still degraded?\n") == "Is the 415 route still degraded?")
        #expect((#expect(throws: DomainError.self) { try ChatPolicy.content(" ") })?.field == "content")
        #expect((#expect(throws: DomainError.self) { try ChatPolicy.content(String(repeating: "a", count: 4_001)) })?.field == "content")
        #expect((#expect(throws: DomainError.self) { try ChatPolicy.content("bell\u{07}") })?.field == "content")
        #expect(try ChatPolicy.channel("TAM-Acme-Rockets") == "tam-acme-rockets")
        #expect((#expect(throws: DomainError.self) { try ChatPolicy.channel("tam acme") })?.field == "channel")
    }

    @Test("SUP-11: words about a Consumer Trust matter suggest its topic", arguments: [
        ("I think our account was hacked last night", ConsumerTrustTopic.accountTakeover),
        ("Our auth token was pushed to GitHub by mistake", .exposedCredentials),
        ("Why was our subaccount suspended?", .automatedDecisionReview),
        ("Please reactivate our dormant account", .dormantReactivation),
        ("Our sign-up is stuck in vetting", .vettingReview),
    ])
    func hint(text: String, topic: ConsumerTrustTopic) {
        #expect(ChatPolicy.suggestedTopic(text) == topic)
    }

    @Test("SUP-11: an ordinary technical question suggests nothing")
    func noHint() {
        #expect(ChatPolicy.suggestedTopic("Calls to +44 have choppy audio since 09:00") == nil)
    }

    @Test("SUP-11: the transcript lists every message with its UTC time, oldest first")
    func transcript() throws {
        let start = utc("2026-03-02T14:05:00")
        let text = ChatPolicy.transcript(channel: "tam-acme-rockets", lines: [
            .init(at: start, author: "Avery Stone", type: .incoming, content: "Our account was hacked"),
            .init(at: start.addingTimeInterval(120), author: "Taylor Reed", type: .outgoing, content: "Opening a Consumer Trust ticket."),
            .init(at: start.addingTimeInterval(180), author: "TrustDesk", type: .activity, content: "Ticket #12 opened"),
        ])
        #expect(text == """
            Chat transcript of #tam-acme-rockets

            [2026-03-02 14:05 UTC] Avery Stone: Our account was hacked
            [2026-03-02 14:07 UTC] Taylor Reed: Opening a Consumer Trust ticket.
            [2026-03-02 14:08 UTC] --: Ticket #12 opened

            """)
        // Only the newest messages that fit a ticket comment (20,000 characters) and a 32 KB file.
        let long = (0..<20).map { ChatPolicy.TranscriptLine(at: start, author: "A", type: .incoming, content: "m\($0) " + String(repeating: "é", count: 1_990)) }
        let trimmed = ChatPolicy.transcript(channel: "c", lines: long)
        #expect(trimmed.count <= 20_000 && trimmed.utf8.count <= 32 * 1024)
        let omitted = try #require(Int(capture(#"\(the (\d+) earlier messages"#, in: trimmed) ?? ""))
        #expect(omitted > 0 && omitted < 20)
        #expect(trimmed.contains(": m19 ") && !trimmed.contains(": m\(omitted - 1) "))
        #expect(trimmed.contains(": m\(omitted) "))
    }
}

/// The first capture group of `pattern` in `text`.
func capture(_ pattern: String, in text: String) -> String? {
    guard let regex = try? NSRegularExpression(pattern: pattern),
          let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
          match.numberOfRanges > 1, let range = Range(match.range(at: 1), in: text)
    else { return nil }
    return String(text[range])
}
