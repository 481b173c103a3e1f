import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("The client address behind proxies")
struct ClientAddressTests {
    func request(_ app: Application, peer: String, headers: HTTPHeaders) throws -> Request {
        Request(application: app, method: .GET, url: "/signup", headers: headers,
                remoteAddress: try SocketAddress(ipAddress: peer, port: 40_000), on: app.eventLoopGroup.next())
    }

    @Test("SEC-2, STD-6: with no trusted proxy, forwarding headers are ignored")
    func nothingTrustedByDefault() async throws {
        try await withTrustDesk { app in
            let forged = try request(app, peer: "198.51.100.20", headers: ["X-Forwarded-For": "203.0.113.9", "Forwarded": "for=203.0.113.9"])
            #expect(forged.clientAddress == "198.51.100.20")
            #expect(forged.signupNetwork == "198.51.100.0/24")
            let local = try request(app, peer: "127.0.0.1", headers: ["X-Forwarded-For": "203.0.113.9"])
            #expect(local.clientAddress == "127.0.0.1")
            #expect(local.signupNetwork == nil, "loopback is never a sign-up network")
        }
    }

    @Test("SEC-2, STD-6: behind a trusted proxy, the forwarded client counts")
    func trustedProxy() async throws {
        try await withTrustDesk(settings: { $0.trustedProxies = TrustedProxies(networks: [IPNetwork("127.0.0.1"), IPNetwork("10.0.0.0/8")].compactMap { $0 }) }) { app in
            let proxied = try request(app, peer: "127.0.0.1", headers: ["X-Forwarded-For": "6.6.6.6, 203.0.113.9, 10.1.1.1"])
            #expect(proxied.clientAddress == "203.0.113.9")
            #expect(proxied.signupNetwork == "203.0.113.0/24")
            let viaForwarded = try request(app, peer: "10.2.3.4", headers: ["Forwarded": "for=\"[2001:db8:1234::5]:443\""])
            #expect(viaForwarded.clientAddress == "2001:db8:1234::5")
            #expect(viaForwarded.signupNetwork == "2001:db8:1234::/48")
            let outsider = try request(app, peer: "198.51.100.20", headers: ["X-Forwarded-For": "203.0.113.9"])
            #expect(outsider.clientAddress == "198.51.100.20", "a forged header from outside is not believed")
        }
    }

    @Test("A malformed TRUSTDESK_TRUSTED_PROXIES stops the start, naming the variable")
    func malformedSetting() {
        #expect(throws: TrustDeskConfiguration.Invalid.self) {
            try TrustDeskConfiguration.fromEnvironment(["TRUSTDESK_TRUSTED_PROXIES": "10.0.0.0/8, proxy.example.com"])
        }
        do {
            _ = try TrustDeskConfiguration.fromEnvironment(["TRUSTDESK_TRUSTED_PROXIES": "10.0.0.0/33"])
        } catch {
            #expect(String(describing: error).contains("TRUSTDESK_TRUSTED_PROXIES"))
        }
        #expect((try? TrustDeskConfiguration.fromEnvironment(["TRUSTDESK_TRUSTED_PROXIES": "10.0.0.0/8 ::1"]))?.trustedProxies.networks.count == 2)
    }
}
