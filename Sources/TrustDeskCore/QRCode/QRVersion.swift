/// A QR Code version (1 to 10) at error correction level M: its size, how its codewords split
/// into Reed-Solomon blocks, and where its alignment patterns sit (ISO/IEC 18004:2015,
/// tables 1, 9 and E.1).
///
/// Level M restores about 15 % of the symbol: enough for a phone camera pointed at a screen,
/// while keeping an `otpauth://` URI within version 10, which every authenticator app reads.
struct QRVersion: Sendable, Equatable {
    let number: Int
    /// Error correction codewords in every block.
    let correctionPerBlock: Int
    /// Data codewords of each block: the standard's group 1 (shorter blocks) first, then group 2.
    let dataPerBlock: [Int]
    /// Row and column coordinates of the alignment pattern centres.
    let alignmentCentres: [Int]

    static let all: [QRVersion] = [
        QRVersion(number: 1, correctionPerBlock: 10, dataPerBlock: [16], alignmentCentres: []),
        QRVersion(number: 2, correctionPerBlock: 16, dataPerBlock: [28], alignmentCentres: [6, 18]),
        QRVersion(number: 3, correctionPerBlock: 26, dataPerBlock: [44], alignmentCentres: [6, 22]),
        QRVersion(number: 4, correctionPerBlock: 18, dataPerBlock: [32, 32], alignmentCentres: [6, 26]),
        QRVersion(number: 5, correctionPerBlock: 24, dataPerBlock: [43, 43], alignmentCentres: [6, 30]),
        QRVersion(number: 6, correctionPerBlock: 16, dataPerBlock: [27, 27, 27, 27], alignmentCentres: [6, 34]),
        QRVersion(number: 7, correctionPerBlock: 18, dataPerBlock: [31, 31, 31, 31], alignmentCentres: [6, 22, 38]),
        QRVersion(number: 8, correctionPerBlock: 22, dataPerBlock: [38, 38, 39, 39], alignmentCentres: [6, 24, 42]),
        QRVersion(number: 9, correctionPerBlock: 22, dataPerBlock: [36, 36, 36, 37, 37], alignmentCentres: [6, 26, 46]),
        QRVersion(number: 10, correctionPerBlock: 26, dataPerBlock: [43, 43, 43, 43, 44], alignmentCentres: [6, 28, 50]),
    ]

    /// Modules per side.
    var size: Int { 17 + 4 * number }

    var dataCodewords: Int { dataPerBlock.reduce(0, +) }

    var totalCodewords: Int { dataCodewords + correctionPerBlock * dataPerBlock.count }

    /// Width of the byte-mode character count: 8 bits up to version 9, 16 from version 10.
    var countBits: Int { number < 10 ? 8 : 16 }

    /// The longest input in byte mode: a 4-bit mode indicator and the count, then 8 bits a byte.
    var byteCapacity: Int { (dataCodewords * 8 - 4 - countBits) / 8 }

    /// Versions 7 and up carry their number in two 6x3 blocks, for readers that can't infer it
    /// from the size reliably.
    var hasVersionInformation: Bool { number >= 7 }

    /// The smallest version that holds `byteCount` bytes, or nil when none up to 10 does.
    static func smallest(holding byteCount: Int) -> QRVersion? {
        all.first { $0.byteCapacity >= byteCount }
    }
}
