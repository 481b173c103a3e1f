import Fluent
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

/// The standing changes a staff role may make from a standing, as form options. Takeover
/// and exposed credentials have their own forms (they need a case reference or a credential).
enum StandingActionViews {
    static func offered(from standing: Standing, role: StaffRole) -> [StandingStaffPagesController.ActionView] {
        StandingPolicy.actions(from: standing, role: role)
            .filter { $0.reason != .accountTakeover && $0.reason != .exposedCredentials }
            .map { StandingStaffPagesController.ActionView(value: "\($0.to.rawValue):\($0.reason.rawValue)", title: "\($0.to.displayName) (\($0.reason.rawValue))") }
    }
}

/// A sign-up's vetting as staff read it (STD-6): each rule that fired, its weight and why.
struct VettingView: Encodable {
    struct Finding: Encodable {
        let rule: String
        let weight: Int
        let explanation: String
    }

    let score: Int
    let outcome: String
    let findings: [Finding]
    let country: String
    let phone: String
    let network: String
    let assessed: String

    init(_ assessment: VettingAssessment) {
        score = assessment.score
        outcome = assessment.outcome
        findings = assessment.findingList.map { Finding(rule: $0.rule, weight: $0.weight, explanation: $0.explanation) }
        country = assessment.country ?? "not given"
        phone = assessment.phone ?? "not given"
        network = assessment.network ?? "unknown"
        assessed = DateDisplay.utc(assessment.assessedAt)
    }

    /// The newest assessment of the account, shown on its vetting tickets.
    static func latest(for accountSID: String, ticket: Ticket, on database: any Database) async throws -> VettingView? {
        guard ticket.topic == ConsumerTrustTopic.vettingReview.rawValue else { return nil }
        return try await VettingAssessment.query(on: database).filter(\.$accountSID == accountSID)
            .sort(\.$assessedAt, .descending).first().map(VettingView.init)
    }
}
