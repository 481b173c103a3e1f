import Fluent
import Foundation
import TrustDeskCore

/// How a new account was vetted at confirmation (STD-6): the facts it was scored on, the
/// score, the outcome and every rule that fired with its weight and explanation. Staff read
/// it beside the account's vetting ticket. Country, phone and network are account data (PRV-1).
final class VettingAssessment: Model, @unchecked Sendable {
    static let schema = "vetting_assessments"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_sid") var accountSID: String
    @Field(key: "score") var score: Int
    /// approve, review or reject.
    @Field(key: "outcome") var outcome: String
    /// JSON array of {rule, weight, explanation}.
    @Field(key: "findings") var findings: String
    @OptionalField(key: "country") var country: String?
    @OptionalField(key: "phone") var phone: String?
    /// The sign-up's network (IPv4 /24 or IPv6 /48), never the full address.
    @OptionalField(key: "network") var network: String?
    @Field(key: "assessed_at") var assessedAt: Date

    init() {}

    init(account: String, result: VettingResult, facts: SignupFacts, phone: String?, network: String?, now: Date) {
        self.id = UUID()
        self.accountSID = account
        self.score = result.score
        self.outcome = result.outcome.rawValue
        self.findings = String(decoding: (try? JSONEncoder().encode(result.findings)) ?? Data("[]".utf8), as: UTF8.self)
        self.country = facts.country
        self.phone = phone
        self.network = network
        self.assessedAt = now
    }

    var findingList: [VettingFinding] {
        get throws(CorruptStoredValue) {
            try StoredJSON.decode([VettingFinding].self, findings, table: Self.schema, column: "findings", row: id?.uuidString.lowercased() ?? "")
        }
    }
}

struct CreateVettingAssessments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(VettingAssessment.schema)
            .id()
            .field("account_sid", .string, .required, .references(Account.schema, "sid"))
            .field("score", .int, .required)
            .field("outcome", .string, .required)
            .field("findings", .string, .required)
            .field("country", .string)
            .field("phone", .string)
            .field("network", .string)
            .field("assessed_at", .datetime, .required)
            .create()
        try await database.index("vetting_assessments_account_idx", on: VettingAssessment.schema, columns: ["account_sid", "assessed_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(VettingAssessment.schema).delete()
    }
}

extension VettingAssessment {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.account("account_sid")], columns: [
        "id": .notPersonal,
        "account_sid": .notPersonal,
        "score": .notPersonal,
        "outcome": .notPersonal,
        "findings": .deidentified(.accountData, as: .text("[]")),
        "country": .deidentified(.accountData, as: .null),
        "phone": .deidentified(.accountData, as: .null),
        "network": .deidentified(.accountData, as: .null),
        "assessed_at": .notPersonal,
    ])
}
