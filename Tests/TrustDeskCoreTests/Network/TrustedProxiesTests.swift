import Testing
@testable import TrustDeskCore

@Suite("Trusted proxies: the client address behind load balancers")
struct TrustedProxiesTests {
    let proxies = TrustedProxies(networks: ["10.0.0.0/8", "192.168.1.5", "2001:db8:ffff::/48"].compactMap(IPNetwork.init))

    func ip(_ text: String) -> IPAddress? { IPAddress(text) }

    @Test("CIDR networks: masks, both families, bad prefixes refused")
    func networks() throws {
        let network = try #require(IPNetwork("10.1.2.3/8"))
        #expect(network.description == "10.0.0.0/8")
        #expect(network.contains(try #require(ip("10.255.0.1"))))
        #expect(!network.contains(try #require(ip("11.0.0.1"))))
        #expect(!network.contains(try #require(ip("::ffff:b00:1"))), "11.0.0.1 mapped into IPv6 is still 11.0.0.1")
        #expect(try #require(IPNetwork("10.0.0.0/8")).contains(try #require(ip("::ffff:10.9.9.9"))))
        #expect(try #require(IPNetwork("2001:db8::/32")).contains(try #require(ip("2001:db8:1::7"))))
        #expect(try #require(IPNetwork("172.16.0.0/12")).contains(try #require(ip("172.31.255.255"))))
        #expect(!(try #require(IPNetwork("172.16.0.0/12")).contains(try #require(ip("172.32.0.0")))))
        for bad in ["10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "example.com", "2001:db8::/129", "10.0.0.0/8/8", "10.0.0.0/+8"] {
            #expect(IPNetwork(bad) == nil, "\(bad)")
        }
        #expect(throws: TrustedProxies.Invalid.self) { try TrustedProxies(parsing: "10.0.0.0/8, lb.example.com") }
        #expect(try TrustedProxies(parsing: " 10.0.0.0/8,192.168.1.5  ::1 ").networks.count == 3)
        #expect(try TrustedProxies(parsing: "").networks.isEmpty)
    }

    @Test("SEC-2: a forwarding header from an untrusted peer is ignored")
    func untrustedPeer() {
        let peer = ip("203.0.113.9")
        #expect(proxies.client(peer: peer, forwarded: [], forwardedFor: ["198.51.100.1"]) == peer)
        #expect(proxies.client(peer: peer, forwarded: ["for=198.51.100.1"], forwardedFor: []) == peer)
        #expect(TrustedProxies.none.client(peer: ip("10.0.0.1"), forwarded: [], forwardedFor: ["198.51.100.1"]) == ip("10.0.0.1"))
        #expect(proxies.client(peer: nil, forwarded: [], forwardedFor: ["198.51.100.1"]) == nil)
    }

    @Test("SEC-2: behind trusted proxies the client is the rightmost untrusted address")
    func trustedHops() {
        let peer = ip("10.0.0.2")
        // A client forging a first entry: the proxy appended the real one on the right.
        #expect(proxies.client(peer: peer, forwarded: [], forwardedFor: ["6.6.6.6, 198.51.100.1"]) == ip("198.51.100.1"))
        // Two trusted hops.
        #expect(proxies.client(peer: peer, forwarded: [], forwardedFor: ["198.51.100.1, 192.168.1.5"]) == ip("198.51.100.1"))
        // Several header lines count in order.
        #expect(proxies.client(peer: peer, forwarded: [], forwardedFor: ["6.6.6.6", "198.51.100.1", "10.0.0.9"]) == ip("198.51.100.1"))
        // Every hop is ours: the leftmost.
        #expect(proxies.client(peer: peer, forwarded: [], forwardedFor: ["10.0.0.7, 10.0.0.8"]) == ip("10.0.0.7"))
        #expect(proxies.client(peer: peer, forwarded: [], forwardedFor: []) == peer)
    }

    @Test("SEC-2: RFC 7239 Forwarded, IPv6, IPv4-mapped IPv6 and ports")
    func forwardedSyntax() {
        let peer = ip("10.0.0.2")
        #expect(proxies.client(peer: peer, forwarded: ["for=\"[2001:db8::1]:4711\";proto=https"], forwardedFor: []) == ip("2001:db8::1"))
        #expect(proxies.client(peer: peer, forwarded: ["for=198.51.100.1:8080, for=10.0.0.3"], forwardedFor: []) == ip("198.51.100.1"))
        #expect(proxies.client(peer: peer, forwarded: ["proto=https;for=\"198.51.100.1\";by=10.0.0.2"], forwardedFor: []) == ip("198.51.100.1"))
        #expect(proxies.client(peer: peer, forwarded: [], forwardedFor: ["::ffff:198.51.100.1"]) == ip("198.51.100.1"))
        #expect(proxies.client(peer: peer, forwarded: [], forwardedFor: ["[2001:db8::2]:443"]) == ip("2001:db8::2"))
        #expect(proxies.client(peer: peer, forwarded: [], forwardedFor: ["198.51.100.3:4711"]) == ip("198.51.100.3"))
        // Forwarded wins over X-Forwarded-For when both are sent.
        #expect(proxies.client(peer: peer, forwarded: ["for=198.51.100.4"], forwardedFor: ["198.51.100.5"]) == ip("198.51.100.4"))
        #expect(proxies.client(peer: ip("2001:db8:ffff::1"), forwarded: [], forwardedFor: ["198.51.100.6"]) == ip("198.51.100.6"))
    }

    @Test("SEC-2: obfuscated, garbage, too many hops and oversized headers fall back to the peer")
    func fallBack() {
        let peer = ip("10.0.0.2")
        for header in ["_hidden", "unknown", "not an address", "198.51.100.1, garbage", "", "198.51.100.1:", "[2001:db8::1", "1.2.3.4:80:90"] {
            #expect(proxies.client(peer: peer, forwarded: [], forwardedFor: [header]) == peer, "\(header)")
        }
        #expect(proxies.client(peer: peer, forwarded: ["for=_hidden"], forwardedFor: []) == peer)
        #expect(proxies.client(peer: peer, forwarded: ["proto=https"], forwardedFor: []) == peer)
        let hops = (0..<31).map { "198.51.100.\($0)" }.joined(separator: ", ")
        #expect(proxies.client(peer: peer, forwarded: [], forwardedFor: [hops]) == peer)
        let thirty = (0..<30).map { "198.51.100.\($0)" }.joined(separator: ", ")
        #expect(proxies.client(peer: peer, forwarded: [], forwardedFor: [thirty]) == ip("198.51.100.29"))
        let huge = String(repeating: "1", count: 5000)
        #expect(proxies.client(peer: peer, forwarded: [], forwardedFor: [huge]) == peer)
    }
}
