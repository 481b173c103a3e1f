/// Lower-case hex of bytes, as stored for token hashes and keyed lookups. Written out by hand
/// because `String(format: "%02x")` per byte goes through Foundation's formatter and was the
/// largest single cost of a support-line webhook (docs/performance.md).
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var characters: [UInt8] = []
        characters.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}
