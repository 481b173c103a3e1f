import Fluent
import Foundation
import Synchronization
import TrustDeskCore
import Vapor

/// This node's copy of the support calendars (SUP-4). Every ticket create measures business
/// hours on one and routing reads every pool member's; a desk has tens of calendars that change
/// a few times a year. As with trust profiles, a change takes effect on every node within about
/// a second: a copy older than `maximumAge` is read again (one query over the whole small
/// table) on its next use, and an edit made on this node drops the copy at once.
final class SupportCalendarCache: Sendable {
    struct Snapshot: Sendable {
        fileprivate let byID: [UUID: Result<BusinessCalendar, any Error>]
        fileprivate let byGroup: [String: Result<BusinessCalendar, any Error>]
        let loadedAt: Date

        /// A stored calendar that does not parse fails where it is used, as it did read one by
        /// one: other calendars keep working.
        func calendar(id: UUID) throws -> BusinessCalendar? { try byID[id]?.get() }
        func groupCalendar(_ group: String) throws -> BusinessCalendar? { try byGroup[group]?.get() }
        func contains(_ id: UUID) -> Bool { byID[id] != nil }
    }

    /// The same bound as trust profiles' (`TrustMaintenance`): a change made elsewhere is seen
    /// here within a second.
    static let maximumAge: TimeInterval = 1

    private struct State {
        var snapshot: Snapshot?
        /// Moves on every invalidation, so a load that started before an edit on this node
        /// can't store what it read.
        var generation = 0
    }

    private let state = Mutex(State())

    init() {}

    /// The calendars as of at most `maximumAge` before `now` (either way: tests move the clock
    /// back as well as forward).
    func snapshot(on database: any Database, now: Date) async throws -> Snapshot {
        let (cached, generation) = state.withLock { state -> (Snapshot?, Int) in
            guard let snapshot = state.snapshot, abs(now.timeIntervalSince(snapshot.loadedAt)) < Self.maximumAge else { return (nil, state.generation) }
            return (snapshot, state.generation)
        }
        if let cached { return cached }
        return try await load(on: database, now: now, generation: generation)
    }

    /// The calendar with `id`; one this node has not seen yet (created since the copy was read)
    /// is read at once rather than a second later.
    func calendar(id: UUID, on database: any Database, now: Date) async throws -> BusinessCalendar? {
        var snapshot = try await snapshot(on: database, now: now)
        if !snapshot.contains(id) {
            snapshot = try await load(on: database, now: now, generation: state.withLock { $0.generation })
        }
        return try snapshot.calendar(id: id)
    }

    /// Forgets the copy: the next use reads the calendars again (after an edit on this node).
    func invalidate() {
        state.withLock { state in
            state.snapshot = nil
            state.generation += 1
        }
    }

    private func load(on database: any Database, now: Date, generation: Int) async throws -> Snapshot {
        // Sorted so that a group with two calendars always gets the same one on every node.
        let records = try await SupportCalendarRecord.query(on: database).sort(\.$name).sort(\.$id).all()
        var byID: [UUID: Result<BusinessCalendar, any Error>] = [:]
        var byGroup: [String: Result<BusinessCalendar, any Error>] = [:]
        for record in records {
            let parsed = Result { try record.calendar() }
            if let id = record.id { byID[id] = parsed }
            if let group = record.groupName, byGroup[group] == nil { byGroup[group] = parsed }
        }
        let snapshot = Snapshot(byID: byID, byGroup: byGroup, loadedAt: now)
        state.withLock { state in
            if state.generation == generation { state.snapshot = snapshot }
        }
        return snapshot
    }
}

extension Application {
    private struct SupportCalendarCacheKey: StorageKey { typealias Value = SupportCalendarCache }

    /// This node's support calendars (see `SupportCalendarCache`).
    var supportCalendars: SupportCalendarCache {
        shared(SupportCalendarCacheKey.self) { SupportCalendarCache() }
    }
}
