/// A QR Code symbol (ISO/IEC 18004) holding bytes: byte mode, error correction level M,
/// the smallest of versions 1 to 10 that fits, and the mask with the lowest penalty.
///
/// Written for the two-factor enrolment page (ACC-8), which draws the `otpauth://` URI as an
/// inline image so that the secret never leaves the page for a third-party service.
public struct QRCode: Sendable, Equatable {
    /// The most bytes a symbol holds: version 10 at level M.
    public static let maximumByteCount = QRVersion.all[QRVersion.all.count - 1].byteCapacity

    /// 1 to 10.
    public let version: Int
    /// The mask pattern applied to the data modules, 0 to 7.
    public let mask: Int
    /// Modules per side, without the quiet zone.
    public let size: Int
    private let matrix: QRMatrix

    /// Encodes `text` as UTF-8.
    public init(text: String) throws(DomainError) {
        try self.init(bytes: Array(text.utf8))
    }

    public init(bytes: [UInt8]) throws(DomainError) {
        guard let version = QRVersion.smallest(holding: bytes.count) else {
            throw DomainError(.invalidParameter, "A QR code at error correction level M holds at most \(Self.maximumByteCount) bytes (version 10); this text has \(bytes.count).")
        }
        var base = QRMatrix(version: version)
        base.place(Self.codewords(bytes, version: version))
        var chosen = Self.masked(base, with: 0)
        // Ties go to the lower mask number, as in the reference encoders.
        for mask in 1..<8 {
            let candidate = Self.masked(base, with: mask)
            if candidate.penalty < chosen.penalty { chosen = candidate }
        }
        self.version = version.number
        self.mask = chosen.mask
        self.size = version.size
        self.matrix = chosen.matrix
    }

    private static func masked(_ base: QRMatrix, with mask: Int) -> (mask: Int, matrix: QRMatrix, penalty: Int) {
        var matrix = base
        matrix.applyMask(mask)
        matrix.drawFormatInformation(mask)
        return (mask, matrix, QRPenalty.score(matrix))
    }

    /// Whether the module in column `x`, row `y` (from the top-left, quiet zone excluded) is dark.
    public func isDark(x: Int, y: Int) -> Bool { matrix[x, y] }

    /// The final codeword sequence: data in byte mode, padded, split into blocks, each block's
    /// error correction appended, then interleaved (7.4 to 7.6).
    static func codewords(_ bytes: [UInt8], version: QRVersion) -> [UInt8] {
        let data = dataCodewords(bytes, version: version)
        var blocks: [[UInt8]] = []
        var start = 0
        for length in version.dataPerBlock {
            blocks.append(Array(data[start..<(start + length)]))
            start += length
        }
        let corrections = blocks.map { ReedSolomon.correction(for: $0, degree: version.correctionPerBlock) }
        var result: [UInt8] = []
        result.reserveCapacity(version.totalCodewords)
        for i in 0..<(version.dataPerBlock.max() ?? 0) {
            for block in blocks where i < block.count { result.append(block[i]) }
        }
        for i in 0..<version.correctionPerBlock {
            for correction in corrections { result.append(correction[i]) }
        }
        return result
    }

    /// Mode indicator 0100 (byte), the count, the bytes, a terminator of up to four zero bits,
    /// zero bits to the byte boundary, then the pad codewords 11101100 and 00010001 in turn.
    static func dataCodewords(_ bytes: [UInt8], version: QRVersion) -> [UInt8] {
        var bits = BitWriter()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: version.countBits)
        for byte in bytes { bits.append(Int(byte), count: 8) }
        let capacity = version.dataCodewords * 8
        bits.append(0, count: min(4, capacity - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes
        let pads: [UInt8] = [0xEC, 0x11]
        while codewords.count < version.dataCodewords {
            codewords.append(pads[(codewords.count - bits.bytes.count) % 2])
        }
        return codewords
    }
}

/// Bits appended most significant first, read back as bytes.
private struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    mutating func append(_ value: Int, count width: Int) {
        for shift in stride(from: width - 1, through: 0, by: -1) {
            if count % 8 == 0 { bytes.append(0) }
            if (value >> shift) & 1 == 1 { bytes[bytes.count - 1] |= UInt8(0x80 >> (count % 8)) }
            count += 1
        }
    }
}
