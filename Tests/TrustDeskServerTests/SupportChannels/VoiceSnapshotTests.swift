import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// The support line answers from a per-node snapshot that `VoiceMaintenanceLoop` reloads every
/// second. A change written by another node (here: straight to the database, without this
/// node's `invalidate()`) must be answered by this node after its next reload.
@Suite("SUP-10 the support line's snapshot follows changes made on other nodes")
struct VoiceSnapshotTests {
    /// Monday 2026-03-02 09:30 in New York, 14:30 in London: both TAMs are on shift.
    static let mondayMorning = Date.utc("2026-03-02T14:30:00Z")

    static func call(_ app: Application, pin: String, _ number: Int) async throws -> TestingHTTPResponse {
        try await VoiceTests.pinCall(app, pin: pin, callSID: "CA" + String(repeating: "\(number)", count: 32))
    }

    @Test("SUP-10: a PIN changed on another node: the old PIN stops and the new one rings the TAM after the next reload")
    func pinChanged() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(Self.mondayMorning)
            #expect(VoiceTests.dialed(try await Self.call(app, pin: SupportWorld.pin, 1)) == ["+12125550101"])

            try await SupportPINs(database: app.db, now: app.now, box: app.secretBox).set("7305", for: world.acme.account.sid)
            app.clock.advance(by: VoiceDesk.reloadEvery)
            try await app.voiceDesk.reload(app)

            let old = try await Self.call(app, pin: SupportWorld.pin, 2)
            #expect(old.text.contains("not recognised") && VoiceTests.dialed(old).isEmpty)
            #expect(VoiceTests.dialed(try await Self.call(app, pin: "7305", 3)) == ["+12125550101"])
        }
    }

    @Test("SUP-10: a TAM's calendar changed on another node: after the next reload the call rings the secondary TAM")
    func calendarChanged() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(Self.mondayMorning)
            #expect(VoiceTests.dialed(try await Self.call(app, pin: SupportWorld.pin, 1)) == ["+12125550101"])

            world.taylorCalendar.holidays = "2026-03-02"
            world.taylorCalendar.updatedAt = app.now
            try await world.taylorCalendar.save(on: app.db)
            app.clock.advance(by: VoiceDesk.reloadEvery)
            try await app.voiceDesk.reload(app)

            #expect(VoiceTests.dialed(try await Self.call(app, pin: SupportWorld.pin, 2)) == ["+442079460102"])
        }
    }

    @Test("SUP-10: a phone number removed on another node is not rung after the next reload")
    func phoneRemoved() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(Self.mondayMorning)
            #expect(VoiceTests.dialed(try await Self.call(app, pin: SupportWorld.pin, 1)) == ["+12125550101"])

            try await SupportLines(database: app.db, now: app.now).setPhone("", of: world.taylor)
            app.clock.advance(by: VoiceDesk.reloadEvery)
            try await app.voiceDesk.reload(app)

            #expect(VoiceTests.dialed(try await Self.call(app, pin: SupportWorld.pin, 2)) == ["+442079460102"])
        }
    }

    @Test("SUP-10: a change on this node is answered at once, even while a reload that read the old state is still in flight")
    func invalidationBeatsAnOlderReload() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(Self.mondayMorning)
            let stale = try await VoiceSnapshotLoader(database: app.db, now: app.now, box: app.secretBox).load()
            let started = AsyncStream<Void>.makeStream()
            let release = AsyncStream<Void>.makeStream()
            let slowReload = Task {
                try await app.voiceDesk.reload {
                    started.continuation.yield()
                    for await _ in release.stream { break }
                    return stale
                }
            }
            for await _ in started.stream { break }

            world.taylorCalendar.holidays = "2026-03-02"
            world.taylorCalendar.updatedAt = app.now
            try await world.taylorCalendar.save(on: app.db)
            app.voiceDesk.invalidate()
            #expect(VoiceTests.dialed(try await Self.call(app, pin: SupportWorld.pin, 1)) == ["+442079460102"])

            release.continuation.yield()
            _ = try await slowReload.value
            #expect(VoiceTests.dialed(try await Self.call(app, pin: SupportWorld.pin, 2)) == ["+442079460102"])
        }
    }

    @Test("SUP-10: calls answered from one snapshot are routed for their own minute: 17:59:59 rings the TAM, 18:00:00 the PSEs")
    func plansFollowTheMinute() async throws {
        try await withTrustDesk { app in
            _ = try await SupportWorld.make(app)
            // Monday 2026-03-02 17:59:55 New York: the snapshot loaded now is still current at 18:00.
            app.clock.set(.utc("2026-03-02T22:59:55Z"))
            #expect(VoiceTests.dialed(try await Self.call(app, pin: SupportWorld.pin, 1)) == ["+12125550101"])
            app.clock.set(.utc("2026-03-02T22:59:59Z"))
            #expect(VoiceTests.dialed(try await Self.call(app, pin: SupportWorld.pin, 2)) == ["+12125550101"])
            app.clock.set(.utc("2026-03-02T23:00:00Z"))
            #expect(Set(VoiceTests.dialed(try await Self.call(app, pin: SupportWorld.pin, 3))) == ["+12125550111", "+12125550112"])
        }
    }

    @Test("SUP-10: a node that took no call for a minute stops reloading and drops its snapshot; its next call reads the current state")
    func idleNodeStopsReloading() async throws {
        try await withTrustDesk { app in
            let world = try await SupportWorld.make(app)
            app.clock.set(Self.mondayMorning)
            #expect(!app.voiceDesk.keepsFresh(now: app.now), "a node that never took a call does not reload")
            #expect(VoiceTests.dialed(try await Self.call(app, pin: SupportWorld.pin, 1)) == ["+12125550101"])
            app.clock.advance(by: VoiceDesk.idleAfter - 1)
            #expect(app.voiceDesk.keepsFresh(now: app.now))
            try await app.voiceDesk.reload(app)
            app.clock.advance(by: 1)
            #expect(!app.voiceDesk.keepsFresh(now: app.now))

            // Changed on another node while this one is idle: no reload ran, and the snapshot of
            // two seconds ago would still ring Taylor.
            world.taylorCalendar.holidays = "2026-03-02"
            world.taylorCalendar.updatedAt = app.now
            try await world.taylorCalendar.save(on: app.db)
            app.clock.advance(by: 1)
            #expect(VoiceTests.dialed(try await Self.call(app, pin: SupportWorld.pin, 2)) == ["+442079460102"])
            #expect(app.voiceDesk.keepsFresh(now: app.now))
        }
    }
}
