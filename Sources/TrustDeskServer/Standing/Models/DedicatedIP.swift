import Fluent
import Foundation
import TrustDeskCore

/// A dedicated sending IP address assigned to an account. A ban releases it (STD-9): the row
/// stays, with `released_at`, so the history of who held an address survives.
final class DedicatedIP: Model, @unchecked Sendable {
    static let schema = "dedicated_ips"

    @ID(key: .id) var id: UUID?
    @Field(key: "account_sid") var accountSID: String
    @Field(key: "address") var address: String
    @Field(key: "assigned_at") var assignedAt: Date
    @OptionalField(key: "released_at") var releasedAt: Date?
    @OptionalField(key: "release_reason") var releaseReason: String?

    init() {}

    init(account: String, address: String, now: Date) {
        self.id = UUID()
        self.accountSID = account
        self.address = address
        self.assignedAt = now
    }
}

struct CreateDedicatedIPs: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DedicatedIP.schema)
            .id()
            .field("account_sid", .string, .required, .references(Account.schema, "sid"))
            .field("address", .string, .required)
            .field("assigned_at", .datetime, .required)
            .field("released_at", .datetime)
            .field("release_reason", .string)
            .create()
        try await database.index("dedicated_ips_account_idx", on: DedicatedIP.schema, columns: ["account_sid", "released_at"])
        try await database.index("dedicated_ips_address_idx", on: DedicatedIP.schema, columns: ["address"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DedicatedIP.schema).delete()
    }
}

extension DedicatedIP {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.account("account_sid")], columns: [
        "id": .notPersonal,
        "account_sid": .notPersonal,
        "address": .notPersonal,
        "assigned_at": .notPersonal,
        "released_at": .notPersonal,
        "release_reason": .notPersonal,
    ])
}
