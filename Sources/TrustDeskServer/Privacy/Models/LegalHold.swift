import Fluent
import Foundation
import TrustDeskCore

/// PRV-6: a legal hold on an account. Several may be placed on one account; each is released
/// on its own, by whom and when kept.
final class LegalHold: Model, @unchecked Sendable {
    static let schema = "legal_holds"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_sid") var accountSID: String
    @Field(key: "case_reference") var caseReference: String
    @Field(key: "reason") var reason: String
    @Field(key: "placed_by") var placedBy: String
    @Field(key: "placed_at") var placedAt: Date
    @OptionalField(key: "released_by") var releasedBy: String?
    @OptionalField(key: "released_at") var releasedAt: Date?

    init() {}

    var state: LegalHoldState {
        LegalHoldState(accountSID: accountSID, caseReference: caseReference, placedAt: placedAt, releasedAt: releasedAt)
    }
}

struct CreateLegalHolds: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LegalHold.schema)
            .id()
            .field("account_sid", .string, .required, .references(Account.schema, "sid"))
            .field("case_reference", .string, .required)
            .field("reason", .string, .required)
            .field("placed_by", .string, .required)
            .field("placed_at", .datetime, .required)
            .field("released_by", .string)
            .field("released_at", .datetime)
            .create()
        try await database.index("legal_holds_account_idx", on: LegalHold.schema, columns: ["account_sid", "released_at"])
        try await database.index("legal_holds_open_idx", on: LegalHold.schema, columns: ["released_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LegalHold.schema).delete()
    }
}

extension LegalHold {
    /// PRV-1: the reason is a legal record, kept 7 years after closure.
    static let inventory = TableInventory(schema, key: "id", links: [.account("account_sid")], columns: [
        "id": .notPersonal, "account_sid": .notPersonal, "case_reference": .notPersonal,
        "reason": .personal(.content, .keep7Years),
        "placed_by": .notPersonal, "placed_at": .notPersonal, "released_by": .notPersonal, "released_at": .notPersonal,
    ])
}
