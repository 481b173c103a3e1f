import Foundation
import Synchronization
import Vapor

/// The queue links' counts (issue 11) are on every queue page, and each is a count over a range
/// of the unsolved tickets: at 50,000 unsolved, the six counts cost more than the page itself
/// (bench/pages: about 40 ms of a 47 ms page). Each node keeps each count for a few seconds, so
/// a count may lag the rows below it by at most `lifetime`; the rows are always read fresh.
final class QueueCounts: Sendable {
    static let lifetime: TimeInterval = 10

    private struct Entry {
        let count: Int
        let at: Date
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// The count under `key` read within `lifetime` before `now`, else `read()`'s, kept.
    func count(_ key: String, now: Date, read: () async throws -> Int) async throws -> Int {
        if let entry = entries.withLock({ $0[key] }), entry.at <= now, now.timeIntervalSince(entry.at) < Self.lifetime {
            return entry.count
        }
        let count = try await read()
        entries.withLock { entries in
            // Keys are per staff member and group: drop the stale ones before the map grows.
            if entries.count > 4096 { entries = entries.filter { now.timeIntervalSince($0.value.at) < Self.lifetime } }
            entries[key] = Entry(count: count, at: now)
        }
        return count
    }
}

extension Application {
    private struct QueueCountsKey: StorageKey { typealias Value = QueueCounts }

    /// Set up with the application (Configure.swift), read by every queue page.
    var queueCounts: QueueCounts {
        if let counts = storage[QueueCountsKey.self] { return counts }
        let counts = QueueCounts()
        storage[QueueCountsKey.self] = counts
        return counts
    }
}
