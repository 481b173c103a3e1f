import Foundation

/// What a person must put in writing before an account's standing changes (STD-1, STD-3, STD-9).
///
/// A staff decision restricts a business's access to its own product, so it is never a single
/// click: it carries a written justification, which the account holder is told (STD-3), and
/// the decisions that end an account's use (ban, termination, closing) also carry evidence and
/// are confirmed by typing the account's name, as consoles that hold production traffic ask.
/// Automated rules explain themselves through their evidence; an owner closing their own account
/// confirms it on their own page.
public enum StandingGuardRails {
    /// Long enough to say why, short enough to read in a notice.
    public static let justificationLength = 10...2_000
    /// Lifting a ban undoes a permanent decision: it needs more than a few words (STD-9).
    public static let banLiftedMinimumJustification = 20
    /// "10 to 2,000", for hints and messages.
    public static var justificationRangeText: String { "\(justificationLength.lowerBound) to \(justificationLength.upperBound.grouped)" }
    /// What a decision rests on: a ticket, an abuse report, an invoice, a URL.
    public static let evidenceLength = 10...2_000
    public static let maximumCaseReference = 64
    /// The standings that end an account's use. Closing never changes again, a ban cascades to
    /// every subaccount and releases dedicated addresses, a termination stops sending at once.
    public static let finalStandings: Set<Standing> = [.banned, .terminated, .closed]

    /// What one change needs besides being allowed (`StandingPolicy.paths`).
    public struct Requirements: Equatable, Sendable {
        /// The shortest justification accepted; nil when none is asked for.
        public let minimumJustification: Int?
        public let evidence: Bool
        /// The account's name, typed to confirm.
        public let confirmation: Bool
        /// The fraud team's case reference (STD-4).
        public let caseReference: Bool
        /// How messages name the change: "a ban", "a termination".
        let decision: String

        public init(minimumJustification: Int?, evidence: Bool, confirmation: Bool, caseReference: Bool, decision: String = "this change") {
            self.minimumJustification = minimumJustification
            self.evidence = evidence
            self.confirmation = confirmation
            self.caseReference = caseReference
            self.decision = decision
        }

        /// Automated rules and an owner closing their own account.
        public static let none = Requirements(minimumJustification: nil, evidence: false, confirmation: false, caseReference: false)
        /// What every staff change needs, before it is known which change it is.
        public static let anyStaffChange = Requirements(minimumJustification: justificationLength.lowerBound, evidence: false,
                                                        confirmation: false, caseReference: false, decision: "a standing change")
        /// An owner closing their account from the console (STD-10): nothing to justify to
        /// themselves, but the account's name typed, as for a ban, since closing is permanent.
        public static let ownerClosing = Requirements(minimumJustification: nil, evidence: false,
                                                      confirmation: true, caseReference: false, decision: "closing the account")
        /// A review decision (STD-3): a justification, sent to the customer with the decision.
        public static let review = Requirements(minimumJustification: justificationLength.lowerBound, evidence: false,
                                                confirmation: false, caseReference: false, decision: "a review decision")
    }

    /// The requirements of a change to `to` for `reason` decided by `decider`.
    public static func requirements(to: Standing, reason: StandingReason, decider: StandingDecider) -> Requirements {
        guard case .staff = decider else {
            // A takeover is only ever opened by the fraud team, but its case reference is part
            // of the change whoever records it.
            return reason == .accountTakeover
                ? Requirements(minimumJustification: nil, evidence: false, confirmation: false, caseReference: true)
                : .none
        }
        if reason == .reviewUpheld { return .review }
        let final = finalStandings.contains(to)
        return Requirements(
            minimumJustification: reason == .banLifted ? banLiftedMinimumJustification : justificationLength.lowerBound,
            evidence: final, confirmation: final, caseReference: reason == .accountTakeover,
            decision: decisionName(to: to, reason: reason)
        )
    }

    /// Checks everything `change` must carry except the confirmation, which is asked for last,
    /// once the rest is known to be right.
    public static func checkWritten(_ change: StandingChange) throws(DomainError) {
        let needs = requirements(to: change.to, reason: change.reason, decider: change.decider)
        _ = try caseReference(change.caseReference, for: needs)
        // Rules write their own evidence (the record keeps its first 2,000 characters); what a
        // person writes is checked, so nothing they typed is cut short unseen.
        guard case .staff = change.decider else { return }
        _ = try justification(change.justification, for: needs)
        _ = try evidence(change.evidence, for: needs)
    }

    /// Checks that `change` was confirmed by the account's name, when it must be.
    public static func checkConfirmed(_ change: StandingChange) throws(DomainError) {
        let needs = requirements(to: change.to, reason: change.reason, decider: change.decider)
        try confirmation(change.confirmation, accountName: change.accountName, for: needs)
    }

    /// The justification, trimmed; throws when it is needed and missing, too short or too long.
    public static func justification(_ text: String, for needs: Requirements) throws(DomainError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let maximum = justificationLength.upperBound
        guard trimmed.count <= maximum else {
            throw DomainError(.justificationNeeded, "justification: use at most \(maximum.grouped) characters (this one has \(trimmed.count.grouped)).")
        }
        guard let minimum = needs.minimumJustification else { return trimmed }
        guard trimmed.count >= minimum else {
            let why = needs == .review
                ? "write why you decide so, in \(minimum) to \(maximum.grouped) characters; the customer is sent it."
                : "\(needs.decision) needs a written justification of \(minimum) to \(maximum.grouped) characters; the account holder is told it."
            throw DomainError(.justificationNeeded, "justification: " + why)
        }
        return trimmed
    }

    /// The evidence, trimmed; throws when it is needed and missing or too short, or too long.
    public static func evidence(_ text: String, for needs: Requirements) throws(DomainError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let range = evidenceLength
        guard trimmed.count <= range.upperBound else {
            throw DomainError(.evidenceNeeded, "evidence: use at most \(range.upperBound.grouped) characters (this one has \(trimmed.count.grouped)).")
        }
        guard needs.evidence, trimmed.count < range.lowerBound else { return trimmed }
        throw DomainError(.evidenceNeeded,
            "evidence: \(needs.decision) needs evidence of \(range.lowerBound) to \(range.upperBound.grouped) characters: the ticket, report, invoice or link it rests on.")
    }

    /// The case reference, trimmed; nil when none is needed and none was given.
    /// A case reference belongs to a takeover only: its notice sends the customer to the fraud
    /// hotline with it (STD-4), which would mislead on any other decision.
    public static func caseReference(_ text: String?, for needs: Requirements) throws(DomainError) -> String? {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count > maximumCaseReference || (needs.caseReference && trimmed.isEmpty) {
            throw DomainError(.invalidParameter, "case_reference: a takeover needs the fraud case's reference (up to \(maximumCaseReference) characters).")
        }
        if !needs.caseReference, !trimmed.isEmpty {
            throw DomainError(.invalidParameter, "case_reference: only an account takeover carries a fraud case reference; put other references in the evidence.")
        }
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Throws unless `typed` is the account's name, when the change must be confirmed. Only
    /// surrounding whitespace is forgiven: the point is that the person read which account it is.
    public static func confirmation(_ typed: String?, accountName: String, for needs: Requirements) throws(DomainError) {
        guard needs.confirmation else { return }
        let expected = accountName.trimmingCharacters(in: .whitespacesAndNewlines)
        let given = (typed ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard given != expected else { return }
        if given.isEmpty {
            throw DomainError(.confirmationMismatch, "confirm: \(needs.decision) is confirmed by entering the account's name exactly as shown: \(expected).")
        }
        throw DomainError(.confirmationMismatch, "confirm: that is not the account's name. Enter it exactly as shown to confirm \(needs.decision): \(expected).")
    }

    /// The name a person types to confirm: the account's friendly name, or its SID when it has
    /// none (nothing blank can confirm anything).
    public static func confirmationName(friendlyName: String, sid: String) -> String {
        let name = friendlyName.trimmingCharacters(in: .whitespacesAndNewlines)
        return name.isEmpty ? sid : name
    }

    private static func decisionName(to: Standing, reason: StandingReason) -> String {
        switch (to, reason) {
        case (.banned, _): "a ban"
        case (.terminated, _): "a termination"
        case (.closed, _): "closing an account"
        case (.active, .banLifted): "lifting a ban"
        case (.active, _): "reinstating an account"
        case (.suspended, _): "a suspension"
        default: "a standing change"
        }
    }
}

extension Int {
    /// 2000 -> "2,000", for messages people read.
    var grouped: String {
        let digits = String(self.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return (self < 0 ? "-" : "") + result
    }
}
