import Testing
@testable import TrustDeskCore

@Suite("ACC-4: teammates, roles and permissions")
struct TeamPolicyTests {
    @Test("ACC-4: only owner and admin manage teammates")
    func managers() {
        #expect(TeammateRole.owner.can(.manageTeammates))
        #expect(TeammateRole.admin.can(.manageTeammates))
        for role in [TeammateRole.developer, .billing, .support] {
            #expect(!role.can(.manageTeammates))
            #expect(throws: DomainError.self) { try TeamPolicy.checkInvite(actor: role, role: .support) }
        }
    }

    @Test("ACC-4: roles map to explicit permissions")
    func permissionTable() {
        #expect(TeammateRole.developer.permissions == [.viewAccount, .manageCredentials, .openSupportTickets])
        #expect(TeammateRole.billing.can(.viewBilling))
        #expect(!TeammateRole.support.can(.manageCredentials))
        #expect(!TeammateRole.developer.can(.viewBilling))
        #expect(TeammateRole.allCases.allSatisfy { $0.can(.viewAccount) && $0.can(.openSupportTickets) })
    }

    @Test("ACC-4: nobody is invited, promoted or demoted into or out of ownership")
    func ownershipOnlyByTransfer() {
        #expect(throws: DomainError(.ownerRule, "An invitation cannot make someone an owner; invite them, then transfer ownership.")) {
            try TeamPolicy.checkInvite(actor: .owner, role: .owner)
        }
        #expect(throws: DomainError.self) { try TeamPolicy.checkRoleChange(actor: .owner, target: .admin, to: .owner) }
        #expect(throws: DomainError.self) { try TeamPolicy.checkRoleChange(actor: .admin, target: .owner, to: .developer) }
        #expect(throws: DomainError.self) { try TeamPolicy.checkRemoval(actor: .admin, target: .owner) }
        #expect(throws: Never.self) { try TeamPolicy.checkRoleChange(actor: .admin, target: .developer, to: .billing) }
    }

    @Test("ACC-4: an invitation starts at the least-privileged role a teammate can have")
    func invitationDefaultsToLeastPrivilege() {
        let role = TeamPolicy.defaultInvitationRole
        #expect(role == .support)
        #expect(TeammateRole.assignable.contains(role))
        for other in TeammateRole.assignable where other != role {
            #expect(role.permissions.isStrictSubset(of: other.permissions), "\(other.rawValue) grants more than \(role.rawValue)")
        }
        #expect(throws: Never.self) { try TeamPolicy.checkInvite(actor: .admin, role: role) }
    }

    @Test("ACC-4: a transfer by the owner keeps exactly one owner")
    func transferKeepsOneOwner() throws {
        var team: [String: TeammateRole] = ["ana": .owner, "bo": .admin, "cy": .developer]
        let roles = try TeamPolicy.transferOwnership(actor: .owner, target: .developer, isSelf: false)
        team["ana"] = roles.previousOwner
        team["cy"] = roles.newOwner
        #expect(TeamPolicy.hasExactlyOneOwner(Array(team.values)))
        #expect(team["cy"] == .owner)
        #expect(team["ana"] == .admin)
    }

    @Test("ACC-4: only the owner transfers ownership, and not to themselves")
    func transferRules() {
        #expect(throws: DomainError.self) { try TeamPolicy.transferOwnership(actor: .admin, target: .developer, isSelf: false) }
        #expect(throws: DomainError.self) { try TeamPolicy.transferOwnership(actor: .owner, target: .owner, isSelf: true) }
    }

    @Test("ACC-4: every sequence of allowed changes keeps exactly one owner")
    func randomSequencesKeepOneOwner() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            var team: [TeammateRole] = [.owner] + (0..<4).map { _ in TeammateRole.assignable.randomElement(using: &generator) ?? .support }
            for _ in 0..<30 {
                let actor = Int.random(in: 0..<team.count, using: &generator)
                let target = Int.random(in: 0..<team.count, using: &generator)
                let newRole = TeammateRole.allCases.randomElement(using: &generator) ?? .support
                switch Int.random(in: 0..<3, using: &generator) {
                case 0:
                    if (try? TeamPolicy.checkRoleChange(actor: team[actor], target: team[target], to: newRole)) != nil { team[target] = newRole }
                case 1:
                    if (try? TeamPolicy.checkRemoval(actor: team[actor], target: team[target])) != nil, team.count > 1 { team.remove(at: target) }
                default:
                    if let roles = try? TeamPolicy.transferOwnership(actor: team[actor], target: team[target], isSelf: actor == target) {
                        team[actor] = roles.previousOwner
                        team[target] = roles.newOwner
                    }
                }
                #expect(TeamPolicy.hasExactlyOneOwner(team))
            }
        }
    }

    @Test("ACC-8: every staff role is listed and only admins manage staff")
    func staffRoles() {
        #expect(StaffRole.allCases.map(\.rawValue) == ["agent", "tam", "pse", "consumer_trust", "trust_safety", "trust_safety_lead", "admin", "support_manager"])
        #expect(StaffRole.admin.can(.manageStaff))
        #expect(!StaffRole.agent.can(.manageStaff))
        #expect(StaffRole.allCases.allSatisfy { $0.can(.findAccounts) })
    }
}
