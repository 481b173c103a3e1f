import Foundation
import Synchronization
import TrustDeskCore

/// SUP-10's routing plans of one snapshot, kept per organisation for the minute they were made
/// in. Calendars work in whole local minutes and zone offsets are whole minutes, so a plan made
/// at any second of a minute is the plan for all of it; a new snapshot (a change to a PIN,
/// calendar or phone) starts with an empty cache. Every call of a busy minute then reuses one
/// routing decision instead of walking the calendars again.
final class VoicePlanCache: Sendable {
    private struct Entry {
        let minute: Int64
        let plan: VoiceRouting.Plan
    }

    private let entries = Mutex<[String: Entry]>([:])

    static func minute(of instant: Date) -> Int64 {
        Int64((instant.timeIntervalSince1970 / 60).rounded(.down))
    }

    /// The cached plan for `organisationSID` in `now`'s minute, else `make()`'s, kept for it.
    func plan(for organisationSID: String, at now: Date, make: () -> VoiceRouting.Plan) -> VoiceRouting.Plan {
        let minute = Self.minute(of: now)
        if let entry = entries.withLock({ $0[organisationSID] }), entry.minute == minute { return entry.plan }
        let plan = make()
        entries.withLock { $0[organisationSID] = Entry(minute: minute, plan: plan) }
        return plan
    }
}
