/// How many times each whole number of minutes occurred: what a day of first responses is
/// kept as, so a report's percentiles over any days are exact (to the minute) without reading
/// every ticket (SUP-16).
public struct MinuteHistogram: Sendable, Equatable {
    public private(set) var counts: [Int: Int]

    public init(counts: [Int: Int] = [:]) {
        self.counts = counts.filter { $0.value > 0 }
    }

    public var total: Int { counts.values.reduce(0, +) }
    public var isEmpty: Bool { counts.isEmpty }
    public var maximum: Int? { counts.keys.max() }

    public mutating func add(_ minutes: Int, count: Int = 1) {
        counts[max(0, minutes), default: 0] += count
    }

    public mutating func merge(_ other: MinuteHistogram) {
        for (minutes, count) in other.counts { counts[minutes, default: 0] += count }
    }

    /// The nearest-rank percentile: the smallest value with at least `percent`% of all values at
    /// or below it (p50 of 1, 2, 3, 4 is 2; p90 is 4). Nil when empty.
    public func percentile(_ percent: Int) -> Int? {
        let total = total
        guard total > 0 else { return nil }
        let rank = max(1, (percent * total + 99) / 100)
        var seen = 0
        for minutes in counts.keys.sorted() {
            seen += counts[minutes] ?? 0
            if seen >= rank { return minutes }
        }
        return maximum
    }

    /// Stored as `minutes:count` pairs, ascending: `3:1,17:2`.
    public var encoded: String {
        counts.keys.sorted().map { "\($0):\(counts[$0] ?? 0)" }.joined(separator: ",")
    }

    public struct Corrupt: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads `encoded`; anything else is corrupt data and fails loudly.
    public init(encoded text: String) throws {
        var counts: [Int: Int] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let minutes = Int(parts[0]), let count = Int(parts[1]), minutes >= 0, count >= 0 else {
                throw Corrupt(description: "minute histogram entry \"\(pair.prefix(40))\" is not minutes:count")
            }
            counts[minutes, default: 0] += count
        }
        self.init(counts: counts)
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
