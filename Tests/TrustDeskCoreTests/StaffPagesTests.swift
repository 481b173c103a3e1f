import Testing
@testable import TrustDeskCore

@Suite("Staff pages by role")
struct StaffPagesTests {
    @Test("SEC-3: each staff area opens for the roles whose work it is, and no other")
    func areasFollowRoles() {
        let opens = { (page: StaffPage) in Set(StaffRole.allCases.filter(page.mayOpen)) }
        #expect(opens(.status) == [.admin, .pse, .supportManager])
        #expect(opens(.privacy) == [.admin, .consumerTrust])
        #expect(opens(.supportReports) == [.admin, .tam, .supportManager])
        #expect(opens(.progressiveTrust) == TrustRequestPolicy.deciders)
        #expect(opens(.accounts) == Set(StaffRole.allCases.filter { $0.can(.findAccounts) }))
        for page in [StaffPage.supportQueues, .consumerTrustDesk, .reviewRequests, .calendars, .apiKeys, .accountStanding] {
            #expect(opens(page) == Set(StaffRole.allCases), "\(page)")
        }
    }

    @Test("SEC-3: an agent sees the desk's everyday areas, not status, privacy, reports or Progressive Trust")
    func agent() {
        let open = StaffPage.allCases.filter { $0.mayOpen(.agent) }
        #expect(!open.contains(.status) && !open.contains(.privacy) && !open.contains(.supportReports) && !open.contains(.progressiveTrust))
        #expect(open.contains(.supportQueues) && open.contains(.accounts) && open.contains(.reviewRequests))
    }
}
