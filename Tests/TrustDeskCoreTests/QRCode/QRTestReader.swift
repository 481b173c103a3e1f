@testable import TrustDeskCore

/// Reads a symbol back as a scanner would: format and version words through their BCH codes,
/// then the data modules unmasked, the codewords de-interleaved and checked by their syndromes,
/// and the byte-mode segment parsed. Only the map of function modules comes from the encoder;
/// the fixtures check that map against the reference encoder.
struct QRTestReader {
    static let levelM = 0b00

    let code: QRCode

    init(_ code: QRCode) { self.code = code }

    private var size: Int { code.size }
    private func dark(_ x: Int, _ y: Int) -> Bool { code.isDark(x: x, y: y) }

    /// The two copies of the 15-bit format word, least significant bit first (figure 25).
    func formatCopies() -> [Int] {
        let first: [(Int, Int)] = (0...5).map { (8, $0) } + [(8, 7), (8, 8), (7, 8)] + (9..<15).map { (14 - $0, 8) }
        let second: [(Int, Int)] = (0..<8).map { (size - 1 - $0, 8) } + (8..<15).map { (8, size - 15 + $0) }
        return [first, second].map { positions in
            positions.enumerated().reduce(0) { word, item in dark(item.element.0, item.element.1) ? word | 1 << item.offset : word }
        }
    }

    /// The two 18-bit version words: above the bottom-left finder and left of the top-right one.
    func versionCopies() -> [Int] {
        var bottomLeft = 0, topRight = 0
        for i in 0..<18 {
            if dark(i / 3, size - 11 + i % 3) { bottomLeft |= 1 << i }
            if dark(size - 11 + i % 3, i / 3) { topRight |= 1 << i }
        }
        return [bottomLeft, topRight]
    }

    func timingPatternsAlternate() -> Bool {
        (8..<(size - 8)).allSatisfy { dark($0, 6) == ($0 % 2 == 0) && dark(6, $0) == ($0 % 2 == 0) }
    }

    /// GF(2) polynomial remainder, written out here so that the encoder's own is not trusted.
    static func bchRemainder(_ value: Int, generator: Int, degree: Int) -> Int {
        var remainder = value
        for bit in stride(from: 30, through: degree, by: -1) where remainder & (1 << bit) != 0 {
            remainder ^= generator << (bit - degree)
        }
        return remainder
    }

    /// The level and mask of the nearest valid format word, if it is at most 3 bits away.
    static func decodeFormat(_ word: Int) -> (level: Int, mask: Int)? {
        let nearest = (0..<32).map { data in
            (data, ((data << 10) | bchRemainder(data << 10, generator: 0x537, degree: 10)) ^ 0x5412)
        }.min { ($0.1 ^ word).nonzeroBitCount < ($1.1 ^ word).nonzeroBitCount }
        guard let nearest, (nearest.1 ^ word).nonzeroBitCount <= 3 else { return nil }
        return (nearest.0 >> 3, nearest.0 & 7)
    }

    static func decodeVersion(_ word: Int) -> Int? {
        let nearest = (7...40).min {
            (($0 << 12 | bchRemainder($0 << 12, generator: 0x1F25, degree: 12)) ^ word).nonzeroBitCount
                < (($1 << 12 | bchRemainder($1 << 12, generator: 0x1F25, degree: 12)) ^ word).nonzeroBitCount
        }
        guard let nearest, ((nearest << 12 | bchRemainder(nearest << 12, generator: 0x1F25, degree: 12)) ^ word).nonzeroBitCount <= 3 else { return nil }
        return nearest
    }

    /// Table 10 of ISO/IEC 18004:2015, with i the row and j the column.
    static let maskConditions: [@Sendable (_ i: Int, _ j: Int) -> Bool] = [
        { i, j in (i + j) % 2 == 0 },
        { i, _ in i % 2 == 0 },
        { _, j in j % 3 == 0 },
        { i, j in (i + j) % 3 == 0 },
        { i, j in (i / 2 + j / 3) % 2 == 0 },
        { i, j in (i * j) % 2 + (i * j) % 3 == 0 },
        { i, j in ((i * j) % 2 + (i * j) % 3) % 2 == 0 },
        { i, j in ((i * j) % 3 + (i + j) % 2) % 2 == 0 },
    ]

    /// The data, or nil when a block fails its syndrome check or the segment is not byte mode.
    func readBytes() -> [UInt8]? {
        guard let word = formatCopies().first, let format = Self.decodeFormat(word),
              let version = QRVersion.all.first(where: { $0.size == size })
        else { return nil }
        let function = QRMatrix(version: version).isFunction
        let unmask = Self.maskConditions[format.mask]
        var bits: [Bool] = []
        // Two-column strips from the right edge, skipping the vertical timing column, going up first.
        var upwards = true
        var column = size - 1
        while column > 0 {
            if column == 6 { column -= 1 }
            for step in 0..<size {
                let row = upwards ? size - 1 - step : step
                for x in [column, column - 1] where !function[row * size + x] {
                    bits.append(dark(x, row) != unmask(row, x))
                }
            }
            upwards.toggle()
            column -= 2
        }
        let codewords: [UInt8] = (0..<version.totalCodewords).map { index in
            (0..<8).reduce(UInt8(0)) { byte, bit in bits[index * 8 + bit] ? byte | UInt8(0x80 >> bit) : byte }
        }
        // De-interleave: data codewords go round the blocks, shorter blocks skipped at the end.
        let blockCount = version.dataPerBlock.count
        var blocks = version.dataPerBlock.map { _ in [UInt8]() }
        var cursor = 0
        for i in 0..<(version.dataPerBlock.max() ?? 0) {
            for b in 0..<blockCount where i < version.dataPerBlock[b] {
                blocks[b].append(codewords[cursor])
                cursor += 1
            }
        }
        for _ in 0..<version.correctionPerBlock {
            for b in 0..<blockCount {
                blocks[b].append(codewords[cursor])
                cursor += 1
            }
        }
        guard blocks.allSatisfy({ Self.syndromes($0, degree: version.correctionPerBlock).allSatisfy { $0 == 0 } }) else { return nil }
        let data: [UInt8] = zip(blocks, version.dataPerBlock).flatMap { block, length in block.prefix(length) }
        let stream: [Bool] = data.flatMap { byte in (0..<8).map { byte & (0x80 >> $0) != 0 } }
        func read(_ from: Int, _ count: Int) -> Int {
            stream[from..<(from + count)].reduce(0) { $0 << 1 | ($1 ? 1 : 0) }
        }
        guard read(0, 4) == 0b0100 else { return nil }
        let countBits = version.number < 10 ? 8 : 16
        let length = read(4, countBits)
        guard 4 + countBits + 8 * length <= stream.count else { return nil }
        return (0..<length).map { UInt8(read(4 + countBits + 8 * $0, 8)) }
    }

    /// The block polynomial evaluated at alpha^0 ... alpha^(degree-1): all zero for a codeword.
    static func syndromes(_ block: [UInt8], degree: Int) -> [UInt8] {
        (0..<degree).map { i in
            block.reduce(UInt8(0)) { GaloisField.multiply($0, GaloisField.exponent[i]) ^ $1 }
        }
    }
}
