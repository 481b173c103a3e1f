import Fluent
import Foundation
import TrustDeskCore

/// PRV-6: placing and releasing legal holds. Releasing the last hold of an account resumes
/// whatever deletion was waiting for it at the next run of its job.
struct LegalHolds {
    let database: any Database
    let now: Date

    func place(on account: Account, caseReference: String, reason: String, by staff: User) async throws -> LegalHold {
        try LegalHoldPolicy.checkPlacer(staff.staffRole)
        let (reference, why) = try LegalHoldPolicy.checkPlacement(caseReference: caseReference, reason: reason)
        let hold = LegalHold()
        hold.id = UUID()
        hold.accountSID = account.sid
        hold.caseReference = reference
        hold.reason = why
        hold.placedBy = staff.sid
        hold.placedAt = now
        try await hold.create(on: database)
        try await StaffAuditEvent(staff: staff.sid, action: "legal_hold_placed", account: account.sid, detail: "case \(reference)", at: now).create(on: database)
        return hold
    }

    func release(_ id: UUID, by staff: User) async throws -> LegalHold {
        try LegalHoldPolicy.checkPlacer(staff.staffRole)
        guard let hold = try await LegalHold.find(id, on: database) else { throw DomainError.notFound("legal hold") }
        guard hold.releasedAt == nil else { throw DomainError(.conflict, "This legal hold was already released.") }
        hold.releasedAt = now
        hold.releasedBy = staff.sid
        try await hold.save(on: database)
        try await StaffAuditEvent(staff: staff.sid, action: "legal_hold_released", account: hold.accountSID, detail: "case \(hold.caseReference)", at: now).create(on: database)
        if try await active(on: hold.accountSID).isEmpty { try await resume(hold.accountSID) }
        return hold
    }

    func active(on accountSID: String) async throws -> [LegalHold] {
        try await LegalHold.query(on: database).filter(\.$accountSID == accountSID).filter(\.$releasedAt == nil).sort(\.$placedAt).all()
    }

    func all(limit: Int = 200) async throws -> [LegalHold] {
        try await LegalHold.query(on: database).sort(\.$placedAt, .descending).limit(limit).all()
    }

    /// Work that waited for this account runs at its job's next pass.
    private func resume(_ accountSID: String) async throws {
        try await PrivacySchedule.query(on: database).filter(\.$id == accountSID).filter(\.$heldCases != nil).set(\.$nextActionAt, to: now).update()
        try await PrivacyRequest.query(on: database).filter(\.$accountSID == accountSID).filter(\.$legalHoldCases != nil)
            .filter(\.$status ~~ [PrivacyRequestStatus.inProcessing.rawValue, PrivacyRequestStatus.pending.rawValue]).set(\.$processAt, to: now).update()
        try await UsageDeletion.query(on: database).filter(\.$accountSID == accountSID)
            .filter(\.$status == UsageDeletionStatus.onLegalHold.rawValue).set(\.$nextRunAt, to: now).update()
        try await UnderAgeReport.query(on: database).filter(\.$accountSID == accountSID).filter(\.$heldCases != nil)
            .filter(\.$status == UnderAgeReport.Status.confirmed.rawValue).set(\.$removalDueAt, to: now).update()
    }
}
