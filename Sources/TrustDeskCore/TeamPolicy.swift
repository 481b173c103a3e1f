/// The teammate rules (ACC-4): only owners and admins manage teammates, and an account has
/// exactly one owner at every moment. Ownership therefore moves only by transfer, which
/// makes the new owner and turns the old one into an admin in the same step.
public enum TeamPolicy {
    public static func checkInvite(actor: TeammateRole, role: TeammateRole) throws(DomainError) {
        try requireManager(actor)
        guard TeammateRole.assignable.contains(role) else {
            throw DomainError(.ownerRule, "An invitation cannot make someone an owner; invite them, then transfer ownership.")
        }
    }

    public static func checkRoleChange(actor: TeammateRole, target: TeammateRole, to newRole: TeammateRole) throws(DomainError) {
        try requireManager(actor)
        guard target != .owner else {
            throw DomainError(.ownerRule, "The owner's role can't be changed; the owner can transfer ownership to another teammate.")
        }
        guard TeammateRole.assignable.contains(newRole) else {
            throw DomainError(.ownerRule, "Use transfer ownership to make a teammate the owner.")
        }
    }

    public static func checkRemoval(actor: TeammateRole, target: TeammateRole) throws(DomainError) {
        try requireManager(actor)
        guard target != .owner else {
            throw DomainError(.ownerRule, "The owner can't be removed; transfer ownership first.")
        }
    }

    /// Returns the roles after the transfer: (new role of the old owner, new role of the target).
    public static func transferOwnership(actor: TeammateRole, target: TeammateRole, isSelf: Bool) throws(DomainError) -> (previousOwner: TeammateRole, newOwner: TeammateRole) {
        guard actor == .owner else {
            throw DomainError(.permissionDenied, "Only the owner can transfer ownership.")
        }
        guard !isSelf, target != .owner else {
            throw DomainError(.ownerRule, "Choose another teammate to become the owner.")
        }
        return (.admin, .owner)
    }

    /// The role an invitation offers until the inviter chooses another: the assignable role
    /// with the fewest permissions, so a slip of the mouse never hands out more than asked for.
    public static var defaultInvitationRole: TeammateRole {
        TeammateRole.assignable.min { $0.permissions.count < $1.permissions.count } ?? .support
    }

    /// True when a team satisfies the one-owner rule.
    public static func hasExactlyOneOwner(_ roles: [TeammateRole]) -> Bool {
        roles.count(where: { $0 == .owner }) == 1
    }

    private static func requireManager(_ actor: TeammateRole) throws(DomainError) {
        guard actor.can(.manageTeammates) else {
            throw DomainError(.permissionDenied, "Only the owner or an admin can manage teammates.")
        }
    }
}
