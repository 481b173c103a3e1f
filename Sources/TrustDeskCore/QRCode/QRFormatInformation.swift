/// The BCH-protected words that tell a reader how to read a symbol (ISO/IEC 18004:2015, 7.9
/// and 7.10, annexes C and D).
enum QRFormatInformation {
    /// Error correction level M is `00` in the format word.
    static let levelM = 0b00

    /// The 15-bit format word for level M and `mask`: 5 data bits, 10 BCH(15,5) check bits,
    /// XORed with 101010000010010 so that no format word is all light.
    static func formatBits(mask: Int) -> Int {
        let data = levelM << 3 | mask
        return (data << 10 | remainder(of: data << 10, generator: 0b101_0011_0111, degree: 10)) ^ 0b101_0100_0001_0010
    }

    /// The 18-bit version word: 6 data bits and 12 BCH(18,6) check bits, not masked.
    static func versionBits(_ version: Int) -> Int {
        version << 12 | remainder(of: version << 12, generator: 0b1_1111_0010_0101, degree: 12)
    }

    /// Polynomial division over GF(2): the remainder of `value` by `generator` of `degree`.
    static func remainder(of value: Int, generator: Int, degree: Int) -> Int {
        var value = value
        while value.bitWidth - value.leadingZeroBitCount > degree {
            let shift = value.bitWidth - value.leadingZeroBitCount - degree - 1
            value ^= generator << shift
        }
        return value
    }
}
