import Vapor

/// The queue links' counts (issue 11) are on every queue page, and each is a count over a range
/// of the unsolved tickets: at 50,000 unsolved, the six counts cost more than the page itself
/// (bench/pages: about 40 ms of a 47 ms page). Each node keeps each count for a few seconds, so
/// a count may lag the rows below it by at most `lifetime`; the rows are always read fresh.
typealias QueueCounts = RecentReads<Int>

extension Application {
    private struct QueueCountsKey: StorageKey { typealias Value = QueueCounts }

    /// Set up with the application (Configure.swift), read by every queue page.
    var queueCounts: QueueCounts {
        shared(QueueCountsKey.self) { QueueCounts(lifetime: 10) }
    }
}
