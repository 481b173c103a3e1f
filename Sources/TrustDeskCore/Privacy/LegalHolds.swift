import Foundation

/// PRV-6: a legal hold on an account stops every deletion for it until released.
public struct LegalHoldState: Sendable, Equatable {
    public let accountSID: String
    public let caseReference: String
    public let placedAt: Date
    public let releasedAt: Date?

    public init(accountSID: String, caseReference: String, placedAt: Date, releasedAt: Date?) {
        self.accountSID = accountSID
        self.caseReference = caseReference
        self.placedAt = placedAt
        self.releasedAt = releasedAt
    }

    public func isActive(at now: Date) -> Bool {
        placedAt <= now && (releasedAt.map { now < $0 } ?? true)
    }
}

/// What the one deletion gate answers.
public enum DeletionVerdict: Sendable, Equatable {
    case allowed
    /// Held: the case references to name in the ledger and on the request.
    case held([String])

    public var isAllowed: Bool { self == .allowed }
}

public enum LegalHoldPolicy {
    /// Who places and releases holds: a trust-and-safety lead or an administrator.
    public static let roles: Set<StaffRole> = [.trustSafetyLead, .admin]
    public static let minimumReason = 10
    public static let maximumReason = 2_000
    public static let maximumCaseReference = 64

    /// Every deletion path asks this for each account it would delete data of: any active hold
    /// on one of them holds the whole deletion.
    public static func verdict(for accountSIDs: Set<String>, holds: [LegalHoldState], now: Date) -> DeletionVerdict {
        let cases = holds.filter { accountSIDs.contains($0.accountSID) && $0.isActive(at: now) }.map(\.caseReference)
        return cases.isEmpty ? .allowed : .held(Array(Set(cases)).sorted())
    }

    public static func checkPlacer(_ role: StaffRole?) throws(DomainError) {
        guard let role, roles.contains(role) else {
            throw DomainError(.permissionDenied, "Only a trust-and-safety lead or an administrator places or releases legal holds.")
        }
    }

    /// The case reference and reason, trimmed; throws when either is missing or too long.
    public static func checkPlacement(caseReference: String, reason: String) throws(DomainError) -> (String, String) {
        (try self.caseReference(caseReference), try self.reason(reason))
    }

    public static func caseReference(_ text: String) throws(DomainError) -> String {
        let reference = text.trimmingWhitespace()
        guard !reference.isEmpty, reference.count <= maximumCaseReference,
              reference.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_./#".contains($0)) }) else {
            throw DomainError(.invalidParameter, "case_reference: give the legal case reference, up to \(maximumCaseReference) letters, digits and - _ . / #.")
        }
        return reference
    }

    public static func reason(_ text: String) throws(DomainError) -> String {
        let why = text.trimmingWhitespace()
        guard (minimumReason...maximumReason).contains(why.count) else {
            throw DomainError(.invalidParameter, "reason: say why the data must be kept, in \(minimumReason) to \(maximumReason) characters.")
        }
        return why
    }
}
