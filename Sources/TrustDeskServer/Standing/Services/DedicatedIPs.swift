import Fluent
import Foundation
import TrustDeskCore

/// Assigning and releasing dedicated IP addresses by staff (STD-9). One account holds an
/// address at a time (a unique index on held addresses backs the check against races); every
/// change is a staff audit event (SEC-3). Released rows stay as history.
struct DedicatedIPs {
    let database: any Database
    let now: Date

    func held(by accountSID: String) async throws -> [DedicatedIP] {
        try await DedicatedIP.query(on: database).filter(\.$accountSID == accountSID).filter(\.$releasedAt == nil)
            .sort(\.$address).limit(500).all()
    }

    @discardableResult
    func assign(_ text: String, to account: Account, by staff: User, role: StaffRole) async throws -> DedicatedIP {
        let address = try DedicatedIPPolicy.checkAssignment(address: text, standing: Standing(stored: account.standing), role: role)
        let canonical = address.description
        if let holder = try await DedicatedIP.query(on: database).filter(\.$address == canonical).filter(\.$releasedAt == nil).first() {
            throw DomainError(.conflict, "address: \(canonical) is already assigned to \(holder.accountSID == account.sid ? "this account" : "account \(holder.accountSID)"); release it there first.")
        }
        let ip = DedicatedIP(account: account.sid, address: canonical, now: now)
        do {
            try await ip.create(on: database)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw DomainError(.conflict, "address: \(canonical) was just assigned elsewhere; reload the page.")
        }
        try await StaffAuditEvent(staff: staff.sid, action: "assign_dedicated_ip", account: account.sid, detail: canonical, at: now).create(on: database)
        return ip
    }

    func release(_ id: UUID, of account: Account, by staff: User, role: StaffRole) async throws -> DedicatedIP {
        try DedicatedIPPolicy.checkRelease(role: role)
        guard let ip = try await DedicatedIP.find(id, on: database), ip.accountSID == account.sid, ip.releasedAt == nil else {
            throw DomainError.notFound("dedicated IP address")
        }
        ip.releasedAt = now
        ip.releaseReason = "staff"
        try await ip.save(on: database)
        try await StaffAuditEvent(staff: staff.sid, action: "release_dedicated_ip", account: account.sid, detail: ip.address, at: now).create(on: database)
        return ip
    }
}
