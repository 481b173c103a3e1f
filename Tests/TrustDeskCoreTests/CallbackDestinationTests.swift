import Testing
import PropertyBased
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

@Suite("PT-9: status-callback URLs as resolvers read them")
struct CallbackURLTests {
    @Test("PT-9: loopback, private and metadata addresses in every numeric spelling resolvers accept are refused", arguments: [
        "127.1", "127.0.1", "0177.0.0.1", "0x7f.1", "0x7F.0.0.1", "0x7f000001", "2130706433", "017700000001", "127.0.0.1.", "127.000.000.001",
        "0", "0.0.0.0", "10.1", "012.1.2.3", "0xa.0x1.0x2.0x3", "167772161", "0xc0.0xa8.1.1", "3232235777", "169.254.169.254", "0xa9fea9fe", "2852039166",
        "100.64.1", "198.18.0.1", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::127.0.0.1]", "[::ffff:a9fe:a9fe]", "[64:ff9b::a9fe:a9fe]", "[2002:7f00:1::]",
        "[fec0::1]", "%31%32%37.0.0.1", "127%2e0%2e0%2e1", "[::]",
    ])
    func numericLoopbackForms(host: String) throws {
        #expect(throws: DomainError.self, "\(host)") { try CallbackDestination.checkURL("https://\(host)/hook", allowPrivate: false) }
        #expect(throws: DomainError.self, "\(host):8443") { try CallbackDestination.checkURL("http://\(host):8443/hook", allowPrivate: false) }
    }

    @Test("PT-9: numeric hosts read as glibc's inet_aton and the WHATWG URL parser read them")
    func normalisedAddresses() {
        let table: [(String, String?)] = [
            ("127.1", "127.0.0.1"), ("127.0.1", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("2130706433", "127.0.0.1"),
            ("0x7f000001", "127.0.0.1"), ("1.2.3.4.", "1.2.3.4"), ("8.8.8.8", "8.8.8.8"), ("0x08.0x08.0x08.0x08", "8.8.8.8"), ("134744072", "8.8.8.8"),
            ("1.2.65535", "1.2.255.255"), ("0", "0.0.0.0"), ("0x", "0.0.0.0"), ("010.0.0.1", "8.0.0.1"), ("[::ffff:8.8.8.8]", "8.8.8.8"),
            ("1.2.3.256", nil), ("1.2.65536", nil), ("4294967296", nil), ("1.2.3.4.5", nil), ("08.1.1.1", nil), ("0xg.1", nil), ("1..2.3", nil),
            ("example.com", nil), ("1.2.3.4x", nil), ("", nil),
        ]
        for (host, expected) in table {
            #expect(IPAddress(urlHost: host)?.description == expected, "\(host)")
        }
        #expect(IPAddress.looksNumeric("1.2.3.999"))
        #expect(IPAddress.looksNumeric("0x1F"))
        #expect(!IPAddress.looksNumeric("1.2.3.example"))
        #expect(!IPAddress.looksNumeric("example.com."))
    }

    @Test("PT-9: a host that looks like an address but is none is refused even where private hosts are allowed", arguments: [
        "1.2.3.999", "999999999999", "1.2.3.4.5", "08.1.1.1", "0xfffffffff", "[::1", "[1.2.3.4]", "[fe80::1%25eth0]",
    ])
    func invalidNumericHosts(host: String) {
        #expect(throws: DomainError.self, "\(host)") { try CallbackDestination.checkURL("https://\(host)/hook", allowPrivate: true) }
    }

    @Test("PT-9: ports are 1 to 65535 in digits, or left out", arguments: [
        ("https://hooks.example.com:443/x", true), ("https://hooks.example.com:8443", true), ("http://hooks.example.com:1/x", true),
        ("http://hooks.example.com:65535/x", true), ("https://[2606:4700::1111]:8443/x", true), ("https://hooks.example.com/x?port=99999", true),
        ("https://hooks.example.com:0/x", false), ("https://hooks.example.com:65536/x", false), ("https://hooks.example.com:99999/x", false),
        ("https://hooks.example.com:/x", false), ("https://hooks.example.com:http/x", false), ("https://hooks.example.com:-1/x", false),
        ("https://hooks.example.com:+80/x", false), ("https://hooks.example.com:0080080/x", false), ("https://[2606:4700::1111]:99999/x", false),
        ("https://[2606:4700::1111]x/x", false), ("https://hooks.example.com:٨٠/x", false),
    ])
    func ports(url: String, accepted: Bool) {
        if accepted {
            #expect(throws: Never.self, "\(url)") { try CallbackDestination.checkURL(url, allowPrivate: false) }
        } else {
            #expect(throws: DomainError.self, "\(url)") { try CallbackDestination.checkURL(url, allowPrivate: false) }
        }
    }

    @Test("PT-9: the URL is taken apart strictly: scheme, credentials, backslashes, spaces and non-ASCII hosts", arguments: [
        "ftp://hooks.example.com/x", "//hooks.example.com/x", "hooks.example.com/x", "https://user:pw@hooks.example.com/x", "https://hooks.example.com@127.0.0.1/x",
        "https://hooks.example.com\\@127.0.0.1/x", "https://hooks.example.com /x", "https://hooks.exa\tmple.com/x", "https:///x", "https://bücher.example/x",
        "https://%zz.example.com/x", "https://localhost:8080/x", "https://intranet/x",
    ])
    func refusedShapes(url: String) {
        #expect(throws: DomainError.self, "\(url)") { try CallbackDestination.checkURL(url, allowPrivate: false) }
    }

    @Test("PT-9: well-formed public callback URLs are kept as typed, trimmed")
    func acceptedURLs() throws {
        #expect(try CallbackDestination.checkURL("  https://hooks.example.com/sms/refused?tenant=42#x  ", allowPrivate: false) == "https://hooks.example.com/sms/refused?tenant=42#x")
        #expect(try CallbackDestination.checkURL("HTTPS://Hooks.Example.COM", allowPrivate: false) == "HTTPS://Hooks.Example.COM")
        #expect(try CallbackDestination.checkURL("http://203.0.113.7:8080/cb", allowPrivate: false) == "http://203.0.113.7:8080/cb")
        #expect(try CallbackDestination.checkURL("http://127.1:8080/cb", allowPrivate: true) == "http://127.1:8080/cb")
    }

    @Test("PT-9: every 32-bit address reads the same in dotted, decimal, hex and octal spellings, and is public exactly when its dotted form is")
    func spellingsAgree() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...Int(UInt32.max))) { value in
            let v = UInt32(value)
            let dotted = "\(v >> 24).\(v >> 16 & 0xff).\(v >> 8 & 0xff).\(v & 0xff)"
            let spellings = [
                String(v), "0x" + String(v, radix: 16), "0" + String(v, radix: 8),
                "\(v >> 24).\(v & 0xffffff)", "\(v >> 24).\(v >> 16 & 0xff).\(v & 0xffff)",
                "0x\(String(v >> 24, radix: 16)).0\(String(v >> 16 & 0xff, radix: 8)).\(v >> 8 & 0xff).0x\(String(v & 0xff, radix: 16))",
                "[::ffff:\(dotted)]", dotted + ".",
            ]
            guard let canonical = IPAddress(dotted) else {
                Issue.record("\(dotted) did not parse")
                return
            }
            for spelling in spellings {
                #expect(IPAddress(urlHost: spelling) == canonical, "\(spelling) for \(dotted)")
                let refused = (try? CallbackDestination.checkURL("https://\(spelling)/cb", allowPrivate: false)) == nil
                #expect(refused == !canonical.isPublic, "\(spelling) for \(dotted)")
            }
        }
    }
}
