import PropertyBased
import Testing
@testable import TrustDeskCore

@Suite("ACC-8: the QR code of the two-factor enrolment page")
struct QRCodeTests {
    /// Byte-mode capacity at level M of versions 1 to 10 (ISO/IEC 18004:2015, table 7).
    static let publishedCapacities = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213]

    @Test("ACC-8: symbols match the reference encoder module for module", arguments: QRReferenceSymbols.all)
    func matchesReference(_ reference: QRReferenceSymbol) throws {
        let code = try QRCode(text: reference.text)
        #expect(code.size == reference.rows.count)
        #expect(code.version == (reference.rows.count - 17) / 4)
        let drawn = (0..<code.size).map { y in String((0..<code.size).map { code.isDark(x: $0, y: y) ? "#" : "." }) }
        for (y, row) in reference.rows.enumerated() where y < drawn.count {
            #expect(drawn[y] == row, "row \(y) of \(reference.about)")
        }
    }

    @Test("ACC-8: each version holds the bytes the standard says, and the smallest version that fits is chosen")
    func capacities() throws {
        #expect(QRVersion.all.map(\.byteCapacity) == Self.publishedCapacities)
        #expect(QRCode.maximumByteCount == 213)
        var previous = 0
        for (index, capacity) in Self.publishedCapacities.enumerated() {
            let version = index + 1
            #expect(try QRCode(bytes: Array(repeating: 0x61, count: capacity)).version == version, "\(capacity) bytes")
            #expect(try QRCode(bytes: Array(repeating: 0x61, count: previous + 1)).version == version, "\(previous + 1) bytes")
            if version < 10 {
                #expect(try QRCode(bytes: Array(repeating: 0x61, count: capacity + 1)).version == version + 1, "\(capacity + 1) bytes")
            }
            previous = capacity
        }
        #expect(try QRCode(bytes: []).version == 1)
    }

    @Test("ACC-8: input longer than version 10 holds is refused with a clear error")
    func tooLong() {
        #expect(throws: DomainError(.invalidParameter, "A QR code at error correction level M holds at most 213 bytes (version 10); this text has 214.")) {
            try QRCode(bytes: Array(repeating: 0x61, count: 214))
        }
        #expect(throws: DomainError.self) { try QRCode(text: String(repeating: "é", count: 107)) }
    }

    @Test("ACC-8: the longest enrolment URI a username allows fits, with room to spare")
    func longestEnrolmentURI() throws {
        let username = "a" + String(repeating: "b", count: 63)
        let uri = TOTP(secret: TOTP.generateSecret()).provisioningURI(issuer: "TrustDesk", account: username)
        #expect(uri.utf8.count < QRCode.maximumByteCount)
        #expect(try QRCode(text: uri).version <= 10)
    }

    @Test("ACC-8: codewords per version match the modules left for data by the function patterns")
    func codewordsFillTheSymbol() {
        // Remainder bits after the last codeword (ISO/IEC 18004:2015, table 1).
        let remainderBits = [0, 7, 7, 7, 7, 7, 0, 0, 0, 0]
        for version in QRVersion.all {
            let matrix = QRMatrix(version: version)
            let dataModules = matrix.isFunction.count(where: { !$0 })
            #expect(dataModules == version.totalCodewords * 8 + remainderBits[version.number - 1], "version \(version.number)")
        }
    }

    @Test("ACC-8: every input up to the version-10 capacity gives a symbol whose format and version bits decode and whose data reads back")
    func everyInputReadsBack() async {
        await propertyCheck(count: 400, input: Gen.uint8().array(of: 0...QRCode.maximumByteCount)) { bytes in
            guard let code = try? QRCode(bytes: bytes) else {
                Issue.record("\(bytes.count) bytes were refused")
                return
            }
            let symbol = QRTestReader(code)
            let formats = symbol.formatCopies().map(QRTestReader.decodeFormat)
            #expect(formats[0] != nil && formats[0]?.level == QRTestReader.levelM && formats[0]?.mask == code.mask, "\(bytes.count) bytes")
            #expect(formats[0]?.mask == formats[1]?.mask && formats[0]?.level == formats[1]?.level)
            if code.version >= 7 {
                #expect(symbol.versionCopies().allSatisfy { QRTestReader.decodeVersion($0) == code.version })
            }
            #expect(code.version == (QRCodeTests.publishedCapacities.firstIndex { $0 >= bytes.count } ?? 99) + 1)
            #expect(symbol.timingPatternsAlternate())
            #expect(symbol.readBytes() == bytes, "\(bytes.count) bytes")
        }
    }

    @Test("ACC-8: the SVG has a 4-module quiet zone, crisp edges, an escaped title and accessible name, and one unit square per dark module")
    func svg() throws {
        let code = try QRCode(text: "otpauth://totp/TrustDesk%3Aana?secret=JBSWY3DPEHPK3PXP")
        let svg = code.svg(label: #"Scan <me> & "you'll" see"#, moduleSize: 5)
        let side = code.size + 8
        #expect(svg.hasPrefix(#"<svg xmlns="http://www.w3.org/2000/svg" class="qr-code" role="img" aria-label="Scan &lt;me&gt; &amp; &quot;you&apos;ll&quot; see" "#))
        #expect(svg.contains(#"width="\#(side * 5)" height="\#(side * 5)" viewBox="0 0 \#(side) \#(side)" shape-rendering="crispEdges">"#))
        #expect(svg.contains("<title>Scan &lt;me&gt; &amp; &quot;you&apos;ll&quot; see</title>"))
        #expect(svg.contains(#"<rect width="\#(side)" height="\#(side)" fill="white"/>"#))
        #expect(svg.hasSuffix("</svg>"))
        // Each run `M x y h n v1 h-n z` covers n modules of one row, all inside the quiet zone.
        let path = try #require(svg.split(separator: #"d=""#).last?.split(separator: "\"").first)
        let runs = path.split(separator: "M").map { step in
            step.split(whereSeparator: { !$0.isNumber }).prefix(3).compactMap { Int($0) }
        }
        #expect(runs.allSatisfy { $0.count == 3 && $0[0] >= 4 && $0[1] >= 4 && $0[0] + $0[2] <= code.size + 4 && $0[1] < code.size + 4 })
        let darkModules = (0..<code.size).reduce(0) { total, y in total + (0..<code.size).count { code.isDark(x: $0, y: y) } }
        #expect(runs.reduce(0) { $0 + $1[2] } == darkModules)
    }

    @Test("ACC-8: a format word survives three flipped bits, and format words differ in at least 7")
    func formatWordsCorrectErrors() {
        let words = (0..<8).map { QRFormatInformation.formatBits(mask: $0) }
        for (i, a) in words.enumerated() {
            for b in words[(i + 1)...] { #expect((a ^ b).nonzeroBitCount >= 7) }
        }
        for mask in 0..<8 {
            let damaged = words[mask] ^ 0b100_0000_0100_0001
            #expect(QRTestReader.decodeFormat(damaged)?.mask == mask)
            #expect(QRTestReader.decodeFormat(damaged)?.level == QRTestReader.levelM)
        }
    }
}

@Suite("QR code error correction: Reed-Solomon over GF(256) and BCH words")
struct QRErrorCorrectionTests {
    @Test("GF(256) uses the field polynomial 0x11D: alpha^8 = 0x1D, every non-zero element has an inverse")
    func field() {
        #expect(GaloisField.exponent[8] == 0x1D)
        #expect(GaloisField.exponent[255] == 1)
        #expect(Set(GaloisField.exponent[0..<255]).count == 255)
        for a in 1...255 {
            let inverse = GaloisField.exponent[255 - GaloisField.logarithm[a]]
            #expect(GaloisField.multiply(UInt8(a), inverse) == 1)
        }
        #expect(GaloisField.multiply(0, 0x53) == 0)
    }

    @Test("The generator polynomial of degree 10 has the exponents of ISO/IEC 18004 annex A")
    func generator() {
        let exponents = ReedSolomon.generator(degree: 10).map { GaloisField.logarithm[Int($0)] }
        #expect(exponents == [0, 251, 67, 46, 61, 118, 70, 64, 94, 32, 45])
        #expect(ReedSolomon.generator(degree: 7).map { GaloisField.logarithm[Int($0)] } == [0, 87, 229, 146, 149, 238, 102, 21])
    }

    @Test("Error correction codewords of a worked 1-M example (HELLO WORLD in alphanumeric mode)")
    func workedExample() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(ReedSolomon.correction(for: data, degree: 10) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    @Test("Every block with its correction is a codeword: all syndromes are zero, and a changed byte shows")
    func syndromes() async {
        await propertyCheck(count: 200, input: Gen.uint8().array(of: 1...44), Gen.int(in: 7...30)) { data, degree in
            let block = data + ReedSolomon.correction(for: data, degree: degree)
            #expect(QRTestReader.syndromes(block, degree: degree).allSatisfy { $0 == 0 })
            var damaged = block
            damaged[data.count / 2] ^= 0x5A
            #expect(QRTestReader.syndromes(damaged, degree: degree).contains { $0 != 0 })
        }
    }

    @Test("Format words for level M are the ones of ISO/IEC 18004 annex C", arguments: [
        (0, 0b101_0100_0001_0010), (1, 0b101_0001_0010_0101), (2, 0b101_1110_0111_1100), (3, 0b101_1011_0100_1011),
        (4, 0b100_0101_1111_1001), (5, 0b100_0000_1100_1110), (6, 0b100_1111_1001_0111), (7, 0b100_1010_1010_0000),
    ])
    func formatWords(mask: Int, expected: Int) {
        #expect(QRFormatInformation.formatBits(mask: mask) == expected)
    }

    @Test("Version words are the ones of ISO/IEC 18004 annex D", arguments: [(7, 0x07C94), (8, 0x085BC), (9, 0x09A99), (10, 0x0A4D3)])
    func versionWords(version: Int, expected: Int) {
        #expect(QRFormatInformation.versionBits(version) == expected)
    }
}
