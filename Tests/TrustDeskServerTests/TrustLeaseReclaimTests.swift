import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// PT-4 when a node dies without a word (kill -9): its leases have a holder and a heartbeat, it
/// admits only what it reserved in the database first, and another node gives back the rest
/// once the holder has been silent for 30 s. And the admission journal: an answered admission's
/// SID is already in the database.
@Suite("Progressive Trust: lease reclaim and the durable journal")
struct TrustLeaseReclaimServerTests {
    /// Another node on the same database: its own desk, its own holder.
    static func otherNode(_ app: Application) -> AdmissionDesk {
        AdmissionDesk(holder: "other-node-\(UUID().uuidString.prefix(8))", journal: AdmissionJournal { batch in
            try await AdmissionJournal.write(batch, on: app.db, now: app.now)
        })
    }

    static func admitted(_ desk: AdmissionDesk, _ account: String, count: Int, _ app: Application) async throws -> Int {
        var admitted = 0
        for _ in 0..<count {
            let decision = try await desk.admit(account, channel: .sms, messageSID: nil, context: app.trustContext(now: app.now))
            if decision.result == .admitted { admitted += 1 }
        }
        return admitted
    }

    static func leases(_ app: Application, holder: String) async throws -> [QuotaLeaseRecord] {
        try await QuotaLeaseRecord.query(on: app.db).filter(\.$holder == holder).all()
    }

    @Test("PT-4: leases ended while reservations are on their way (a policy change mid-batch) lose no units: once every lease is returned, the window counts exactly what was admitted")
    func invalidationRacingReservations() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let customer = try await TestData.customer(app, "ada")
            let sid = customer.account.sid
            let desk = Self.otherNode(app)
            let ledger = app.trustContext(now: app.now).ledger
            let admitted = try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask { try await Self.admitted(desk, sid, count: 400, app) }
                group.addTask {
                    // What the policy poll does when the account's profile changes.
                    for _ in 0..<60 {
                        if let release = desk.invalidate(sid) { try await ledger.release(sid, release, holder: desk.holder) }
                        await Task.yield()
                    }
                    return 0
                }
                return try await group.reduce(0, +)
            }
            for (account, release) in desk.releaseAll() { try await ledger.release(account, release, holder: desk.holder) }
            #expect(admitted == 400)
            #expect(try await ledger.usedInWindow(sid) == admitted)
        }
    }

    @Test("PT-4: a killed node's unreserved quota is reclaimed by another node after 30 s of silence, not before; its reserved units stay counted")
    func reclaimAfterSilence() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let customer = try await TestData.customer(app, "ada")
            let sid = customer.account.sid
            let dead = Self.otherNode(app)
            // The other node sends fast enough for its leases to grow, then dies (no release).
            #expect(try await Self.admitted(dead, sid, count: 100, app) == 100)
            let lease = try #require(try await Self.leases(app, holder: dead.holder).first)
            #expect(lease.reserved < lease.granted, "a quarter of the lease is reserved at a time")
            #expect(lease.reserved >= 100)
            try await TrustMaintenance.run(app, now: app.now)
            let ledger = app.trustContext(now: app.now).ledger
            let usedWhileDead = try await ledger.usedInWindow(sid)

            // 29 s later the holder is not gone yet: nothing comes back.
            app.clock.advance(by: 29)
            try await TrustMaintenance.run(app, now: app.now)
            #expect(try await app.trustContext(now: app.now).ledger.usedInWindow(sid) == usedWhileDead)

            // 31 s after its last heartbeat (its last grant), this node gives the unreserved part back.
            app.clock.advance(by: 2)
            try await TrustMaintenance.run(app, now: app.now)
            let after = try await app.trustContext(now: app.now).ledger.usedInWindow(sid)
            let deadLeases = try await Self.leases(app, holder: dead.holder)
            #expect(deadLeases.isEmpty)
            #expect(after == usedWhileDead - Int(lease.granted - lease.reserved))
            // What the dead node reserved may have been admitted: it stays counted.
            #expect(after >= 100)
            #expect(try await QuotaLeaseHolder.find(dead.holder, on: app.db) == nil)

            // The rest of the day's 1,000 is there for the living, and not one more.
            let batch = try await TrustTestKit.batch(app, TrustTestKit.sms(sid, count: 1_000))
            #expect(TrustTestKit.admittedCount(batch) == 1_000 - Int(lease.reserved))
            #expect(TrustTestKit.admittedCount(batch) + 100 <= 1_000)
        }
    }

    @Test("PT-4: a node reclaimed while it was only slow finds its next reservation refused and admits only what it reserved")
    func slowNodeKeepsToItsReservation() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let customer = try await TestData.customer(app, "ada")
            let sid = customer.account.sid
            let slow = Self.otherNode(app)
            #expect(try await Self.admitted(slow, sid, count: 100, app) == 100)
            let before = try #require(try await Self.leases(app, holder: slow.holder).first)
            // Another node judges it gone (no heartbeat for 31 s) and reclaims it.
            app.clock.advance(by: 31)
            try await TrustMaintenance.run(app, now: app.now)
            #expect(try await Self.leases(app, holder: slow.holder).isEmpty)
            // The slow node comes back within its hour: what it had reserved and not used it
            // still admits; then the ledger refuses its reservation and it takes a new lease.
            let more = try await Self.admitted(slow, sid, count: 1_200, app)
            let admittedInTotal = 100 + more
            #expect(admittedInTotal <= 1_000)
            #expect(admittedInTotal >= 1_000 - Int(before.granted - before.reserved) - 16, "admitted \(admittedInTotal)")
            // The ledger never counts less than was admitted.
            #expect(try await app.trustContext(now: app.now).ledger.usedInWindow(sid) >= admittedInTotal)
        }
    }

    @Test("PT-4: two nodes admitting at once, one killed and reclaimed, never exceed the limit; the survivor gets the rest")
    func concurrentNodesAndKill() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let customer = try await TestData.customer(app, "ada")
            let sid = customer.account.sid
            let victim = Self.otherNode(app)
            let survivor = app.admissionDesk
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for client in 0..<8 {
                    let desk = client.isMultiple(of: 2) ? victim : survivor
                    group.addTask { try await Self.admitted(desk, sid, count: 60, app) }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            let first = counts.reduce(0, +)
            #expect(first == 480)
            // kill -9 of the victim: its memory is gone, its rows stay until reclaimed.
            let victimLeases = try await Self.leases(app, holder: victim.holder)
            let unreserved = victimLeases.reduce(0) { $0 + Int($1.granted - $1.reserved) }
            app.clock.advance(by: 31)
            try await TrustMaintenance.run(app, now: app.now)
            #expect(try await Self.leases(app, holder: victim.holder).isEmpty)
            let rest = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 { group.addTask { try await Self.admitted(survivor, sid, count: 200, app) } }
                return try await group.reduce(0, +)
            }
            #expect(first + rest <= 1_000)
            // Only the victim's reserved-but-unused units stay stranded: a quarter lease at most.
            let strandedBound = victimLeases.reduce(0) { $0 + Int($1.reserved) } - counts.enumerated().filter { $0.offset.isMultiple(of: 2) }.map(\.element).reduce(0, +)
            #expect(first + rest == 1_000 - max(0, strandedBound), "unreserved reclaimed: \(unreserved)")
        }
    }

    @Test("PT-7: an admitted message's SID is in the database when the answer arrives, single or batch; its outcome is accepted")
    func journalBeforeAnswer() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let customer = try await TestData.customer(app, "ada")
            let sid = customer.account.sid
            var messages: [String] = []
            for _ in 0..<3 {
                let message = SID.generate(.smsMessage).rawValue
                let answer = try await TrustTestKit.admit(app, sid, message: message)
                #expect(answer.json["admitted"] as? Bool == true)
                messages.append(message)
            }
            let batchMessages = (0..<50).map { _ in SID.generate(.smsMessage).rawValue }
            let batch = try await TrustTestKit.batch(app, batchMessages.map { ["account_sid": sid, "channel": "sms", "message_sid": $0] })
            #expect(TrustTestKit.admittedCount(batch) == 50)
            messages += batchMessages
            // No maintenance pass ran: the rows were written before the answers.
            let stored = try await AdmittedMessage.query(on: app.db).filter(\.$id ~~ messages).count()
            #expect(stored == messages.count)
            let outcomes = try await app.testing().sendRequest(.POST, "/v1/MessageOutcomes", headers: TrustTestKit.serviceHeaders(),
                                                               body: try TrustTestKit.body(["outcomes": messages.map { ["message_sid": $0, "status": "delivered"] }]))
            #expect(outcomes.json["accepted"] as? Int == messages.count)
        }
    }

    @Test("PT-9: a refused message's status callback is stored when the refusal is answered")
    func refusalCallbackBeforeAnswer() async throws {
        try await withTrustDesk { app in
            TrustTestKit.enableService(app)
            let customer = try await TestData.customer(app, "ada")
            let sid = customer.account.sid
            var headers = TestData.json(sid, customer.authToken)
            headers.contentType = .json
            let set = try await app.testing().sendRequest(.POST, "/v1/Accounts/\(sid)/MessagingLimits", headers: headers,
                                                          body: try TrustTestKit.body(["status_callback": "https://callbacks.example.com/sms"]))
            #expect(set.status == .ok)
            _ = try await TrustTestKit.batch(app, TrustTestKit.sms(sid, count: 1_000))
            app.clock.advance(by: 3)
            let refused = try await TrustTestKit.admit(app, sid, message: SID.generate(.smsMessage).rawValue)
            #expect(refused.json["error_code"] as? Int == 63038)
            #expect(try await CallbackDelivery.query(on: app.db).filter(\.$accountSID == sid).count() == 1)
        }
    }
}
