import TrustDeskCore
import Vapor

extension Request {
    /// The client's address: the socket peer, or, when the peer is one of the operator's
    /// proxies (`TRUSTDESK_TRUSTED_PROXIES`), the address its forwarding headers name
    /// (`TrustedProxies.client`). Never Vapor's `peerAddress`, which believes the first
    /// `X-Forwarded-For` from anyone.
    var clientIP: IPAddress? {
        let peer = remoteAddress?.ipAddress.flatMap { IPAddress($0) }
        return application.trustDeskConfiguration.trustedProxies.client(
            peer: peer, forwarded: headers[.forwarded], forwardedFor: headers[.xForwardedFor])
    }

    /// The address guesses are counted against (SEC-2).
    var clientAddress: String {
        clientIP?.description ?? "unknown"
    }

    /// The sign-up network of the client (STD-6): its IPv4 /24 or IPv6 /48, or nil when the
    /// address is unknown or not public (an untrusted local proxy would lump every sign-up
    /// together).
    var signupNetwork: String? {
        guard let address = clientIP, address.isPublic else { return nil }
        return address.signupNetwork
    }
}
