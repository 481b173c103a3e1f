import Fluent
import Foundation
import TrustDeskCore

/// Reads what `VoiceDesk` holds, in a fixed number of queries: PIN holders, staff with their
/// calendars and phones, support numbers, and wrong PINs in the throttle window.
struct VoiceSnapshotLoader {
    let database: any Database
    let now: Date
    let box: SecretBox

    static let failurePrefix = "voice_pin:"

    func load() async throws -> VoiceDesk.Snapshot {
        let profiles = try await SupportProfile.query(on: database).filter(\.$phonePINLookup != nil).all()
        var byPIN: [String: VoiceDesk.Organisation] = [:]
        var organisations: [String: VoiceDesk.Organisation] = [:]
        for profile in profiles {
            guard let sid = profile.id, let lookup = profile.phonePINLookup else { continue }
            let organisation = VoiceDesk.Organisation(sid: sid, primaryTAM: profile.primaryTAMSID, secondaryTAM: profile.secondaryTAMSID)
            byPIN[lookup] = organisation
            organisations[sid] = organisation
        }
        let staff = try await StaffSupportProfile.query(on: database).all()
        let names = Dictionary(try await User.query(on: database).filter(\.$id ~~ staff.compactMap(\.id)).all().map { ($0.sid, $0.fullName) },
                               uniquingKeysWith: { first, _ in first })
        var calendars: [UUID: BusinessCalendar] = [:]
        for record in try await SupportCalendarRecord.query(on: database).filter(\.$id ~~ Array(Set(staff.compactMap(\.calendarID)))).all() {
            if let id = record.id { calendars[id] = try record.calendar() }
        }
        var people: [String: VoiceDesk.Person] = [:]
        for profile in staff {
            guard let sid = profile.id else { continue }
            people[sid] = VoiceDesk.Person(sid: sid, name: names[sid] ?? sid, phone: profile.phone, calendar: profile.calendarID.flatMap { calendars[$0] },
                                           available: profile.available, group: profile.groupName)
        }
        let lines = Set(try await SupportLine.query(on: database).all().map(\.number))
        let failures = try await Throttle(database: database, now: now).recentFailures(prefix: Self.failurePrefix, .phonePINPerCaller)
        return VoiceDesk.Snapshot(loadedAt: now, organisationsByPIN: byPIN, organisations: organisations, people: people, lines: lines, failures: failures,
                                  pinKey: box.lookupKey(purpose: SupportPINs.purpose), callerKey: box.lookupKey(purpose: VoiceController.callerPurpose))
    }
}
