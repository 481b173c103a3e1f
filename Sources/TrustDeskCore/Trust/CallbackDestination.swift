import Foundation

/// PT-9: where refusal callbacks may be sent. TrustDesk posts from inside the provider's
/// network, to a URL the customer chose; a URL naming a loopback, private, link-local (the
/// cloud metadata service at 169.254.169.254) or otherwise non-public address would let any
/// customer make the server call internal services. Operators can allow such destinations for
/// test environments.
public enum CallbackDestination {
    /// Names that only ever mean "this machine" or "this site's network".
    static let localSuffixes = [".localhost", ".local", ".internal", ".home.arpa", ".lan"]

    /// The longest URL a customer may register.
    public static let maximumURLBytes = 1_024

    /// Checks a status-callback URL as a customer typed it and returns it trimmed: an absolute
    /// `http` or `https` URL without user name or password, a valid port (1-65535) if one is
    /// written, and a host that `checkHost` accepts. The URL is taken apart here, strictly,
    /// rather than by a lenient parser whose idea of the host might differ from the HTTP
    /// client's: backslashes, spaces and control characters are refused outright.
    public static func checkURL(_ text: String, allowPrivate: Bool) throws(DomainError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.utf8.count <= maximumURLBytes else {
            throw DomainError(.invalidParameter, "status_callback: use a URL of at most 1,024 characters.")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f || $0 == "\\" }) else {
            throw DomainError(.invalidParameter, "status_callback: a URL has no spaces, control characters or backslashes; percent-encode them.")
        }
        let lowered = trimmed.lowercased()
        guard let scheme = ["https://", "http://"].first(where: lowered.hasPrefix) else {
            throw DomainError(.invalidParameter, "status_callback: use an absolute http:// or https:// URL.")
        }
        let rest = trimmed.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else {
            throw DomainError(.invalidParameter, "status_callback: remove the user name and password from the URL; check the X-Twilio-Signature header instead.")
        }
        let host: Substring
        let port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw DomainError(.invalidParameter, "status_callback: an IPv6 address in a URL is written in brackets, like [2001:db8::1].")
            }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else {
                throw DomainError(.invalidParameter, "status_callback: only a port may follow the bracketed address.")
            }
            port = after.isEmpty ? nil : after.dropFirst()
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        } else {
            host = authority
            port = nil
        }
        if let port {
            guard (1...5).contains(port.count), port.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(port), (1...65_535).contains(number) else {
                throw DomainError(.invalidParameter, "status_callback: \"\(port.prefix(16))\" is not a port; use a number from 1 to 65535, or leave the port out.")
            }
        }
        guard !host.isEmpty else { throw DomainError(.invalidParameter, "status_callback: the URL has no host.") }
        try checkHost(try decodedHost(host), allowPrivate: allowPrivate)
        return trimmed
    }

    /// The host with percent-escapes decoded, as resolvers will see it; only ASCII letters,
    /// digits, `-`, `_`, `.` (and, in brackets, an IPv6 address) may remain.
    static func decodedHost(_ host: Substring) throws(DomainError) -> String {
        guard host.contains("%") else { return try checkedHostCharacters(String(host)) }
        var bytes: [UInt8] = []
        var iterator = Array(host.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap({ Character(Unicode.Scalar($0)).hexDigitValue }),
                  let low = iterator.next().flatMap({ Character(Unicode.Scalar($0)).hexDigitValue }) else {
                throw DomainError(.invalidParameter, "status_callback: the host has a broken percent-escape.")
            }
            bytes.append(UInt8(high * 16 + low))
        }
        return try checkedHostCharacters(String(decoding: bytes, as: UTF8.self))
    }

    private static func checkedHostCharacters(_ host: String) throws(DomainError) -> String {
        let bracketed = host.hasPrefix("[") && host.hasSuffix("]")
        let allowed: (Unicode.Scalar) -> Bool = { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_" || scalar == "."
                || (bracketed && (scalar == ":" || scalar == "[" || scalar == "]")))
        }
        guard host.unicodeScalars.allSatisfy(allowed) else {
            throw DomainError(.invalidParameter, "status_callback: \"\(host.prefix(64))\" is not a host name; use letters, digits, hyphens and dots (the ASCII form of an international name).")
        }
        return host
    }

    /// Checks a URL's host as resolvers read it: an address, in any of the numeric forms they
    /// accept (`IPAddress(urlHost:)`), must be public; a host that looks numeric but is no
    /// valid address is refused; a name must be fully qualified and not a local-only name.
    /// Names are checked again, resolved, before each delivery (`allows(_:)`).
    public static func checkHost(_ rawHost: String, allowPrivate: Bool) throws(DomainError) {
        let address = IPAddress(urlHost: rawHost)
        if address == nil, rawHost.hasPrefix("[") || rawHost.contains(":") || IPAddress.looksNumeric(rawHost) {
            throw DomainError(.invalidParameter, "status_callback: \"\(rawHost.prefix(64))\" is not a valid IP address.")
        }
        guard !allowPrivate else { return }
        if let address {
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
