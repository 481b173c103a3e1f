import Testing
@testable import TrustDeskCore

@Suite("Progressive Trust: where status callbacks may go")
struct CallbackDestinationTests {
    @Test("PT-9: callbacks never name loopback, private, link-local or local-only hosts", arguments: [
        "127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
        "::1", "[::1]", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "[::ffff:10.0.0.1]",
        "localhost", "LOCALHOST", "api.localhost", "printer.local", "db.internal", "intranet", "router.home.arpa",
    ])
    func refusesInternalHosts(host: String) {
        #expect(throws: DomainError.self) { try CallbackDestination.checkHost(host, allowPrivate: false) }
        #expect(throws: Never.self) { try CallbackDestination.checkHost(host, allowPrivate: true) }
    }

    @Test("PT-9: public addresses and fully qualified names are fine", arguments: [
        "hooks.example.com", "hooks.example.com.", "203.0.113.7", "8.8.8.8", "2001:4860:4860::8888", "[2606:4700::1111]",
    ])
    func acceptsPublicHosts(host: String) throws {
        try CallbackDestination.checkHost(host, allowPrivate: false)
    }

    @Test("PT-9: resolved socket bytes and bracketed URL hosts read as the same addresses")
    func addressForms() {
        #expect(IPAddress(bytes: [10, 0, 0, 5])?.description == "10.0.0.5")
        #expect(IPAddress(bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1])?.description == "127.0.0.1")
        #expect(IPAddress(bytes: Array(repeating: 0, count: 15) + [1]) == IPAddress(urlHost: "[::1]"))
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
        #expect(IPAddress(urlHost: "hooks.example.com") == nil)
    }

    @Test("PT-9: a delivery goes only where every resolved address is public")
    func resolvedAddresses() throws {
        let publicAddress = try #require(IPAddress("203.0.113.7"))
        let privateAddress = try #require(IPAddress("10.0.0.5"))
        #expect(CallbackDestination.allows([publicAddress], allowPrivate: false))
        #expect(!CallbackDestination.allows([publicAddress, privateAddress], allowPrivate: false))
        #expect(!CallbackDestination.allows([], allowPrivate: false))
        #expect(CallbackDestination.allows([privateAddress], allowPrivate: true))
    }
}
