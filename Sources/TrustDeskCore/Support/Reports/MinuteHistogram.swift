/// How many times each whole number of minutes occurred: what a day of first responses is
/// kept as, so a report's percentiles over any days are exact (to the minute) without reading
/// every ticket (SUP-16).
public struct MinuteHistogram: Sendable, Equatable {
    /// Counts by minute for the first `denseMinutes` minutes, indexed by minute: nearly every
    /// response falls there, and an array adds, merges and walks in order without hashing (a
    /// 90-day report merges hundreds of stored days). Empty, or ending in a non-zero count.
    private var dense: [Int] = []
    /// Counts of the rare longer waits, by minute; never zero.
    private var sparse: [Int: Int] = [:]
    public private(set) var total = 0

    /// One day of minutes: the array of a day's histogram stays small however long the tail.
    static let denseMinutes = 1_440

    public init() {}

    public init(counts: [Int: Int]) {
        for (minutes, count) in counts { add(minutes, count: count) }
    }

    public var isEmpty: Bool { total == 0 }
    public var maximum: Int? { sparse.keys.max() ?? (dense.isEmpty ? nil : dense.count - 1) }

    /// Counts `minutes` (negative counts as 0) `count` more times; a count of zero or less adds nothing.
    public mutating func add(_ minutes: Int, count: Int = 1) {
        guard count > 0 else { return }
        let minutes = max(0, minutes)
        total += count
        guard minutes < Self.denseMinutes else {
            sparse[minutes, default: 0] += count
            return
        }
        if minutes >= dense.count { dense.append(contentsOf: repeatElement(0, count: minutes + 1 - dense.count)) }
        dense[minutes] += count
    }

    public mutating func merge(_ other: MinuteHistogram) {
        if other.dense.count > dense.count { dense.append(contentsOf: repeatElement(0, count: other.dense.count - dense.count)) }
        for (minutes, count) in other.dense.enumerated() { dense[minutes] += count }
        for (minutes, count) in other.sparse { sparse[minutes, default: 0] += count }
        total += other.total
    }

    /// Every minute counted, ascending, with its count.
    private var ascending: [(minutes: Int, count: Int)] {
        var pairs: [(minutes: Int, count: Int)] = []
        for (minutes, count) in dense.enumerated() where count > 0 { pairs.append((minutes, count)) }
        for minutes in sparse.keys.sorted() { pairs.append((minutes, sparse[minutes] ?? 0)) }
        return pairs
    }

    /// The nearest-rank percentile: the smallest value with at least `percent`% of all values at
    /// or below it (p50 of 1, 2, 3, 4 is 2; p90 is 4). Nil when empty.
    public func percentile(_ percent: Int) -> Int? {
        guard total > 0 else { return nil }
        let rank = max(1, (percent * total + 99) / 100)
        var seen = 0
        for (minutes, count) in dense.enumerated() {
            seen += count
            if seen >= rank { return minutes }
        }
        for minutes in sparse.keys.sorted() {
            seen += sparse[minutes] ?? 0
            if seen >= rank { return minutes }
        }
        return maximum
    }

    /// Stored as `minutes:count` pairs, ascending: `3:1,17:2`.
    public var encoded: String {
        ascending.map { "\($0.minutes):\($0.count)" }.joined(separator: ",")
    }

    public struct Corrupt: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads `encoded` in one pass over its bytes (reports read thousands of stored pairs);
    /// anything else is corrupt data and fails loudly. Empty entries between commas are skipped.
    public init(encoded text: String) throws {
        self.init()
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: ",")) ?? bytes.count
            if end > start {
                guard let pair = Self.pair(bytes[start..<end]) else {
                    throw Corrupt(description: "minute histogram entry \"\(String(decoding: bytes[start..<end].prefix(40), as: UTF8.self))\" is not minutes:count")
                }
                add(pair.minutes, count: pair.count)
            }
            start = end + 1
        }
    }

    /// `minutes:count`, both non-negative decimal numbers of at most 18 digits.
    private static func pair(_ entry: ArraySlice<UInt8>) -> (minutes: Int, count: Int)? {
        guard let colon = entry.firstIndex(of: UInt8(ascii: ":")),
              let minutes = number(entry[entry.startIndex..<colon]), let count = number(entry[(colon + 1)...]) else { return nil }
        return (minutes, count)
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}

/// Share of targets met, in percent with one decimal (nil with no targets).
public enum Compliance {
    /// The goal the SLA compliance chart draws its target line at.
    public static let goalPercent = 95.0

    public static func percent(achieved: Int, breached: Int) -> Double? {
        let total = achieved + breached
        guard total > 0 else { return nil }
        return (Double(achieved) * 1000 / Double(total)).rounded() / 10
    }
}
