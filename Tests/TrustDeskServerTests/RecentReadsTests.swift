import Foundation
import Synchronization
import Testing
@testable import TrustDeskServer

@Suite("Queue counts and the live backlog: a node's recent reads")
struct RecentReadsTests {
    /// Counts how often the database would have been asked.
    final class Reads: Sendable {
        private let count = Mutex(0)
        func next() -> Int { count.withLock { $0 += 1; return $0 } }
    }

    @Test("A value is read once per key within its lifetime, again after it, and again when the clock goes back")
    func lifetime() async throws {
        let recent = RecentReads<Int>(lifetime: 10)
        let reads = Reads()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try await recent.value("all", now: start) { reads.next() } == 1)
        #expect(try await recent.value("all", now: start.addingTimeInterval(9.9)) { reads.next() } == 1, "kept within 10 s")
        #expect(try await recent.value("mine", now: start.addingTimeInterval(1)) { reads.next() } == 2, "each key read on its own")
        #expect(try await recent.value("all", now: start.addingTimeInterval(10)) { reads.next() } == 3, "read again at 10 s")
        #expect(try await recent.value("all", now: start.addingTimeInterval(5)) { reads.next() } == 4, "a clock before the kept read reads again")
    }

    @Test("A failed read keeps nothing: the next asks the database again")
    func failedRead() async throws {
        struct Unavailable: Error {}
        let recent = RecentReads<Int>(lifetime: 10)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        await #expect(throws: Unavailable.self) { try await recent.value("all", now: now) { throw Unavailable() } }
        #expect(try await recent.value("all", now: now) { 7 } == 7)
    }
}
