import Foundation
import Testing
@testable import TrustDeskCore

@Suite("STD-6: sign-up vetting input")
struct SignupInputTests {
    @Test("STD-6: the network of a sign-up is its IPv4 /24 or IPv6 /48")
    func networks() throws {
        #expect(try #require(IPAddress("203.0.113.77")).signupNetwork == "203.0.113.0/24")
        #expect(try #require(IPAddress("2001:db8:abcd:12:1::7")).signupNetwork == "2001:db8:abcd::/48")
        #expect(try #require(IPAddress("::ffff:198.51.100.9")).signupNetwork == "198.51.100.0/24", "an IPv4-mapped address is its IPv4 address")
        #expect(IPAddress("2001:DB8:0:0:0:0:0:1")?.description == "2001:db8::1")
        #expect(IPAddress("1:0:0:2:0:0:0:3")?.description == "1:0:0:2::3")
    }

    @Test("STD-6: only public addresses give a network; private, loopback and link-local ones don't")
    func publicOnly() {
        for text in ["127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.0.1", "100.64.0.1", "::1", "fe80::1", "fd00::1", "::"] {
            #expect(IPAddress(text)?.isPublic == false, "\(text)")
        }
        for text in ["203.0.113.7", "8.8.8.8", "2001:db8::1", "2a00:1450::1"] {
            #expect(IPAddress(text)?.isPublic == true, "\(text)")
        }
    }

    @Test("STD-6: malformed addresses are refused")
    func malformed() {
        for text in ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4/24", "example.com", "1::2::3", "12345::1", "1:2:3:4:5:6:7:8:9", "g::1", "fe80::1%eth0"] {
            #expect(IPAddress(text) == nil, "\(text)")
        }
    }

    @Test("STD-6: the country is an ISO 3166 two-letter code; anything else is a clear error")
    func country() throws {
        #expect(try SignupContact.country(" gb ") == "GB")
        #expect(try SignupContact.country("") == nil)
        #expect(throws: DomainError.self) { try SignupContact.country("XX") }
        do throws(DomainError) {
            _ = try SignupContact.country("United Kingdom")
            Issue.record("a country name is not a code")
        } catch {
            #expect(error.message.contains("country:") && error.message.contains("two-letter ISO 3166"))
        }
    }

    @Test("STD-6: the phone is E.164; people's spaces and dashes are ignored, other forms are refused")
    func phone() throws {
        #expect(try SignupContact.phone("+1 (555) 010-0123") == "+15550100123")
        #expect(try SignupContact.phone("  ") == nil)
        for bad in ["555-0100", "+0 555 0100", "+1 555", "+1555010012345678", "+1 555 O10 0123"] {
            #expect(throws: DomainError.self, "\(bad)") { try SignupContact.phone(bad) }
        }
    }

    @Test("STD-6: a phone is unverifiable when missing or under another country's calling code")
    func verifiable() {
        #expect(SignupContact.phoneVerifiable("+15550100123", country: "US"))
        #expect(!SignupContact.phoneVerifiable("+15550100123", country: "FR"))
        #expect(SignupContact.phoneVerifiable("+33155501001", country: "FR"))
        #expect(SignupContact.phoneVerifiable("+15550100123", country: nil))
        #expect(!SignupContact.phoneVerifiable(nil, country: "US"))
    }
}

@Suite("SUP-15: the Consumer Trust desk")
struct ConsumerTrustDeskRulesTests {
    @Test("SUP-15: a review opens the case type of the decision it is about")
    func topics() {
        #expect(ConsumerTrustDesk.topic(forReviewOf: .dormancy) == .dormantReactivation)
        #expect(ConsumerTrustDesk.topic(forReviewOf: .exposedCredentials) == .exposedCredentials)
        #expect(ConsumerTrustDesk.topic(forReviewOf: .accountTakeover) == .accountTakeover)
        #expect(ConsumerTrustDesk.topic(forReviewOf: .vettingRejected) == .vettingReview)
        #expect(ConsumerTrustDesk.topic(forReviewOf: .nonPayment) == .automatedDecisionReview)
        #expect(ConsumerTrustDesk.oldestFirst, "no SLA: the longest wait is answered first")
    }

    @Test("STD-3: a review decision needs a written justification, which the customer is sent")
    func justification() throws {
        #expect(throws: DomainError.self) { try ConsumerTrustDesk.reviewJustification("  ok  ") }
        #expect(try ConsumerTrustDesk.reviewJustification("  Usage confirmed by invoice.  ") == "Usage confirmed by invoice.")
        let reply = ConsumerTrustDesk.decisionReply(reinstated: false, standing: .dormant, justification: "No usage in 200 days.")
        #expect(reply.contains("upheld") && reply.contains("stays dormant") && reply.contains("No usage in 200 days."))
    }
}
