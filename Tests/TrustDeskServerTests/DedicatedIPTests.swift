import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("STD-9: dedicated IP addresses on the staff standing page")
struct DedicatedIPTests {
    @Test("STD-9: trust and safety assign validated, unique addresses and release them; each change is audited")
    func assignAndRelease() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "ada")
            let other = try await TestData.customer(app, "bo")
            let (staff, user) = try await StandingTestKit.staffBrowser(app, role: .trustSafety)
            let path = "/staff/accounts/\(acme.account.sid)/standing"
            let page = try await staff.get(path)
            #expect(page.text.contains("id=\"ip-form\"") && page.text.contains("id=\"no-dedicated-ips\""))

            let v4 = try await staff.post("\(path)/ips", ["address": " 203.0.113.10 "])
            #expect(v4.errorCode == nil && v4.text.contains("203.0.113.10 is assigned to this account."))
            let v6 = try await staff.post("\(path)/ips", ["address": "2001:DB8:0:0::10"])
            #expect(v6.text.contains("<code>2001:db8::10</code>"), "stored in canonical form")

            let bad = try await staff.post("\(path)/ips", ["address": "203.0.113.300"])
            #expect(bad.errorCode == 20001 && bad.text.contains("address: give one public IPv4"))
            #expect(bad.text.contains("value=\"203.0.113.300\""), "the form keeps what was typed")
            let privateAddress = try await staff.post("\(path)/ips", ["address": "10.0.0.1"])
            #expect(privateAddress.errorCode == 20001)
            try await staff.get("/staff/accounts/\(other.account.sid)/standing")
            let taken = try await staff.post("/staff/accounts/\(other.account.sid)/standing/ips", ["address": "2001:db8::10"])
            #expect(taken.errorCode == 20011 && taken.text.contains("already assigned to account \(acme.account.sid)"))

            let held = try await DedicatedIP.query(on: app.db).filter(\.$accountSID == acme.account.sid).filter(\.$releasedAt == nil).all()
            #expect(Set(held.map(\.address)) == ["203.0.113.10", "2001:db8::10"])
            let ipv6 = try #require(held.first { $0.address == "2001:db8::10" })
            try await staff.get(path)
            let released = try await staff.post("\(path)/ips/\(ipv6.id?.uuidString ?? "")/release")
            #expect(released.text.contains("2001:db8::10 is released."))
            #expect(try await DedicatedIP.find(ipv6.id, on: app.db)?.releasedAt == app.now, "the row stays as history")
            let reassigned = try await staff.post("/staff/accounts/\(other.account.sid)/standing/ips", ["address": "2001:db8::10"])
            #expect(reassigned.errorCode == nil, "a released address can go to another account")

            let audit = try await StaffAuditEvent.query(on: app.db).filter(\.$staffUserSID == user.sid).all().map(\.action)
            #expect(audit.filter { $0 == "assign_dedicated_ip" }.count == 3 && audit.contains("release_dedicated_ip"))
        }
    }

    @Test("STD-9: support agents can't assign addresses, and suspended accounts get none")
    func refused() async throws {
        try await withTrustDesk { app in
            let acme = try await TestData.customer(app, "cy")
            let (agent, _) = try await StandingTestKit.staffBrowser(app, role: .agent)
            let path = "/staff/accounts/\(acme.account.sid)/standing"
            #expect(!(try await agent.get(path).text.contains("id=\"ip-form\"")))
            let refused = try await agent.post("\(path)/ips", ["address": "203.0.113.11"])
            #expect(refused.errorCode == 20006)
            try await StandingTestKit.apply(app, StandingDecision(to: .suspended, reason: .abusiveTraffic, decider: .rule(StandingRule.abuseDetection)), to: acme.account)
            let (staff, _) = try await StandingTestKit.staffBrowser(app, role: .admin)
            try await staff.get(path)
            let suspended = try await staff.post("\(path)/ips", ["address": "203.0.113.11"])
            #expect(suspended.errorCode == 20307 && suspended.text.contains("only to active accounts"))
            #expect(try await DedicatedIP.query(on: app.db).count() == 0)
        }
    }
}
