/// The module grid of one symbol while it is built: the function patterns a reader locks on to,
/// then the codewords in their zigzag, then a mask. `x` is the column, `y` the row, both from
/// the top-left corner.
struct QRMatrix: Sendable, Equatable {
    let size: Int
    private(set) var dark: [Bool]
    /// Modules that belong to a pattern, not to the data; masks leave them alone.
    private(set) var isFunction: [Bool]

    init(version: QRVersion) {
        size = version.size
        dark = Array(repeating: false, count: size * size)
        isFunction = Array(repeating: false, count: size * size)
        drawTimingPatterns()
        drawFinderPatterns()
        drawAlignmentPatterns(version.alignmentCentres)
        // Reserved now, drawn for real once the mask is chosen.
        drawFormatInformation(0)
        if version.hasVersionInformation { drawVersionInformation(version.number) }
    }

    subscript(x: Int, y: Int) -> Bool { dark[y * size + x] }

    private mutating func setFunction(_ x: Int, _ y: Int, _ isDark: Bool) {
        dark[y * size + x] = isDark
        isFunction[y * size + x] = true
    }

    /// Alternating modules along row 6 and column 6, for the module pitch.
    private mutating func drawTimingPatterns() {
        for i in 0..<size {
            setFunction(6, i, i % 2 == 0)
            setFunction(i, 6, i % 2 == 0)
        }
    }

    /// Three 7x7 finders in the corners, each with its light separator.
    private mutating func drawFinderPatterns() {
        for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
            for dy in -4...4 {
                for dx in -4...4 {
                    let x = cx + dx, y = cy + dy
                    guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                    let ring = max(abs(dx), abs(dy))
                    setFunction(x, y, ring != 2 && ring != 4)
                }
            }
        }
    }

    /// 5x5 alignment patterns at every pair of centres except the three under the finders.
    private mutating func drawAlignmentPatterns(_ centres: [Int]) {
        guard let first = centres.first, let last = centres.last else { return }
        for cy in centres {
            for cx in centres where !(cx == first && cy == first) && !(cx == first && cy == last) && !(cx == last && cy == first) {
                for dy in -2...2 {
                    for dx in -2...2 {
                        setFunction(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1)
                    }
                }
            }
        }
    }

    /// Both copies of the 15-bit format word, least significant bit first, and the module
    /// beside the bottom-left finder that is always dark.
    mutating func drawFormatInformation(_ mask: Int) {
        let bits = QRFormatInformation.formatBits(mask: mask)
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        // Around the top-left finder: down column 8, then left along row 8.
        for i in 0...5 { setFunction(8, i, bit(i)) }
        setFunction(8, 7, bit(6))
        setFunction(8, 8, bit(7))
        setFunction(7, 8, bit(8))
        for i in 9..<15 { setFunction(14 - i, 8, bit(i)) }
        // Split between the other two finders.
        for i in 0..<8 { setFunction(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { setFunction(8, size - 15 + i, bit(i)) }
        setFunction(8, size - 8, true)
    }

    /// The 18-bit version word, twice: above the bottom-left finder and left of the top-right one.
    private mutating func drawVersionInformation(_ version: Int) {
        let bits = QRFormatInformation.versionBits(version)
        for i in 0..<18 {
            let isDark = (bits >> i) & 1 == 1
            let across = size - 11 + i % 3, along = i / 3
            setFunction(across, along, isDark)
            setFunction(along, across, isDark)
        }
    }

    /// Places the codewords, most significant bit first, in two-column strips from the
    /// bottom-right corner, alternately upwards and downwards, skipping function modules and
    /// the vertical timing pattern. Modules left over (the remainder bits) stay light.
    mutating func place(_ codewords: [UInt8]) {
        let bitCount = codewords.count * 8
        var index = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upwards = (right + 1) & 2 == 0
            for step in 0..<size {
                let y = upwards ? size - 1 - step : step
                for x in [right, right - 1] where !isFunction[y * size + x] && index < bitCount {
                    dark[y * size + x] = (codewords[index / 8] >> (7 - index % 8)) & 1 == 1
                    index += 1
                }
            }
            right -= 2
        }
    }

    /// Inverts every data module where the mask pattern's condition holds (7.8.2, table 10).
    mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] && Self.maskCondition(mask, x: x, y: y) {
                dark[y * size + x].toggle()
            }
        }
    }

    static func maskCondition(_ mask: Int, x: Int, y: Int) -> Bool {
        switch mask {
        case 0: (x + y) % 2 == 0
        case 1: y % 2 == 0
        case 2: x % 3 == 0
        case 3: (x + y) % 3 == 0
        case 4: (x / 3 + y / 2) % 2 == 0
        case 5: x * y % 2 + x * y % 3 == 0
        case 6: (x * y % 2 + x * y % 3) % 2 == 0
        default: ((x + y) % 2 + x * y % 3) % 2 == 0
        }
    }
}
