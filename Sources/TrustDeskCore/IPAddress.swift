import Foundation

/// An IPv4 or IPv6 address, parsed strictly (no hostnames, no zone IDs, no prefixes).
/// Used for sign-up networks (STD-6) and dedicated sending IPs (STD-9).
public struct IPAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    public var isIPv4: Bool { bytes.count == 4 }

    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let v4 = Self.parseIPv4(trimmed) {
            bytes = v4
        } else if let v6 = Self.parseIPv6(trimmed) {
            // An IPv4-mapped IPv6 address is the IPv4 address it carries.
            bytes = v6.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] ? Array(v6.suffix(4)) : v6
        } else {
            return nil
        }
    }

    /// An address from its network-order bytes (4 or 16, as a socket address holds them).
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes.count == 16 && bytes.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] ? Array(bytes.suffix(4)) : bytes
    }

    /// The address a URL's host names literally, read the way resolvers (`inet_aton`,
    /// `getaddrinfo`) and browsers (the WHATWG URL standard) read it: `[2001:db8::1]`, the dotted
    /// quad, and the older numeric forms: one to four parts, each decimal, octal (leading `0`)
    /// or hexadecimal (`0x`), the last part filling the remaining bytes (`127.1`, `0177.0.0.1`,
    /// `0x7f.1`, `2130706433`), with or without one trailing dot. nil for a name, and for a host
    /// that only looks numeric (`1.2.3.999`): see `looksNumeric`.
    public init?(urlHost host: String) {
        if host.hasPrefix("[") && host.hasSuffix("]") {
            // Brackets hold an IPv6 address only: `[1.2.3.4]` is no host at all.
            let inner = String(host.dropFirst().dropLast())
            guard inner.contains(":") else { return nil }
            self.init(inner)
        } else if host.contains(":") {
            // An IPv6 address as URL libraries hand a host over, without its brackets.
            self.init(host)
        } else if let v4 = Self.parseNumericIPv4(host) {
            self.init(unchecked: v4)
        } else {
            return nil
        }
    }

    /// Whether `host` ends in a number (its last label, after one trailing dot, is decimal
    /// digits or `0x` and hex digits): resolvers then read it as an address, never as a name,
    /// so a host of that shape that is not a valid address must be refused, not looked up.
    public static func looksNumeric(_ host: String) -> Bool {
        var labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count > 1, labels.last?.isEmpty == true { labels.removeLast() }
        guard let last = labels.last, !last.isEmpty else { return false }
        if last.allSatisfy(\.isASCIIDigit) { return true }
        let lowered = last.lowercased()
        return lowered.hasPrefix("0x") && lowered.dropFirst(2).allSatisfy(\.isHexDigit)
    }

    /// The WHATWG IPv4 parser (also what `inet_aton` accepts): nil when `host` is not all
    /// numeric parts or a part is out of range.
    static func parseNumericIPv4(_ host: String) -> [UInt8]? {
        guard host.utf8.count <= 64, looksNumeric(host) else { return nil }
        var parts = host.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count > 1, parts.last?.isEmpty == true { parts.removeLast() }
        guard (1...4).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = numericPart(part) else { return nil }
            numbers.append(number)
        }
        guard numbers.dropLast().allSatisfy({ $0 <= 255 }), let last = numbers.last,
              last < UInt64(1) << (8 * UInt64(5 - numbers.count)) else { return nil }
        var value = last
        for (index, number) in numbers.dropLast().enumerated() { value += number << (8 * UInt64(3 - index)) }
        return [UInt8(value >> 24 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    /// One part: `0x1f` hex, `017` octal, `17` decimal; nil when empty, malformed or past 2^32.
    private static func numericPart(_ part: Substring) -> UInt64? {
        guard !part.isEmpty else { return nil }
        var digits = part
        var radix: UInt64 = 10
        if digits.count >= 2, digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            digits = digits.dropFirst(2)
            radix = 16
        } else if digits.count >= 2, digits.hasPrefix("0") {
            digits = digits.dropFirst()
            radix = 8
        }
        var value: UInt64 = 0
        for character in digits {
            guard let digit = character.hexDigitValue, UInt64(digit) < radix, character.isASCII else { return nil }
            value = value * radix + UInt64(digit)
            if value > UInt64(UInt32.max) { return nil }
        }
        return value
    }

    /// The canonical text: dotted quad, or RFC 5952 IPv6 (lowercase, longest zero run as `::`).
    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        var best = (start: -1, length: 0), run = (start: -1, length: 0)
        for (index, group) in groups.enumerated() {
            if group == 0 {
                run = run.start < 0 ? (index, 1) : (run.start, run.length + 1)
                if run.length > best.length { best = run }
            } else {
                run = (-1, 0)
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.length >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":")
        let tail = hex[(best.start + best.length)...].joined(separator: ":")
        return "\(head)::\(tail)"
    }

    /// The network a sign-up came from (STD-6): the IPv4 /24 or the IPv6 /48, as CIDR text.
    /// Counting sign-ups per network catches one machine or site cycling through addresses.
    public var signupNetwork: String {
        if isIPv4 { return "\(bytes[0]).\(bytes[1]).\(bytes[2]).0/24" }
        let masked = Array(bytes.prefix(6)) + Array(repeating: 0, count: 10)
        return "\(IPAddress(unchecked: masked))/48"
    }

    /// False for loopback, private, shared (CGNAT), link-local, unique-local, site-local,
    /// benchmarking, reserved, multicast and unspecified addresses, and for IPv6 addresses that
    /// carry such an IPv4 address (IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4
    /// `2002::/16`): behind them stands a proxy or a local network, not one sign-up's network,
    /// and a callback to them would reach inside the provider's network.
    public var isPublic: Bool {
        if isIPv4 {
            let (a, b, c) = (bytes[0], bytes[1], bytes[2])
            return !(a == 0 || a == 10 || a == 127 || (a == 169 && b == 254) || (a == 172 && (16...31).contains(b))
                || (a == 192 && b == 168) || (a == 100 && (64...127).contains(b)) || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (18...19).contains(b)) || a >= 224)
        }
        if bytes.allSatisfy({ $0 == 0 }) || bytes == Array(repeating: 0, count: 15) + [1] { return false }
        if bytes[0] & 0xfe == 0xfc { return false }                   // fc00::/7 unique local
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return false } // fe80::/10 link local
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0xc0 { return false } // fec0::/10 site local
        if bytes[0] == 0xff { return false }                            // multicast
        if let embedded = embeddedIPv4 { return embedded.isPublic }
        return true
    }

    /// The IPv4 address an IPv6 address carries and routes to, for the forms that do.
    var embeddedIPv4: IPAddress? {
        guard bytes.count == 16 else { return nil }
        if bytes.prefix(12).allSatisfy({ $0 == 0 }) { return IPAddress(unchecked: Array(bytes.suffix(4))) }   // ::a.b.c.d
        if bytes.prefix(12) == [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] { return IPAddress(unchecked: Array(bytes.suffix(4))) } // NAT64
        if bytes.prefix(6) == [0, 0x64, 0xff, 0x9b, 0, 1] { return IPAddress(unchecked: Array(bytes.suffix(4))) } // local-use NAT64
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return IPAddress(unchecked: Array(bytes[2..<6])) }               // 6to4
        return nil
    }

    private init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    private static func parseIPv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCIIDigit), part.count == 1 || part.first != "0",
                  let value = UInt8(part) else { return nil }
            result.append(value)
        }
        return result
    }

    private static func parseIPv6(_ text: String) -> [UInt8]? {
        guard text.count <= 45, text.contains(":") else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, allowIPv4Tail: Bool) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowIPv4Tail, index == pieces.count - 1, piece.contains("."), let v4 = parseIPv4(String(piece)) {
                    result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                    continue
                }
                guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit), let value = UInt16(piece, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        let all: [UInt16]
        if halves.count == 2 {
            guard let head = groups(halves[0], allowIPv4Tail: false), let tail = groups(halves[1], allowIPv4Tail: true),
                  head.count + tail.count <= 7 else { return nil }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let only = groups(text, allowIPv4Tail: true), only.count == 8 else { return nil }
            all = only
        }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
