import Foundation
import TrustDeskCore
import Vapor

/// A change the caller's role may make: post `to` and `reason` to make it.
struct StandingActionDTO: Content {
    let to: String
    let reason: String
    let justificationRequired: Bool
    let caseReferenceRequired: Bool

    enum CodingKeys: String, CodingKey {
        case to, reason, justificationRequired = "justification_required", caseReferenceRequired = "case_reference_required"
    }
}

struct StaffStandingDTO: Content {
    let accountSid: String
    let friendlyName: String
    let ownerAccountSid: String?
    let standing: String
    let reviewRequestOpen: Bool
    let allowedActions: [StandingActionDTO]
    let records: [EnforcementRecordDTO]

    enum CodingKeys: String, CodingKey {
        case accountSid = "account_sid", friendlyName = "friendly_name", ownerAccountSid = "owner_account_sid", standing
        case reviewRequestOpen = "review_request_open", allowedActions = "allowed_actions", records
    }
}

struct StandingChangeBody: StrictContent, Content {
    static let allowedFields: Set<String> = ["to", "reason", "justification", "evidence", "case_reference"]
    let to: String
    let reason: String
    let justification: String?
    let evidence: String?
    let caseReference: String?

    enum CodingKeys: String, CodingKey {
        case to, reason, justification, evidence, caseReference = "case_reference"
    }
}
