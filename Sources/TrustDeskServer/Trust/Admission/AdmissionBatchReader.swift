import Foundation
import TrustDeskCore

/// One field of an admission item as sent: where its string is in the body, or why it isn't one.
enum AdmissionField: Equatable {
    /// Missing or `null` (as `decodeIfPresent` treated it).
    case absent
    /// A JSON string: its content's byte range in the body (between the quotes); `escaped` when
    /// it holds backslash escapes and must be decoded before use.
    case text(Range<Int>, escaped: Bool)
    /// A number, boolean, object or array.
    case wrongType
}

/// One item of `POST /v1/Admissions/Batch` (or the body of `POST /v1/Admissions`) as read.
struct AdmissionItem: Equatable {
    enum Problem: Equatable {
        case notObject
        case unknownField(String)
        case givenTwice(String)
        case notString(String)
    }

    var accountSid = AdmissionField.absent
    var channel = AdmissionField.absent
    var messageSid = AdmissionField.absent
    /// What makes the item unanswerable as sent; an unknown field wins over the others.
    var problem: Problem?

    static let allowedFields = "account_sid, channel, message_sid"

    /// The item's own error: unknown fields 20007 as `decodeStrict` does, a wrong shape 20001.
    var problemError: DomainError? {
        switch problem {
        case nil: nil
        case .notObject: DomainError(.invalidParameter, "items: each item must be an object with account_sid, channel and optionally message_sid.")
        case let .unknownField(name): DomainError(.unknownField, "\(name.prefix(64)): unknown field. Allowed fields: \(Self.allowedFields).")
        case let .givenTwice(name): DomainError(.invalidParameter, "\(name): given twice; send each field once.")
        case let .notString(name): DomainError(.invalidParameter, "\(name): must be a string.")
        }
    }
}

/// A strict reader of the admission bodies' fixed shape, straight from the request bytes (no
/// Foundation JSON: on the batch endpoint JSONDecoder was most of the time).
///
/// It accepts the JSON that Foundation's JSONSerialization/JSONDecoder accept (RFC 8259, a
/// leading UTF-8 byte order mark, one trailing comma after the last member or element,
/// nesting up to 512 levels), except that a number is checked for its grammar only, never for
/// its range; anything else is `malformed`. Every read is bounds-checked: `peek` answers 0 (a
/// byte valid nowhere in JSON) past the end.
struct AdmissionBatchReader {
    struct Malformed: Error {}

    /// The top level of a batch body.
    struct Batch {
        /// nil when `items` is missing, not an array, or given twice.
        var items: [AdmissionItem]?
        /// Top-level fields other than `items`, in document order.
        var unknownFields: [String] = []
        /// `{}`: an object with no fields at all.
        var isEmptyObject = false
    }

    static let maximumDepth = 512

    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        // A UTF-8 byte order mark is skipped, as Foundation does.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    /// `{"items": [...]}`; throws `Malformed` for anything that is not JSON.
    static func readBatch(_ bytes: UnsafeRawBufferPointer) throws(Malformed) -> Batch {
        var reader = AdmissionBatchReader(bytes)
        var batch = Batch()
        var sawItems = false
        reader.skipWhitespace()
        guard reader.peek() == UInt8(ascii: "{") else {
            try reader.skipValue(depth: 0)
            try reader.expectEnd()
            return batch
        }
        var fields = 0
        try reader.readObject(depth: 1) { reader, key, keyEscaped throws(Malformed) in
            fields += 1
            let name = reader.keyName(key, escaped: keyEscaped)
            if name == "items", !sawItems, reader.peek() == UInt8(ascii: "[") {
                sawItems = true
                batch.items = try reader.readItems()
            } else {
                if name == "items" {
                    // Given twice or not an array: not a batch.
                    sawItems = true
                    batch.items = nil
                } else {
                    batch.unknownFields.append(name)
                }
                try reader.skipValue(depth: 1)
            }
        }
        try reader.expectEnd()
        batch.isEmptyObject = fields == 0
        return batch
    }

    /// The body of one admission: an object read like a batch item.
    static func readSingle(_ bytes: UnsafeRawBufferPointer) throws(Malformed) -> AdmissionItem {
        var reader = AdmissionBatchReader(bytes)
        reader.skipWhitespace()
        let item = try reader.readItem(depth: 0)
        try reader.expectEnd()
        return item
    }

    /// A string field's value (escapes decoded).
    static func text(_ range: Range<Int>, escaped: Bool, in bytes: UnsafeRawBufferPointer) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[range])
        return escaped ? unescape(raw) : String(decoding: raw, as: UTF8.self)
    }

    // MARK: Shape

    private mutating func readItems() throws(Malformed) -> [AdmissionItem] {
        var items: [AdmissionItem] = []
        // About 60 bytes an item; a guess, so most batches never regrow the array.
        items.reserveCapacity(min(AdmissionBatchBody.maximumItems, (bytes.count - position) / 48 + 1))
        try readArray(depth: 2) { reader throws(Malformed) in
            items.append(try reader.readItem(depth: 2))
        }
        return items
    }

    /// An item at `depth` (its container's depth); a value that is not an object is skipped
    /// and answered as `notObject`.
    private mutating func readItem(depth: Int) throws(Malformed) -> AdmissionItem {
        var item = AdmissionItem()
        guard peek() == UInt8(ascii: "{") else {
            try skipValue(depth: depth)
            item.problem = .notObject
            return item
        }
        var seen: (Bool, Bool, Bool) = (false, false, false)
        try readObject(depth: depth + 1) { reader, key, keyEscaped throws(Malformed) in
            let field = reader.itemField(key, escaped: keyEscaped)
            let duplicate: Bool
            switch field {
            case 0: duplicate = seen.0; seen.0 = true
            case 1: duplicate = seen.1; seen.1 = true
            case 2: duplicate = seen.2; seen.2 = true
            default:
                if case .unknownField = item.problem {} else { item.problem = .unknownField(reader.keyName(key, escaped: keyEscaped)) }
                try reader.skipValue(depth: depth + 1)
                return
            }
            if duplicate {
                if item.problem == nil { item.problem = .givenTwice(Self.itemFields[field]) }
                try reader.skipValue(depth: depth + 1)
                return
            }
            let value: AdmissionField
            switch reader.peek() {
            case UInt8(ascii: "\""):
                let (range, escaped) = try reader.readString()
                value = .text(range, escaped: escaped)
            case UInt8(ascii: "n"):
                try reader.readLiteral("null")
                value = .absent
            default:
                try reader.skipValue(depth: depth + 1)
                value = .wrongType
                if item.problem == nil { item.problem = .notString(Self.itemFields[field]) }
            }
            switch field {
            case 0: item.accountSid = value
            case 1: item.channel = value
            default: item.messageSid = value
            }
        }
        return item
    }

    static let itemFields = ["account_sid", "channel", "message_sid"]

    /// Which of `itemFields` the key names (3: none), compared as bytes unless it has escapes.
    @inline(__always)
    private func itemField(_ key: Range<Int>, escaped: Bool) -> Int {
        if escaped { return Self.itemFields.firstIndex(of: keyName(key, escaped: true)) ?? 3 }
        let text = UnsafeRawBufferPointer(rebasing: bytes[key])
        switch text.count {
        case 11:
            if Self.equals(text, "account_sid") { return 0 }
            if Self.equals(text, "message_sid") { return 2 }
        case 7:
            if Self.equals(text, "channel") { return 1 }
        default: break
        }
        return 3
    }

    /// Byte equality with a literal of the same length.
    @inline(__always)
    static func equals(_ text: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        guard text.count == literal.utf8CodeUnitCount, let base = text.baseAddress else { return false }
        return memcmp(base, literal.utf8Start, text.count) == 0
    }

    private func keyName(_ range: Range<Int>, escaped: Bool) -> String {
        Self.text(range, escaped: escaped, in: bytes)
    }

    // MARK: JSON grammar

    @inline(__always)
    private func peek() -> UInt8 { position < bytes.count ? bytes[position] : 0 }

    @inline(__always)
    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8) throws(Malformed) {
        guard peek() == byte else { throw Malformed() }
        position += 1
    }

    private mutating func expectEnd() throws(Malformed) {
        skipWhitespace()
        guard position == bytes.count else { throw Malformed() }
    }

    /// An object whose `{` is at `position`, at nesting `depth`; `member` reads each value
    /// (positioned on it) given the key's content range.
    private mutating func readObject(depth: Int, _ member: (inout AdmissionBatchReader, Range<Int>, Bool) throws(Malformed) -> Void) throws(Malformed) {
        guard depth <= Self.maximumDepth else { throw Malformed() }
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw Malformed() }
            let (key, escaped) = try readString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            try member(&self, key, escaped)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
                // One trailing comma is accepted, as Foundation does.
                if peek() == UInt8(ascii: "}") {
                    position += 1
                    return
                }
            case UInt8(ascii: "}"):
                position += 1
                return
            default:
                throw Malformed()
            }
        }
    }

    private mutating func readArray(depth: Int, _ element: (inout AdmissionBatchReader) throws(Malformed) -> Void) throws(Malformed) {
        guard depth <= Self.maximumDepth else { throw Malformed() }
        try expect(UInt8(ascii: "["))
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            return
        }
        while true {
            try element(&self)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
                if peek() == UInt8(ascii: "]") {
                    position += 1
                    return
                }
            case UInt8(ascii: "]"):
                position += 1
                return
            default:
                throw Malformed()
            }
        }
    }

    /// Any value, checked and skipped; `depth` is the depth of the container holding it.
    private mutating func skipValue(depth: Int) throws(Malformed) {
        switch peek() {
        case UInt8(ascii: "{"):
            try readObject(depth: depth + 1) { reader, _, _ throws(Malformed) in try reader.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            try readArray(depth: depth + 1) { reader throws(Malformed) in try reader.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""):
            _ = try readString()
        case UInt8(ascii: "t"):
            try readLiteral("true")
        case UInt8(ascii: "f"):
            try readLiteral("false")
        case UInt8(ascii: "n"):
            try readLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try readNumber()
        default:
            throw Malformed()
        }
    }

    private mutating func readLiteral(_ literal: StaticString) throws(Malformed) {
        let text = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for byte in text { try expect(byte) }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func readNumber() throws(Malformed) {
        if peek() == UInt8(ascii: "-") { position += 1 }
        if peek() == UInt8(ascii: "0") {
            position += 1
        } else {
            try digits()
        }
        if peek() == UInt8(ascii: ".") {
            position += 1
            try digits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            try digits()
        }
    }

    private mutating func digits() throws(Malformed) {
        guard Self.isDigit(peek()) else { throw Malformed() }
        while Self.isDigit(peek()) { position += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// A string whose `"` is at `position`: its content's range, and whether it has escapes.
    /// Raw control characters, bad escapes, unpaired surrogates and invalid UTF-8 are malformed.
    private mutating func readString() throws(Malformed) -> (Range<Int>, Bool) {
        try expect(UInt8(ascii: "\""))
        let start = position
        var escaped = false, ascii = true
        while true {
            // Eight bytes at a time while none is a quote, backslash, control or non-ASCII byte.
            while position + 8 <= bytes.count {
                let word = bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
                let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word) | word
                guard special & highs == 0 else { break }
                position += 8
            }
            let byte = peek()
            switch byte {
            case UInt8(ascii: "\""):
                let range = start..<position
                position += 1
                if !ascii, String(validating: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self) == nil { throw Malformed() }
                return (range, escaped)
            case UInt8(ascii: "\\"):
                escaped = true
                position += 1
                try readEscape()
            case 0..<0x20:
                // Includes the end of the body (peek's 0).
                throw Malformed()
            case 0x80...:
                ascii = false
                position += 1
            default:
                position += 1
            }
        }
    }

    /// The escape after a backslash (at `position`).
    private mutating func readEscape() throws(Malformed) {
        switch peek() {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 1
        case UInt8(ascii: "u"):
            position += 1
            let unit = try hex4()
            if (0xDC00...0xDFFF).contains(unit) { throw Malformed() }
            if (0xD800...0xDBFF).contains(unit) {
                try expect(UInt8(ascii: "\\"))
                try expect(UInt8(ascii: "u"))
                guard (0xDC00...0xDFFF).contains(try hex4()) else { throw Malformed() }
            }
        default:
            throw Malformed()
        }
    }

    private mutating func hex4() throws(Malformed) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Self.hexValue(peek()) else { throw Malformed() }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// Decodes a string's content that `readString` accepted.
    private static func unescape(_ raw: UnsafeRawBufferPointer) -> String {
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        var index = 0
        func flush() {
            if !utf8.isEmpty {
                scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
                utf8.removeAll(keepingCapacity: true)
            }
        }
        func hex(at offset: Int) -> UInt32 {
            var value: UInt32 = 0
            for position in offset..<min(offset + 4, raw.count) { value = value << 4 | (hexValue(raw[position]) ?? 0) }
            return value
        }
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < raw.count else {
                utf8.append(byte)
                index += 1
                continue
            }
            flush()
            let kind = raw[index + 1]
            index += 2
            switch kind {
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var value = hex(at: index)
                index += 4
                if (0xD800...0xDBFF).contains(value), index + 6 <= raw.count {
                    value = 0x10000 + ((value - 0xD800) << 10) + (hex(at: index + 2) - 0xDC00)
                    index += 6
                }
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            default: scalars.append(Unicode.Scalar(kind))
            }
        }
        flush()
        return String(scalars)
    }
}
