import Fluent
import Foundation
import TrustDeskCore

/// One enforcement record as pages show it, in words: standings and reasons by their labels,
/// who decided by name and role. Customers see who decided only as an automated rule, our
/// staff, or the account's owner; staff see the person.
struct RecordView: Encodable {
    let at: String
    let from: String
    let to: String
    /// The standing code the record moved to, for styling and for scripts reading the page.
    let toCode: String
    let reason: String
    let explanation: String
    let decidedBy: String
    let automated: Bool
    let evidence: String
    let justification: String
    let caseReference: String?

    init(_ record: EnforcementRecord, decidedBy: String, showJustification: Bool) {
        at = DateDisplay.local(record.decidedAt)
        from = Standing(stored: record.fromStanding).displayName
        to = Standing(stored: record.toStanding).displayName
        toCode = record.toStanding
        reason = record.standingReason?.title ?? record.reason
        explanation = record.standingReason?.explanation ?? ""
        automated = record.isAutomated
        self.decidedBy = decidedBy
        evidence = record.evidence
        justification = showJustification ? record.justification : ""
        caseReference = record.caseReference
    }

    /// The history as staff read it: every decider named with their role at the time.
    static func forStaff(_ records: [EnforcementRecord], on database: any Database, now: Date) async throws -> [RecordView] {
        let sids = Set(records.filter { !$0.isAutomated }.map(\.decidedBy))
        let people = try await StaffDirectory(database: database, now: now).people(sids)
        return records.map { RecordView($0, decidedBy: decider(of: $0, person: people[$0.decidedBy]), showJustification: true) }
    }

    /// The history as the account's own users read it.
    static func forCustomer(_ records: [EnforcementRecord]) -> [RecordView] {
        records.map { record in
            let who: String = if let rule = record.ruleName {
                "Automated: \(StandingRule.title(of: rule).lowercased())"
            } else if record.decidedByRole == "owner" || record.standingReason == .ownerRequest {
                "The account's owner"
            } else {
                "Our staff"
            }
            return RecordView(record, decidedBy: who, showJustification: false)
        }
    }

    /// "Sam Okafor (Trust and safety lead)", "Automated: secret scanning", "Ada Byron (account
    /// owner)". Records older than the role column name the person's current role.
    static func decider(of record: EnforcementRecord, person: User?) -> String {
        if let rule = record.ruleName { return "Automated: \(StandingRule.title(of: rule).lowercased())" }
        let role: String? = switch record.decidedByRole ?? person?.staffRoleRaw {
        case "owner"?: "account owner"
        case let raw?: StaffRole(rawValue: raw)?.displayName ?? raw
        case nil: person == nil ? nil : "account owner"
        }
        let name = person?.fullName ?? "Unknown person \(record.decidedBy)"
        return role.map { "\(name) (\($0))" } ?? name
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
        requested = DateDisplay.local(review.createdAt)
        ticketNumber = review.ticketNumber
    }
}

/// The standing changes a staff role may make from a standing, as form options. Takeover
/// and exposed credentials have their own forms (they need a case reference or a credential).
enum StandingActionViews {
    static func offered(from standing: Standing, role: StaffRole, chosen: String? = nil) -> [StandingStaffPagesController.ActionView] {
        StandingPolicy.actions(from: standing, role: role)
            .filter { $0.reason != .accountTakeover && $0.reason != .exposedCredentials }
            .map { path in
                let value = "\(path.to.rawValue):\(path.reason.rawValue)"
                return StandingStaffPagesController.ActionView(value: value, title: path.title, selected: value == chosen,
                                                              final: StandingGuardRails.finalStandings.contains(path.to))
            }
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

    init(_ assessment: VettingAssessment) throws(CorruptStoredValue) {
        score = assessment.score
        outcome = assessment.outcome
        findings = try assessment.findingList.map { Finding(rule: $0.rule, weight: $0.weight, explanation: $0.explanation) }
        country = assessment.country ?? "not given"
        phone = assessment.phone ?? "not given"
        network = assessment.network ?? "unknown"
        assessed = DateDisplay.local(assessment.assessedAt)
    }

    /// The newest assessment of the account, shown on its vetting tickets.
    static func latest(for accountSID: String, ticket: Ticket, on database: any Database) async throws -> VettingView? {
        guard ticket.topic == ConsumerTrustTopic.vettingReview.rawValue else { return nil }
        return try await VettingAssessment.query(on: database).filter(\.$accountSID == accountSID)
            .sort(\.$assessedAt, .descending).first().map { try VettingView($0) }
    }
}
