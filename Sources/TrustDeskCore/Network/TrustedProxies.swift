/// An IP network in CIDR form (`10.0.0.0/8`, `2001:db8::/32`), or a single address.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The network's first address (host bits cleared).
    public let address: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let address = IPAddress(String(parts[0])) else { return nil }
        let width = address.bytes.count * 8
        var length = width
        if parts.count == 2 {
            guard let prefix = Int(parts[1]), (0...width).contains(prefix), parts[1].allSatisfy(\.isNumber) else { return nil }
            length = prefix
        }
        self.prefixLength = length
        self.address = Self.masked(address, to: length)
    }

    public func contains(_ candidate: IPAddress) -> Bool {
        candidate.bytes.count == address.bytes.count && Self.masked(candidate, to: prefixLength) == address
    }

    public var description: String { "\(address)/\(prefixLength)" }

    private static func masked(_ address: IPAddress, to length: Int) -> IPAddress {
        var bytes = address.bytes
        for index in bytes.indices {
            let bitsKept = min(8, max(0, length - index * 8))
            bytes[index] &= bitsKept == 8 ? 0xff : UInt8(truncatingIfNeeded: 0xff << (8 - bitsKept))
        }
        return IPAddress(bytes: bytes) ?? address
    }
}

/// Which address a request comes from when proxies stand in front of the servers. Throttling
/// (SEC-2), the sign-up network (STD-6), logs and metrics key on it, so it must not be
/// something a client can write: a forwarding header counts only when the socket peer is one of
/// the operator's own proxies (`TRUSTDESK_TRUSTED_PROXIES`), and then the client is the
/// rightmost address in it that is not a trusted proxy: the one the operator's outermost proxy
/// saw. Anything unreadable falls back to the peer.
public struct TrustedProxies: Sendable, Equatable {
    public let networks: [IPNetwork]

    /// No proxy is trusted: no forwarding header is believed (the default).
    public static let none = TrustedProxies(networks: [])

    /// The longest chain believed; a longer one is a client padding the header.
    public static let maximumHops = 30
    /// Longer forwarding headers are ignored, not an error.
    public static let maximumHeaderBytes = 4096

    public init(networks: [IPNetwork]) {
        self.networks = networks
    }

    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let entry: String
        public var description: String {
            "\"\(entry.prefix(60))\" is not an IP address or a CIDR network such as 10.0.0.0/8 or 2001:db8::/32"
        }
    }

    /// A comma- or space-separated list of addresses and CIDR networks.
    public init(parsing list: String) throws(Invalid) {
        var networks: [IPNetwork] = []
        for entry in list.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" || $0 == "\t" }) {
            guard let network = IPNetwork(String(entry)) else { throw Invalid(entry: String(entry)) }
            networks.append(network)
        }
        self.networks = networks
    }

    public func isTrusted(_ address: IPAddress) -> Bool {
        networks.contains { $0.contains(address) }
    }

    /// The client of a request that arrived from `peer` with these header values (each header
    /// line as sent; several lines of one header in order). `Forwarded` (RFC 7239) is read when
    /// present, else `X-Forwarded-For`.
    public func client(peer: IPAddress?, forwarded: [String], forwardedFor: [String]) -> IPAddress? {
        guard let peer, isTrusted(peer) else { return peer }
        let chain: [String]?
        if !forwarded.isEmpty {
            chain = Self.forwardedFor(forwarded)
        } else if !forwardedFor.isEmpty {
            chain = Self.list(forwardedFor)
        } else {
            return peer
        }
        guard let chain, !chain.isEmpty, chain.count <= Self.maximumHops else { return peer }
        var client = peer
        for element in chain.reversed() {
            guard let address = Self.address(element) else { return peer }
            client = address
            if !isTrusted(address) { return address }
        }
        // Every hop is one of ours: the request started inside (a health check, a job).
        return client
    }

    /// The elements of comma-separated header lines, or nil when they are too long to believe.
    private static func list(_ lines: [String]) -> [String]? {
        guard lines.reduce(0, { $0 + $1.utf8.count }) <= maximumHeaderBytes else { return nil }
        return lines.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map { trim(String($0)) } }
    }

    /// The `for=` of each element of `Forwarded` lines; nil when an element has none or the
    /// header is too long.
    private static func forwardedFor(_ lines: [String]) -> [String]? {
        guard let elements = list(lines) else { return nil }
        var result: [String] = []
        for element in elements {
            var value: String?
            for pair in element.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                if trim(String(parts[0])).lowercased() == "for" { value = trim(String(parts[1])) }
            }
            guard let value else { return nil }
            result.append(value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") ? String(value.dropFirst().dropLast()) : value)
        }
        return result
    }

    /// An address with an optional port: `203.0.113.7`, `203.0.113.7:4711`, `2001:db8::1`,
    /// `[2001:db8::1]:4711`. Obfuscated identifiers (`_hidden`), `unknown` and garbage are nil.
    private static func address(_ text: String) -> IPAddress? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy(\.isNumber) && rest.count > 1) else { return nil }
            return IPAddress(String(text[text.index(after: text.startIndex)..<close]))
        }
        if let plain = IPAddress(text) { return plain }
        // IPv4 with a port: exactly one colon.
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty, parts[1].allSatisfy(\.isNumber), let address = IPAddress(String(parts[0])), address.isIPv4 else { return nil }
        return address
    }

    private static func trim(_ text: String) -> String {
        var scalars = Substring(text)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
