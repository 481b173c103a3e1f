import Testing
@testable import TrustDeskCore

@Suite("SEC-3: route access policies")
struct AccessPolicyTests {
    private static let everyone: [Principal] = [.anonymous, .customer, .accountCredential, .serviceToken]
        + StaffRole.allCases.flatMap { [Principal.staff($0, twoFactor: true), .staff($0, twoFactor: false), .staffAPIKey($0)] }

    @Test("SEC-3: public routes and signed webhooks let everyone through (the webhook proves itself)")
    func open() {
        for principal in Self.everyone {
            #expect(AccessPolicy.anyone.decide(for: principal) == .allow)
            #expect(AccessPolicy.signedWebhook(.voice).decide(for: principal) == .allow)
        }
    }

    @Test("SEC-3: customer pages: customers in, anonymous to sign in, staff to their console, API credentials are not sessions")
    func customerPages() {
        for policy in [AccessPolicy.customer(nil), .customer(.manageTeammates)] {
            #expect(policy.decide(for: .customer) == .allow)
            #expect(policy.decide(for: .anonymous) == .signIn)
            #expect(policy.decide(for: .accountCredential) == .signIn)
            #expect(policy.decide(for: .staff(.admin, twoFactor: true)) == .staffConsole)
        }
    }

    @Test("SEC-3, ACC-8: staff pages need two-factor first, then a role that may open the page; customers are not told they exist")
    func staffPages() {
        let policy = AccessPolicy.staff(.progressiveTrust)
        #expect(policy.decide(for: .anonymous) == .signIn)
        #expect(policy.decide(for: .customer) == .notFound)
        #expect(policy.decide(for: .staffAPIKey(.admin)) == .signIn)
        for role in StaffRole.allCases {
            #expect(policy.decide(for: .staff(role, twoFactor: false)) == .enrolTwoFactor)
            #expect(policy.decide(for: .staff(role, twoFactor: true)) == (TrustRequestPolicy.deciders.contains(role) ? .allow : .forbidden))
        }
    }

    @Test("SEC-3, ACC-8: the security page is for everyone signed in, staff before enrolment included")
    func securityPage() {
        #expect(AccessPolicy.signedIn.decide(for: .customer) == .allow)
        #expect(AccessPolicy.signedIn.decide(for: .staff(.agent, twoFactor: false)) == .allow)
        #expect(AccessPolicy.signedIn.decide(for: .anonymous) == .signIn)
    }

    @Test("SEC-3, ACC-7: each API credential opens only its own kind of route")
    func credentials() {
        for principal in Self.everyone {
            #expect(AccessPolicy.accountCredential.decide(for: principal) == (principal == .accountCredential ? .allow : .signIn))
            #expect(AccessPolicy.serviceToken.decide(for: principal) == (principal == .serviceToken ? .allow : .signIn))
            if case .staffAPIKey = principal { continue }
            #expect(AccessPolicy.staffAPIKey(.accountStanding).decide(for: principal) == .signIn, "a staff session is not a staff API key")
        }
        #expect(AccessPolicy.staffAPIKey(.accountStanding).decide(for: .staffAPIKey(.agent)) == .allow)
        #expect(AccessPolicy.staffAPIKey(.supportReports).decide(for: .staffAPIKey(.agent)) == .forbidden)
        #expect(AccessPolicy.staffAPIKey(.supportReports).decide(for: .staffAPIKey(.supportManager)) == .allow)
    }

    @Test("SEC-3: each part of the staff console is open to the roles whose job it is")
    func staffRoles() {
        #expect(StaffPage.accounts.roles == StaffRole.allCases)
        #expect(StaffPage.supportQueues.roles == StaffRole.allCases)
        #expect(StaffPage.progressiveTrust.roles == [.trustSafety, .trustSafetyLead, .admin])
        #expect(StaffPage.consumerTrustDesk.roles == [.consumerTrust, .trustSafety, .trustSafetyLead, .admin])
        #expect(StaffPage.supportReports.roles == [.tam, .admin, .supportManager])
        #expect(StaffPage.supportSetup.roles == [.admin])
        #expect(StaffPage.announcements.roles == [.admin])
        #expect(StaffPage.privacyDesk.roles == [.consumerTrust, .admin])
        #expect(StaffPage.statusConsole.roles == [.pse, .admin, .supportManager])
    }
}
