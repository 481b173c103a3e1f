import TrustDeskCore
import Vapor

extension Request {
    /// The address guesses are counted against (SEC-2).
    var clientAddress: String {
        remoteAddress?.ipAddress ?? "unknown"
    }

    /// The sign-up network of the client (STD-6): its IPv4 /24 or IPv6 /48, or nil when the
    /// address is unknown or not public (a local proxy would lump every sign-up together).
    var signupNetwork: String? {
        guard let text = remoteAddress?.ipAddress, let address = IPAddress(text), address.isPublic else { return nil }
        return address.signupNetwork
    }
}
