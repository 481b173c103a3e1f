import Foundation
import Testing
import TrustDeskCore

@Suite("SUP-2 mail-in")
struct InboundMailRulesTests {
    @Test("SUP-2: the Reply-To token names its ticket, and a changed number or MAC is not accepted")
    func replyToken() throws {
        let token = ReplyToken(keyMaterial: "inbound-token-0123456789abcdef", domain: "Reply.Example.com")
        let address = token.address(for: 1042)
        #expect(address.hasPrefix("support+1042.") && address.hasSuffix("@reply.example.com"))
        #expect(token.ticket(in: address) == 1042)
        #expect(token.ticket(in: address.uppercased()) == 1042)
        #expect(token.ticket(in: address.replacingOccurrences(of: "+1042.", with: "+1043.")) == nil)
        #expect(token.ticket(in: address.replacingOccurrences(of: "@reply.example.com", with: "@other.example.com")) == nil)
        #expect(token.ticket(in: "support+1042@reply.example.com") == nil)
        var flipped = Array(address)
        let macStart = address.distance(from: address.startIndex, to: address.firstIndex(of: ".") ?? address.startIndex) + 1
        flipped[macStart] = flipped[macStart] == "a" ? "b" : "a"
        #expect(token.ticket(in: String(flipped)) == nil)
        // Another server's key gives another MAC.
        #expect(ReplyToken(keyMaterial: "another-key-0123456789abcdef", domain: "reply.example.com").ticket(in: address) == nil)
    }

    @Test("SUP-2: a From address is believed with a passing DKIM signature of its domain, or SPF passing for the same domain")
    func senderChecks() throws {
        let from = try #require(MailAddress("Avery Stone <Avery@Acme-Rockets.example.com>"))
        #expect(from.address == "avery@acme-rockets.example.com" && from.domain == "acme-rockets.example.com")
        let envelope = MailAddress("bounces@mail.acme-rockets.example.com")
        #expect(SenderChecks.parse(spf: "pass", dkim: "none").authenticates(from: from, envelopeFrom: envelope))
        #expect(!SenderChecks.parse(spf: "pass", dkim: "none").authenticates(from: from, envelopeFrom: MailAddress("x@attacker.example.net")))
        #expect(!SenderChecks.parse(spf: "softfail", dkim: "none").authenticates(from: from, envelopeFrom: envelope))
        #expect(SenderChecks.parse(spf: "fail", dkim: "{@acme-rockets.example.com : pass}").authenticates(from: from, envelopeFrom: nil))
        #expect(!SenderChecks.parse(spf: "none", dkim: "{@acme-rockets.example.com : fail, @sendgrid.net : pass}").authenticates(from: from, envelopeFrom: nil))
        let checks = SenderChecks.parse(spf: "FAIL", dkim: "{@a.example.com : pass, garbage, @b.example.com : fail}")
        #expect(checks.spf == .fail && checks.dkim == ["a.example.com": true, "b.example.com": false])
        #expect(SenderChecks.parse(spf: "what", dkim: "").spf == SenderChecks.SPF.none)
    }

    @Test("SUP-2: only an authenticated teammate opens or answers a ticket; others get guidance at most daily, never after an SPF fail")
    func decision() {
        #expect(InboundMailPolicy.decide(isTeammate: true, authenticated: true, spf: .pass, guidanceSentWithinInterval: false) == .accept)
        #expect(InboundMailPolicy.decide(isTeammate: true, authenticated: false, spf: .softfail, guidanceSentWithinInterval: false) == .guidance)
        #expect(InboundMailPolicy.decide(isTeammate: false, authenticated: true, spf: .pass, guidanceSentWithinInterval: false) == .guidance)
        if case .ignore = InboundMailPolicy.decide(isTeammate: true, authenticated: false, spf: .fail, guidanceSentWithinInterval: false) {} else {
            Issue.record("a spoofed teammate (SPF fail) must get nothing back")
        }
        if case .ignore = InboundMailPolicy.decide(isTeammate: false, authenticated: false, spf: .none, guidanceSentWithinInterval: true) {} else {
            Issue.record("guidance goes at most once a day")
        }
        let body = InboundMailPolicy.guidanceBody(publicURL: "https://desk.example.com")
        for path in ["/signin", "/password/forgot", "/username/forgot", "/trouble"] { #expect(body.contains("https://desk.example.com\(path)")) }
    }

    @Test("SUP-2: addresses are read from headers with names, quotes and several recipients")
    func addresses() {
        let list = MailAddress.list("\"Stone, Avery\" <avery@acme.example.com>, support+12.abcdef0123456789@reply.example.com, not an address, <Casey@Acme.example.com>")
        #expect(list.map(\.address) == ["avery@acme.example.com", "support+12.abcdef0123456789@reply.example.com", "casey@acme.example.com"])
        #expect(MailAddress("no-at-sign") == nil)
        #expect(MailAddress("a@b") == nil)
    }

    @Test("SUP-2: Message-ID, In-Reply-To and References thread a reply, folded lines included")
    func threadHeaders() {
        let raw = "Received: from mx.example.com\r\nMessage-ID: <CAB123@mail.example.com>\r\nIn-Reply-To: <9f1e@trustdesk>\r\nReferences: <first@trustdesk>\r\n <9f1e@trustdesk>\r\nSubject: Re: Choppy audio\r\n"
        let headers = MailThreadHeaders.parse(raw)
        #expect(headers.messageID == "cab123@mail.example.com")
        #expect(headers.answers == ["9f1e@trustdesk", "first@trustdesk"])
        #expect(MailThreadHeaders.parse("Subject: hi").messageID == nil)
    }

    @Test("SUP-2: subjects lose their Re:/Fwd: prefixes; replies lose the quoted mail")
    func text() {
        #expect(InboundMailPolicy.ticketSubject("Re: RE: Fwd: Choppy audio") == "Choppy audio")
        #expect(InboundMailPolicy.ticketSubject("  ") == "(no subject)")
        #expect(InboundMailPolicy.replyText("Here is a third example.\n\nOn Mon, 2 Mar 2026 at 14:00, TrustDesk <no-reply@example.com> wrote:\n> Could you send an example?") == "Here is a third example.")
        #expect(InboundMailPolicy.replyText("Thanks!\n\n> quoted\n> more\n") == "Thanks!")
        #expect(InboundMailPolicy.replyText("> inline\nmy answer\n") == "> inline\nmy answer")
        #expect(InboundMailPolicy.replyText("Only this\n-----Original Message-----\nold") == "Only this")
    }

    @Test("SUP-2: attachments over 32 KB, and past the third, are listed rather than stored")
    func attachments() {
        let split = InboundMailPolicy.splitAttachments(sizes: [10, 40_000, 20, 30, 5], maximumSize: 32_768, maximumCount: 3)
        #expect(split.stored == [0, 2, 3])
        #expect(split.listed == [1, 4])
    }
}

@Suite("SUP-2 mail-in text")
struct InboundMailTextTests {
    @Test("SUP-2: a mail's text is cleaned and cut to fit a ticket; attachment names lose their paths")
    func cleaning() {
        #expect(InboundMailPolicy.bodyText("Hello\u{0C}\u{00} there\n") == "Hello there")
        #expect(InboundMailPolicy.bodyText("  ") == "(the email had no text)")
        let long = InboundMailPolicy.bodyText(String(repeating: "a", count: 20_000), maximum: 18_000)
        #expect(long.hasPrefix(String(repeating: "a", count: 18_000)) && long.contains("2000 characters, was cut"))
        #expect(InboundMailPolicy.filename("C:\\logs\\..\\calls.pcap") == "calls.pcap")
        #expect(InboundMailPolicy.filename("../../etc/passwd") == "passwd")
        #expect(InboundMailPolicy.filename("..") == "attachment")
        #expect(InboundMailPolicy.filename("a\u{07}b.txt") == "ab.txt")
    }
}
