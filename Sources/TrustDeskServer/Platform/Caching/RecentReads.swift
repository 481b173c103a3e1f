import Foundation
import Synchronization

/// Reads that may lag the database by at most `lifetime`, kept per node under a key. For figures
/// shown beside fresh rows whose cost grows with the table (queue counts, the live backlog): at
/// 50,000 unsolved tickets each is a scan of that many index entries, more than the page around
/// it. A read after `lifetime`, or one the clock puts before the kept one, goes to the database.
final class RecentReads<Value: Sendable>: Sendable {
    let lifetime: TimeInterval

    private struct Entry {
        let value: Value
        let at: Date
    }

    private let entries = Mutex<[String: Entry]>([:])

    init(lifetime: TimeInterval) {
        self.lifetime = lifetime
    }

    /// The value under `key` read within `lifetime` before `now`, else `read()`'s, kept.
    func value(_ key: String, now: Date, read: () async throws -> Value) async throws -> Value {
        if let entry = entries.withLock({ $0[key] }), entry.at <= now, now.timeIntervalSince(entry.at) < lifetime {
            return entry.value
        }
        let value = try await read()
        entries.withLock { entries in
            // Keys carry staff members, groups and filters: drop the stale ones before the map grows.
            if entries.count > 4096 { entries = entries.filter { now.timeIntervalSince($0.value.at) < lifetime } }
            entries[key] = Entry(value: value, at: now)
        }
        return value
    }
}
