import Foundation

/// Dedicated sending IP addresses (STD-9): who assigns and releases them, and to which
/// accounts. An address is held by one account at a time; a ban releases them all.
public enum DedicatedIPPolicy {
    /// Provisioning changes who can send from an address: trust and safety and admins.
    public static let managers: Set<StaffRole> = [.trustSafety, .trustSafetyLead, .admin]

    /// The canonical address to store, or why not.
    public static func checkAssignment(address text: String, standing: Standing, role: StaffRole) throws(DomainError) -> IPAddress {
        guard managers.contains(role) else {
            throw DomainError(.permissionDenied, "\(role.displayName) can't assign dedicated IP addresses; trust and safety or an admin can.")
        }
        guard standing == .active else {
            throw DomainError(.standingChangeNotAllowed, "The account is \(standing.rawValue): dedicated IP addresses go only to active accounts.")
        }
        guard let address = IPAddress(text), address.isPublic else {
            throw DomainError(.invalidParameter, "address: give one public IPv4 (203.0.113.10) or IPv6 (2001:db8::10) address, without a prefix length.")
        }
        return address
    }

    public static func checkRelease(role: StaffRole) throws(DomainError) {
        guard managers.contains(role) else {
            throw DomainError(.permissionDenied, "\(role.displayName) can't release dedicated IP addresses; trust and safety or an admin can.")
        }
    }
}
