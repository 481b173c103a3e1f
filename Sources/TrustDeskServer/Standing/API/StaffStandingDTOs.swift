import Foundation
import TrustDeskCore
import Vapor

/// A change the caller's role may make: post `to` and `reason` to make it, with what it needs
/// in writing (`StandingGuardRails`).
struct StandingActionDTO: Content {
    let to: String
    let reason: String
    let title: String
    let justificationRequired: Bool
    let minimumJustification: Int
    let evidenceRequired: Bool
    let confirmationRequired: Bool
    let caseReferenceRequired: Bool

    init(_ path: StandingPolicy.Path, decider: StandingDecider) {
        let needs = StandingGuardRails.requirements(to: path.to, reason: path.reason, decider: decider)
        to = path.to.rawValue
        reason = path.reason.rawValue
        title = path.title
        justificationRequired = needs.minimumJustification != nil
        minimumJustification = needs.minimumJustification ?? 0
        evidenceRequired = needs.evidence
        confirmationRequired = needs.confirmation
        caseReferenceRequired = needs.caseReference
    }
}

/// A subaccount as the staff API lists it: a ban of the main account bans those not banned yet.
struct StaffSubaccountDTO: Content {
    let accountSid: String
    let friendlyName: String
    let standing: String
}

struct StaffStandingDTO: Content {
    let accountSid: String
    let friendlyName: String
    let ownerAccountSid: String?
    let standing: String
    let reviewRequestOpen: Bool
    /// The name to send as `confirm` for a ban, termination or closing.
    let confirmationName: String
    let subaccounts: [StaffSubaccountDTO]
    /// Addresses the account holds; a ban releases them (and its subaccounts').
    let dedicatedIps: [String]
    let allowedActions: [StandingActionDTO]
    let records: [EnforcementRecordDTO]
}

struct StandingChangeBody: StrictContent, Content {
    static let allowedFields: Set<String> = ["to", "reason", "justification", "evidence", "case_reference", "confirm", "expected_standing"]
    let to: String
    let reason: String
    let justification: String?
    let evidence: String?
    let caseReference: String?
    /// The account's name, confirming a ban, termination or closing.
    let confirm: String?
    /// The standing the caller decided from; another one now answers 409 and changes nothing.
    let expectedStanding: String?
}
