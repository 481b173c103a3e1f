import Foundation
import TrustDeskCore

/// One enforcement record as pages show it. Customers see who decided only as "automated"
/// or "staff"; staff see the rule name or the staff SID.
struct RecordView: Encodable {
    let at: String
    let from: String
    let to: String
    let reason: String
    let explanation: String
    let decidedBy: String
    let automated: Bool
    let evidence: String
    let justification: String
    let caseReference: String?

    init(_ record: EnforcementRecord, forStaff: Bool) {
        at = DateDisplay.utc(record.decidedAt)
        from = record.fromStanding
        to = record.toStanding
        reason = record.reason
        explanation = record.standingReason?.explanation ?? ""
        automated = record.isAutomated
        decidedBy = forStaff ? record.decidedBy : (record.isAutomated ? "automated rule" : "our staff")
        evidence = record.evidence
        justification = forStaff ? record.justification : ""
        caseReference = record.caseReference
    }
}

struct ReviewView: Encodable {
    let id: String
    let accountSid: String
    let status: String
    let message: String
    let requested: String
    let ticketNumber: Int?

    init(_ review: ReviewRequest) {
        id = review.id?.uuidString ?? ""
        accountSid = review.accountSID
        status = review.status
        message = review.message
        requested = DateDisplay.utc(review.createdAt)
        ticketNumber = review.ticketNumber
    }
}
