import Foundation
import Testing
@testable import TrustDeskCore

/// The guard rails of staff enforcement: what each change needs in writing, and that the
/// policy refuses a change without it (issue 9, part 3).
@Suite("STD-1, STD-3, STD-9: enforcement guard rails")
struct StandingGuardRailsTests {
    let safety = StandingDecider.staff(sid: "US00000000000000000000000000000003", role: .trustSafety)
    let lead = StandingDecider.staff(sid: "US00000000000000000000000000000001", role: .trustSafetyLead)
    let admin = StandingDecider.staff(sid: "US00000000000000000000000000000005", role: .admin)
    let consumerTrust = StandingDecider.staff(sid: "US00000000000000000000000000000004", role: .consumerTrust)

    static func text(_ count: Int) -> String { String(repeating: "j", count: count) }

    /// One row: a change, and what it needs (nil justification: none asked for).
    struct Row: CustomTestStringConvertible, Sendable {
        let to: Standing
        let reason: StandingReason
        let justification: Int?
        let evidence: Bool
        let confirmation: Bool
        let caseReference: Bool
        var testDescription: String { "\(to.rawValue) for \(reason.rawValue)" }
    }

    /// Every change a staff member can make, and what each needs. Final standings (ban,
    /// termination, closing) need evidence and the account's name; lifting a ban needs 20+.
    static let staffTable: [Row] = [
        Row(to: .active, reason: .vettingApproved, justification: 10, evidence: false, confirmation: false, caseReference: false),
        Row(to: .closed, reason: .vettingRejected, justification: 10, evidence: true, confirmation: true, caseReference: false),
        Row(to: .suspended, reason: .vettingReview, justification: 10, evidence: false, confirmation: false, caseReference: false),
        Row(to: .suspended, reason: .accountTakeover, justification: 10, evidence: false, confirmation: false, caseReference: true),
        Row(to: .suspended, reason: .exposedCredentials, justification: 10, evidence: false, confirmation: false, caseReference: false),
        Row(to: .suspended, reason: .abusiveTraffic, justification: 10, evidence: false, confirmation: false, caseReference: false),
        Row(to: .suspended, reason: .fraud, justification: 10, evidence: false, confirmation: false, caseReference: false),
        Row(to: .terminated, reason: .nonPayment, justification: 10, evidence: true, confirmation: true, caseReference: false),
        Row(to: .banned, reason: .ban, justification: 10, evidence: true, confirmation: true, caseReference: false),
        Row(to: .active, reason: .banLifted, justification: 20, evidence: false, confirmation: false, caseReference: false),
        Row(to: .active, reason: .reinstated, justification: 10, evidence: false, confirmation: false, caseReference: false),
        Row(to: .closed, reason: .ownerRequest, justification: 10, evidence: true, confirmation: true, caseReference: false),
        Row(to: .closed, reason: .underage, justification: 10, evidence: true, confirmation: true, caseReference: false),
        Row(to: .suspended, reason: .reviewUpheld, justification: 10, evidence: false, confirmation: false, caseReference: false),
    ]

    @Test("STD-1: what each staff change needs in writing", arguments: staffTable)
    func requirementsTable(row: Row) {
        let needs = StandingGuardRails.requirements(to: row.to, reason: row.reason, decider: admin)
        #expect(needs.minimumJustification == row.justification)
        #expect(needs.evidence == row.evidence)
        #expect(needs.confirmation == row.confirmation)
        #expect(needs.caseReference == row.caseReference)
    }

    @Test("STD-1: the table covers every change a staff role may make")
    func tableIsComplete() {
        let staffPaths = Set(StandingPolicy.paths.filter { !$0.roles.isEmpty }.map { "\($0.to.rawValue):\($0.reason.rawValue)" })
        let rows = Set(Self.staffTable.filter { $0.reason != .reviewUpheld }.map { "\($0.to.rawValue):\($0.reason.rawValue)" })
        #expect(staffPaths == rows)
    }

    @Test("STD-1: automated rules need nothing in writing; an owner closing their own account neither")
    func rulesAndOwners() throws {
        for path in StandingPolicy.paths {
            for rule in path.rules {
                let needs = StandingGuardRails.requirements(to: path.to, reason: path.reason, decider: .rule(rule))
                #expect(needs == .none, "\(rule) -> \(path.to.rawValue)")
            }
        }
        #expect(StandingGuardRails.requirements(to: .closed, reason: .ownerRequest, decider: .owner(sid: "US1")) == .none)
        #expect(try StandingPolicy.check(StandingChange(from: .active, to: .dormant, reason: .dormancy, decider: .rule(StandingRule.dormancy))) == [.notify, .offerReview])
        #expect(try StandingPolicy.check(StandingChange(from: .active, to: .closed, reason: .ownerRequest, decider: .owner(sid: "US1"))).contains(.endSessions))
    }

    struct LengthCase: CustomTestStringConvertible, Sendable {
        let text: String
        let accepted: Bool
        var testDescription: String { "\(text.count) characters, \(accepted ? "accepted" : "refused")" }
    }

    @Test("STD-1: a staff justification is 10 to 2,000 characters, counted without surrounding space", arguments: [
        LengthCase(text: "", accepted: false),
        LengthCase(text: "   \n  ", accepted: false),
        LengthCase(text: text(9), accepted: false),
        LengthCase(text: "  " + text(9) + "  ", accepted: false),
        LengthCase(text: text(10), accepted: true),
        LengthCase(text: text(2_000), accepted: true),
        LengthCase(text: text(2_001), accepted: false),
    ])
    func justificationLength(_ length: LengthCase) {
        let change = StandingChange(from: .active, to: .suspended, reason: .fraud, decider: safety, justification: length.text)
        do {
            _ = try StandingPolicy.check(change)
            #expect(length.accepted)
        } catch {
            #expect(!length.accepted)
            #expect(error.code == .justificationNeeded)
            #expect(error.field == "justification")
        }
    }

    @Test("STD-9: lifting a ban needs a justification of 20 characters or more, from a trust-and-safety lead only", arguments: [
        (19, false), (20, true),
    ])
    func liftingABan(length: Int, accepted: Bool) throws {
        let change = StandingChange(from: .banned, to: .active, reason: .banLifted, decider: lead, justification: Self.text(length))
        if accepted {
            #expect(try StandingPolicy.check(change) == [.notify])
        } else {
            #expect(throws: DomainError(.justificationNeeded, "justification: lifting a ban needs a written justification of 20 to 2,000 characters; the account holder is told it.")) {
                try StandingPolicy.check(change)
            }
        }
        var bySafety = change
        bySafety.decider = safety
        bySafety.justification = Self.text(40)
        #expect(throws: DomainError.self) { try StandingPolicy.check(bySafety) }
    }

    struct BanCase: CustomTestStringConvertible, Sendable {
        let evidence: String
        let confirmation: String?
        let code: ErrorCode?
        let field: String?
        var testDescription: String { "evidence \(evidence.count) chars, confirm \(confirmation.map { "\"\($0)\"" } ?? "missing")" }
    }

    @Test("STD-9: a ban needs evidence and the account's name, exactly", arguments: [
        BanCase(evidence: "", confirmation: "Acme Rockets", code: .evidenceNeeded, field: "evidence"),
        BanCase(evidence: "see ticket", confirmation: "Acme Rockets", code: nil, field: nil),
        BanCase(evidence: "short", confirmation: "Acme Rockets", code: .evidenceNeeded, field: "evidence"),
        BanCase(evidence: text(2_001), confirmation: "Acme Rockets", code: .evidenceNeeded, field: "evidence"),
        BanCase(evidence: "Carrier report CR-77", confirmation: nil, code: .confirmationMismatch, field: "confirm"),
        BanCase(evidence: "Carrier report CR-77", confirmation: "", code: .confirmationMismatch, field: "confirm"),
        BanCase(evidence: "Carrier report CR-77", confirmation: "acme rockets", code: .confirmationMismatch, field: "confirm"),
        BanCase(evidence: "Carrier report CR-77", confirmation: "Acme", code: .confirmationMismatch, field: "confirm"),
        BanCase(evidence: "Carrier report CR-77", confirmation: "AC0123456789abcdef0123456789abcdef", code: .confirmationMismatch, field: "confirm"),
        BanCase(evidence: "Carrier report CR-77", confirmation: "  Acme Rockets \n", code: nil, field: nil),
    ])
    func ban(_ ban: BanCase) {
        let change = StandingChange(from: .active, to: .banned, reason: .ban, decider: safety, justification: "Phishing after two warnings.",
                                    evidence: ban.evidence, confirmation: ban.confirmation, accountName: "Acme Rockets")
        do {
            let effects = try StandingPolicy.check(change)
            #expect(ban.code == nil)
            #expect(effects.contains(.cascadeBan) && effects.contains(.releaseDedicatedIPs))
        } catch {
            #expect(error.code == ban.code)
            #expect(error.field == ban.field)
            if error.code == .confirmationMismatch { #expect(error.message.contains("Acme Rockets"), "the message names the account") }
        }
    }

    @Test("STD-10: an owner closing from the console types the account's name exactly; a SID, a wrong case or nothing is refused beside the field",
          arguments: [
              ("Acme Rockets", true), ("  Acme Rockets\n", true), ("acme rockets", false), ("Acme", false), ("", false),
              ("AC0123456789abcdef0123456789abcdef", false),
          ])
    func ownerClosingNeedsTheName(typed: String, accepted: Bool) {
        let needs = StandingGuardRails.Requirements.ownerClosing
        #expect(needs.confirmation && needs.minimumJustification == nil && !needs.evidence)
        do {
            try StandingGuardRails.confirmation(typed, accountName: "Acme Rockets", for: needs)
            #expect(accepted)
        } catch {
            #expect(!accepted)
            #expect(error.code == .confirmationMismatch)
            #expect(error.field == "confirm")
            #expect(error.message.contains("closing the account") && error.message.contains("Acme Rockets"))
        }
    }

    @Test("STD-9: the confirmation comes last: preview accepts an unconfirmed ban and lists its effects, check does not")
    func previewThenConfirm() throws {
        var change = StandingChange(from: .suspended, to: .banned, reason: .ban, decider: safety, justification: "Phishing after two warnings.",
                                    evidence: "Carrier report CR-77", accountName: "Acme Rockets")
        #expect(Set(try StandingPolicy.preview(change)) == [.endSessions, .cascadeBan, .releaseDedicatedIPs, .notify])
        #expect(throws: DomainError(.confirmationMismatch, "confirm: a ban is confirmed by entering the account's name exactly as shown: Acme Rockets.")) {
            try StandingPolicy.check(change)
        }
        change.confirmation = "Acme Rockets"
        #expect(try StandingPolicy.check(change).contains(.cascadeBan))
    }

    @Test("STD-1: who may decide is checked before what they wrote")
    func roleFirst() {
        let agent = StandingDecider.staff(sid: "US00000000000000000000000000000002", role: .agent)
        #expect(throws: DomainError.self) { try StandingPolicy.preview(StandingChange(from: .active, to: .banned, reason: .ban, decider: agent)) }
        do {
            _ = try StandingPolicy.preview(StandingChange(from: .active, to: .banned, reason: .ban, decider: agent))
        } catch {
            #expect(error.code == .permissionDenied)
        }
        do {
            _ = try StandingPolicy.preview(StandingChange(from: .banned, to: .banned, reason: .ban, decider: safety))
        } catch {
            #expect(error.code == .standingChangeNotAllowed)
        }
    }

    @Test("STD-4: a takeover needs the fraud case's reference, up to 64 characters", arguments: [
        (nil, false), ("  ", false), ("FR-2026-0042", true), (String(repeating: "F", count: 65), false),
    ] as [(String?, Bool)])
    func takeoverReference(reference: String?, accepted: Bool) {
        let change = StandingChange(from: .active, to: .suspended, reason: .accountTakeover, decider: safety,
                                    justification: "The owner reported a login from abroad.", caseReference: reference)
        do {
            _ = try StandingPolicy.check(change)
            #expect(accepted)
        } catch {
            #expect(!accepted)
            #expect(error.field == "case_reference")
        }
    }

    @Test("STD-4: only a takeover carries a fraud case reference, since its notice sends the customer to the hotline with it")
    func caseReferenceOnlyForTakeovers() {
        let fraud = StandingChange(from: .active, to: .suspended, reason: .fraud, decider: safety,
                                   justification: "Card testing from this account.", caseReference: "FR-1")
        do {
            _ = try StandingPolicy.check(fraud)
            Issue.record("a fraud suspension kept a case reference")
        } catch {
            #expect(error.code == .invalidParameter && error.field == "case_reference")
        }
        var blank = fraud
        blank.caseReference = "  "
        #expect(throws: Never.self) { try StandingPolicy.check(blank) }
    }

    @Test("STD-3: a review decision needs a justification the customer is sent, like every staff decision")
    func reviewDecision() throws {
        let upheld = StandingChange(from: .dormant, to: .dormant, reason: .reviewUpheld, decider: consumerTrust, justification: "short")
        do {
            _ = try StandingPolicy.check(upheld)
            Issue.record("upheld without a justification")
        } catch {
            #expect(error.code == .justificationNeeded)
            #expect(error.message.contains("customer is sent it"))
        }
        #expect(try ConsumerTrustDesk.reviewJustification("  No usage in 200 days.  ") == "No usage in 200 days.")
        #expect(throws: DomainError.self) { try ConsumerTrustDesk.reviewJustification(Self.text(2_001)) }
    }

    @Test("STD-9: an account without a name is confirmed by its SID")
    func confirmationName() {
        #expect(StandingGuardRails.confirmationName(friendlyName: "  Acme Rockets ", sid: "AC1") == "Acme Rockets")
        #expect(StandingGuardRails.confirmationName(friendlyName: "  ", sid: "AC1") == "AC1")
    }

    @Test("STD-1: standings, reasons, rules and offered changes have labels people read, not codes")
    func labels() {
        for reason in StandingReason.allCases {
            #expect(!reason.title.contains("_") && reason.title.first?.isUppercase == true, "\(reason.rawValue)")
        }
        for standing in Standing.allCases {
            #expect(!standing.displayName.contains("_"), "\(standing.rawValue)")
        }
        for path in StandingPolicy.paths {
            #expect(!path.title.contains("_") && path.title.first?.isUppercase == true, "\(path.to.rawValue):\(path.reason.rawValue)")
        }
        let offered = StandingPolicy.actions(from: .active, role: .admin).map(\.title)
        #expect(Set(offered).count == offered.count, "no two offered changes read alike")
        #expect(StandingPolicy.paths.first { $0.reason == .ban }?.title == "Ban permanently")
        #expect(StandingReason.abusiveTraffic.title == "Abusive traffic")
        #expect(StandingRule.title(of: StandingRule.secretScanning) == "Secret scanning")
        #expect(StandingRule.title(of: "carrier_feedback") == "Carrier feedback")
    }
}
