/// An account SID as two integers: the 32 hex digits are 128 bits. Hashing and comparing them is
/// much cheaper than a 34-character string, and keeps the table's keys inline (no allocation).
struct AccountKey: Hashable, Sendable {
    let high: UInt64
    let low: UInt64

    /// `sid` is validated (ACC-1) before it gets here; anything else maps to a key no real SID has.
    @inline(__always)
    init(_ sid: String) {
        var sid = sid
        // Native strings are contiguous UTF-8: read the bytes directly.
        if let key = sid.withUTF8({ bytes -> AccountKey? in
            guard bytes.count == 34 else { return nil }
            var high: UInt64 = 0, low: UInt64 = 0
            for index in 2..<18 { high = high << 4 | Self.nibble(bytes[index]) }
            for index in 18..<34 { low = low << 4 | Self.nibble(bytes[index]) }
            return AccountKey(high: high, low: low)
        }) {
            self = key
            return
        }
        var high: UInt64 = 0, low: UInt64 = 0, index = 0
        for byte in sid.utf8 {
            defer { index += 1 }
            guard index >= 2 else { continue }
            let digit: UInt64 = switch byte {
            case 0x30...0x39: UInt64(byte - 0x30)
            case 0x61...0x66: UInt64(byte - 0x61 + 10)
            default: 0
            }
            if index < 18 { high = high << 4 | digit } else { low = low << 4 | digit }
        }
        self.high = high
        self.low = low
    }

    /// The key of an account SID given as its UTF-8 text, or nil when the text is not exactly
    /// "AC" and 32 lowercase hex digits (ACC-1); callers then report the error `SID(parsing:)`
    /// gives. Reads only inside `bytes`.
    @inline(__always)
    init?(sidBytes bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 34, bytes[0] == 0x41, bytes[1] == 0x43,
              let h1 = Self.hex8(bytes, 2), let h2 = Self.hex8(bytes, 10),
              let l1 = Self.hex8(bytes, 18), let l2 = Self.hex8(bytes, 26) else { return nil }
        self.init(high: h1 << 32 | h2, low: l1 << 32 | l2)
    }

    /// Eight lowercase hex digits at `offset` (in bounds: callers checked the length) as one
    /// 32-bit value, eight bytes at a time (SWAR); nil if any byte is not one.
    @inline(__always)
    static func hex8(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64? {
        // Big-endian, so the first digit is the most significant byte.
        let word = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        // For ASCII bytes, `byte + (0x80 - bound)` sets the byte's high bit iff byte >= bound,
        // and no byte carries into the next.
        let atLeast0 = word &+ ones &* 0x50, above9 = word &+ ones &* 0x46
        let atLeastA = word &+ ones &* 0x1F, aboveF = word &+ ones &* 0x19
        let valid = ((atLeast0 & ~above9) | (atLeastA & ~aboveF)) & highs
        guard word & highs == 0, valid == highs else { return nil }
        // '0'-'9' have the low nibble's value; 'a'-'f' 9 less (bit 6 marks letters).
        var value = (word & (ones &* 0x0F)) &+ ((word >> 6) & ones) &* 9
        value = (value | value >> 4) & 0x00FF_00FF_00FF_00FF
        value = (value | value >> 8) & 0x0000_FFFF_0000_FFFF
        return (value | value >> 16) & 0xFFFF_FFFF
    }

    /// A lowercase hex digit's value, and 1 when the byte is not one.
    @inline(__always)
    static func strictNibble(_ byte: UInt8) -> (UInt64, UInt8) {
        let decimal = byte &- 0x30, letter = byte &- 0x61
        if decimal < 10 { return (UInt64(decimal), 0) }
        if letter < 6 { return (UInt64(letter) + 10, 0) }
        return (0, 1)
    }

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    @inline(__always)
    static func nibble(_ byte: UInt8) -> UInt64 {
        // '0'-'9' and 'a'-'f'; the SID was validated, so no other byte arrives here.
        UInt64(byte <= 0x39 ? byte &- 0x30 : byte &- 0x57) & 0xF
    }

    var sid: String {
        func hex(_ value: UInt64) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }
        return "AC" + hex(high) + hex(low)
    }

    var isZero: Bool { high | low == 0 }

    func hash(into hasher: inout Hasher) {
        hasher.combine(high ^ (low &* 0x9E37_79B9_7F4A_7C15))
    }
}
