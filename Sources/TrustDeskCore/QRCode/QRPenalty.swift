/// The penalty score that picks a symbol's mask (ISO/IEC 18004:2015, 7.8.3): a lower score
/// means fewer patterns that confuse a reader. Every rule is scored on the finished symbol,
/// format information included.
///
/// Where the standard leaves room, this follows the reading of libqrencode, the encoder most
/// Linux tools use, so that a symbol here matches its output module for module: a finder-like
/// pattern counts once however many sides are light, a light run that reaches the symbol's
/// edge counts as long enough (the quiet zone continues it), and the dark proportion is
/// rounded to a whole percent before it is scored.
enum QRPenalty {
    static let runRule = 3
    static let blockRule = 3
    static let finderRule = 40
    static let balanceRule = 10

    static func score(_ matrix: QRMatrix) -> Int {
        let size = matrix.size
        var total = 0
        for line in 0..<size {
            total += lineScore(runs((0..<size).map { matrix[$0, line] }))
            total += lineScore(runs((0..<size).map { matrix[line, $0] }))
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let colour = matrix[x, y]
                if matrix[x + 1, y] == colour, matrix[x, y + 1] == colour, matrix[x + 1, y + 1] == colour {
                    total += blockRule
                }
            }
        }
        let darkCount = matrix.dark.count(where: { $0 })
        let modules = size * size
        let percent = (200 * darkCount + modules) / modules / 2
        total += abs(percent - 50) / 5 * balanceRule
        return total
    }

    /// A line as runs of one colour: (is dark, length), in order.
    static func runs(_ line: [Bool]) -> [(dark: Bool, length: Int)] {
        var result: [(dark: Bool, length: Int)] = []
        for module in line {
            if let last = result.last, last.dark == module {
                result[result.count - 1].length += 1
            } else {
                result.append((module, 1))
            }
        }
        return result
    }

    /// Runs of five or more (3 points, plus 1 per module beyond five) and dark:light:dark:
    /// light:dark runs in the ratio 1:1:3:1:1 with 4 light modules (to scale) on one side.
    static func lineScore(_ runs: [(dark: Bool, length: Int)]) -> Int {
        var total = 0
        for (index, run) in runs.enumerated() {
            if run.length >= 5 { total += runRule + run.length - 5 }
            guard run.dark, index >= 2, index + 2 < runs.count, run.length % 3 == 0 else { continue }
            let unit = run.length / 3
            guard [runs[index - 2], runs[index - 1], runs[index + 1], runs[index + 2]].allSatisfy({ $0.length == unit }) else { continue }
            let lightBefore = index - 3 <= 0 || runs[index - 3].length >= 4 * unit
            let lightAfter = index + 3 >= runs.count - 1 || runs[index + 3].length >= 4 * unit
            if lightBefore || lightAfter { total += finderRule }
        }
        return total
    }
}
