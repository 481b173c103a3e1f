import Fluent
import Foundation
import TrustDeskCore

/// One change of an account's standing (STD-1). Append only: nothing updates or deletes
/// these rows; the account's current standing is the `to` of its newest record.
final class EnforcementRecord: Model, @unchecked Sendable {
    static let schema = "enforcement_records"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_sid") var accountSID: String
    @Field(key: "from_standing") var fromStanding: String
    @Field(key: "to_standing") var toStanding: String
    @Field(key: "reason") var reason: String
    /// What the decision rests on: a leak URL, vetting findings, an invoice, a case note.
    @Field(key: "evidence") var evidence: String
    /// `rule:<name>` or the deciding user's SID.
    @Field(key: "decided_by") var decidedBy: String
    /// The decider's role when they decided: a staff role, or `owner`; nil for a rule and for
    /// records older than the column (pages then show the person's current role).
    @OptionalField(key: "decided_by_role") var decidedByRole: String?
    @Field(key: "justification") var justification: String
    /// The fraud team's case reference (STD-4), when there is one.
    @OptionalField(key: "case_reference") var caseReference: String?
    @Field(key: "decided_at") var decidedAt: Date

    init() {}

    /// The record of a change the policy accepted. What a person wrote was checked to fit
    /// (`StandingGuardRails`); a rule's evidence is kept to its first 2,000 characters.
    init(account: String, change: StandingChange, at now: Date) {
        self.id = UUID()
        self.accountSID = account
        self.fromStanding = change.from.rawValue
        self.toStanding = change.to.rawValue
        self.reason = change.reason.rawValue
        self.evidence = String(change.evidence.trimmingCharacters(in: .whitespacesAndNewlines).prefix(StandingGuardRails.evidenceLength.upperBound))
        self.decidedBy = change.decider.recordedName
        self.decidedByRole = change.decider.recordedRole
        self.justification = String(change.justification.trimmingCharacters(in: .whitespacesAndNewlines).prefix(StandingGuardRails.justificationLength.upperBound))
        self.caseReference = change.caseReference?.trimmingCharacters(in: .whitespacesAndNewlines)
        self.decidedAt = now
    }

    var standingReason: StandingReason? { StandingReason(rawValue: reason) }
    /// The rule's name for an automated record (`rule:dormancy` -> `dormancy`).
    var ruleName: String? { decidedBy.hasPrefix("rule:") ? String(decidedBy.dropFirst(5)) : nil }
    var isAutomated: Bool { decidedBy.hasPrefix("rule:") }
}

struct CreateEnforcementRecords: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(EnforcementRecord.schema)
            .id()
            .field("account_sid", .string, .required, .references(Account.schema, "sid"))
            .field("from_standing", .string, .required)
            .field("to_standing", .string, .required)
            .field("reason", .string, .required)
            .field("evidence", .string, .required)
            .field("decided_by", .string, .required)
            .field("justification", .string, .required)
            .field("case_reference", .string)
            .field("decided_at", .datetime, .required)
            .create()
        try await database.index("enforcement_records_account_idx", on: EnforcementRecord.schema, columns: ["account_sid", "decided_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(EnforcementRecord.schema).delete()
    }
}

/// Who decided, by role, next to who decided by SID (STD-1: the history names people and roles).
struct AddDecidedByRoleToEnforcementRecords: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(EnforcementRecord.schema).field("decided_by_role", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(EnforcementRecord.schema).deleteField("decided_by_role").update()
    }
}

extension EnforcementRecord {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.account("account_sid")], note: "Append-only (STD-1); a legal record, deleted 7 years after closure (PRV-4).", columns: [
        "id": .notPersonal,
        "account_sid": .notPersonal,
        "from_standing": .notPersonal,
        "to_standing": .notPersonal,
        "reason": .notPersonal,
        "evidence": .personal(.content, .keep7Years),
        "decided_by": .notPersonal,
        "decided_by_role": .notPersonal,
        "justification": .personal(.content, .keep7Years),
        "case_reference": .notPersonal,
        "decided_at": .notPersonal,
    ])
}
