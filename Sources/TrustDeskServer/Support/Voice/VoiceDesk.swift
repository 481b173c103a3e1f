import Fluent
import Foundation
import Synchronization
import TrustDeskCore
import Vapor

/// What the support line needs to answer a call, held in memory on each node (SUP-10): PINs (as
/// keyed hashes) to organisations, the people who can be rung with their calendars and phones,
/// the support numbers, and recent wrong PINs per caller. A call's webhooks then touch no
/// database except to record a wrong PIN. `VoiceMaintenanceLoop` reloads the snapshot every
/// second off the answer path, so a change on another node (a PIN, a TAM's calendar, a phone,
/// a wrong PIN) shows within about a second; a change on this node drops it at once. A node
/// that took no call for `idleAfter` stops reloading and drops its snapshot, so its next call
/// loads a current one. A request loads it itself only when there is none, or when it is older
/// than `maximumAge` (the loop has stalled). Call log updates are journaled and written in
/// batches every second.
final class VoiceDesk: Sendable {
    struct Person: Sendable {
        let sid: String
        let name: String
        let phone: String?
        let calendar: BusinessCalendar?
        let available: Bool
        let group: String

        var candidate: PhoneCandidate? {
            calendar.map { PhoneCandidate(person: RoutingCandidate(id: sid, name: name, calendar: $0, available: available, openTickets: 0), phone: phone) }
        }
    }

    struct Organisation: Sendable {
        let sid: String
        let primaryTAM: String?
        let secondaryTAM: String?
    }

    struct Snapshot: Sendable {
        let loadedAt: Date
        let organisationsByPIN: [String: Organisation]
        let organisations: [String: Organisation]
        let people: [String: Person]
        let lines: Set<String>
        /// Throttle key -> wrong PINs in the window when loaded.
        let failures: [String: [Date]]
        /// The keys of `SupportPINs.lookup` and of the caller throttle, derived once per load
        /// rather than on every call.
        let pinKey: SecretBox.LookupKey
        let callerKey: SecretBox.LookupKey
        private let pool: [PhoneCandidate]
        private let plans = VoicePlanCache()

        init(loadedAt: Date, organisationsByPIN: [String: Organisation], organisations: [String: Organisation], people: [String: Person],
             lines: Set<String>, failures: [String: [Date]], pinKey: SecretBox.LookupKey, callerKey: SecretBox.LookupKey) {
            self.loadedAt = loadedAt
            self.organisationsByPIN = organisationsByPIN
            self.organisations = organisations
            self.people = people
            self.lines = lines
            self.failures = failures
            self.pinKey = pinKey
            self.callerKey = callerKey
            self.pool = people.values.filter { $0.group == SupportGroup.pse }.compactMap(\.candidate)
        }

        /// The organisation whose PIN this is, if any.
        func organisation(pin: String) -> Organisation? { organisationsByPIN[pinKey.hash(pin)] }

        /// The wrong-PIN throttle key of a caller (SEC-2).
        func throttleKey(caller: String) -> String { VoiceSnapshotLoader.failurePrefix + callerKey.hash(caller) }

        /// SUP-10's plan for an organisation's call at `now`.
        func plan(for organisation: Organisation, at now: Date) -> VoiceRouting.Plan {
            plans.plan(for: organisation.sid, at: now) {
                VoiceRouting.plan(primary: organisation.primaryTAM.flatMap { people[$0]?.candidate },
                                  secondary: organisation.secondaryTAM.flatMap { people[$0]?.candidate }, pool: pool, at: now)
            }
        }
    }

    /// How often the maintenance loop reloads the snapshot.
    static let reloadEvery: TimeInterval = 1
    /// A snapshot older than this is not trusted: the request that finds it reloads it.
    static let maximumAge: TimeInterval = 10
    /// A node that took no call for this long stops reloading every second: most nodes of a
    /// deployment never answer the support line, and would read the snapshot 86,400 times a day.
    static let idleAfter: TimeInterval = 60

    private struct State {
        var snapshot: Snapshot?
        var loading: Task<Snapshot, any Error>?
        /// Moves on every invalidation, so a load that started before a change on this node
        /// can't store what it read.
        var generation = 0
        /// Wrong PINs this node recorded since its snapshot loaded.
        var localFailures: [String: [Date]] = [:]
        var journal: [String: CallLogUpdate] = [:]
        /// When this node last answered a webhook.
        var lastCallAt: Date?
    }

    private let state = Mutex(State())

    /// The current snapshot, loading it (once, however many requests wait) when there is none
    /// or it is older than `maximumAge`.
    func snapshot(now: Date, load: @escaping @Sendable () async throws -> Snapshot) async throws -> Snapshot {
        let (cached, loading) = state.withLock { state -> (Snapshot?, (Task<Snapshot, any Error>, Int)?) in
            state.lastCallAt = now
            if let snapshot = state.snapshot, abs(now.timeIntervalSince(snapshot.loadedAt)) < Self.maximumAge { return (snapshot, nil) }
            return (nil, Self.startLoading(&state, load))
        }
        if let cached { return cached }
        guard let (task, generation) = loading else { throw DomainError(.internalError, "The voice desk could not load.") }
        return try await finish(task, generation: generation)
    }

    /// Loads a fresh snapshot while requests go on answering from the current one (the
    /// maintenance loop's pass; tests call it as a second node's poll would).
    @discardableResult
    func reload(_ load: @escaping @Sendable () async throws -> Snapshot) async throws -> Snapshot {
        let (task, generation) = state.withLock { Self.startLoading(&$0, load) }
        return try await finish(task, generation: generation)
    }

    private static func startLoading(_ state: inout State, _ load: @escaping @Sendable () async throws -> Snapshot) -> (Task<Snapshot, any Error>, Int) {
        if let loading = state.loading { return (loading, state.generation) }
        let loading = Task { try await load() }
        state.loading = loading
        return (loading, state.generation)
    }

    private func finish(_ task: Task<Snapshot, any Error>, generation: Int) async throws -> Snapshot {
        do {
            let loaded = try await task.value
            state.withLock { state in
                if state.loading == task { state.loading = nil }
                if state.generation == generation, (state.snapshot?.loadedAt ?? .distantPast) <= loaded.loadedAt {
                    state.snapshot = loaded
                    state.localFailures = state.localFailures.compactMapValues { times in
                        let kept = times.filter { $0 >= loaded.loadedAt.addingTimeInterval(-1) }
                        return kept.isEmpty ? nil : kept
                    }
                }
            }
            return loaded
        } catch {
            state.withLock { if $0.loading == task { $0.loading = nil } }
            throw error
        }
    }

    /// Whether the maintenance loop should reload now: yes on a node that answered a webhook
    /// in the last `idleAfter`. An idle node drops its snapshot instead, so that its next call
    /// reads the current state rather than one up to `maximumAge` old.
    func keepsFresh(now: Date) -> Bool {
        state.withLock { state in
            if let last = state.lastCallAt, now.timeIntervalSince(last) < Self.idleAfter { return true }
            state.snapshot = nil
            return false
        }
    }

    /// Forget the snapshot: the next call reloads it (after a change on this node).
    func invalidate() {
        state.withLock { state in
            state.snapshot = nil
            state.loading = nil
            state.generation += 1
        }
    }

    /// Wrong PINs of `key`: the snapshot's and this node's since. Near a reload a failure may
    /// count twice, which only blocks sooner (SEC-2).
    func failures(_ key: String, in snapshot: Snapshot) -> [Date] {
        (snapshot.failures[key] ?? []) + state.withLock { $0.localFailures[key] ?? [] }
    }

    func noteFailure(_ key: String, at time: Date) {
        state.withLock { $0.localFailures[key, default: []].append(time) }
    }

    // MARK: Call log journal

    func record(_ update: CallLogUpdate) {
        state.withLock { state in
            if var existing = state.journal[update.callSID] {
                existing.merge(update)
                state.journal[update.callSID] = existing
            } else {
                state.journal[update.callSID] = update
            }
        }
    }

    func takeJournal() -> [CallLogUpdate] {
        state.withLock { state in
            defer { state.journal = [:] }
            return Array(state.journal.values)
        }
    }

    /// Writes the journal; a batch that fails is put back for the next pass.
    func flush(on database: any Database) async throws {
        let updates = takeJournal()
        guard !updates.isEmpty else { return }
        do {
            try await CallLog(database: database).write(updates)
        } catch {
            for update in updates { record(update) }
            throw error
        }
    }
}

extension Application {
    private struct VoiceDeskKey: StorageKey { typealias Value = VoiceDesk }

    var voiceDesk: VoiceDesk {
        shared(VoiceDeskKey.self) { VoiceDesk() }
    }
}

extension VoiceDesk {
    /// The maintenance loop's reload: everything the snapshot holds, read now.
    func reload(_ application: Application) async throws {
        try await reload { try await VoiceSnapshotLoader(database: application.db, now: application.clock.now(), box: application.secretBox).load() }
    }
}

/// Every second: flushes this node's call log journal and, on a node that is taking calls,
/// reloads the voice snapshot (both off the answer path); flushes once more when the node stops.
final class VoiceMaintenanceLoop: NodeBackgroundWork, Sendable {
    private let loop = BackgroundLoop()

    func didBoot(_ application: Application) throws {
        let logger = Logger(label: "trustdesk.voice")
        loop.start(every: VoiceDesk.reloadEvery) {
            do {
                try await application.voiceDesk.flush(on: application.db)
            } catch {
                logger.error("call log flush failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            guard application.voiceDesk.keepsFresh(now: application.clock.now()) else { return }
            do {
                try await application.voiceDesk.reload(application)
            } catch {
                logger.error("voice snapshot reload failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        await loop.stop()
        do {
            try await application.voiceDesk.flush(on: application.db)
        } catch {
            application.logger.error("call log flush at shutdown failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
