import Foundation

/// PT-9: where refusal callbacks may be sent. TrustDesk posts from inside the provider's
/// network, to a URL the customer chose; a URL naming a loopback, private, link-local (the
/// cloud metadata service at 169.254.169.254) or otherwise non-public address would let any
/// customer make the server call internal services. Operators can allow such destinations for
/// test environments.
public enum CallbackDestination {
    /// Names that only ever mean "this machine" or "this site's network".
    static let localSuffixes = [".localhost", ".local", ".internal", ".home.arpa", ".lan"]

    /// Checks a URL's host as written: an address literal must be public; a name must be
    /// fully qualified and not a local-only name. Names are checked again, resolved, before
    /// each delivery (`allows(_:)`).
    public static func checkHost(_ rawHost: String, allowPrivate: Bool) throws(DomainError) {
        guard !allowPrivate else { return }
        if let address = IPAddress(urlHost: rawHost) {
            guard address.isPublic else {
                throw DomainError(.invalidParameter, "status_callback: \(address) is not a public address; callbacks go only to hosts reachable on the internet.")
            }
            return
        }
        let host = rawHost.lowercased()
        let name = host.hasSuffix(".") ? String(host.dropLast()) : host
        guard name != "localhost", name.contains("."), !localSuffixes.contains(where: { name.hasSuffix($0) }) else {
            throw DomainError(.invalidParameter, "status_callback: \"\(name.prefix(64))\" is not a public host name; use a fully qualified name reachable on the internet.")
        }
    }

    /// Whether a delivery may go to a host that resolved to `addresses`: every one of them
    /// must be public, or a name with one public and one internal address could be steered.
    public static func allows(_ addresses: [IPAddress], allowPrivate: Bool) -> Bool {
        allowPrivate || (!addresses.isEmpty && addresses.allSatisfy(\.isPublic))
    }
}
