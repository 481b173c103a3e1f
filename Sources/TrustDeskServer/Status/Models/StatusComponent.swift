import Fluent
import Foundation
import TrustDeskCore

/// A component of the status page (STS-1): a product, or a group of them. A group is itself a
/// component row with `is_group`, as in Statuspage; its status is the worst of its members'.
final class StatusComponent: Model, @unchecked Sendable {
    static let schema = "status_components"

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "name") var name: String
    @OptionalField(key: "description") var details: String?
    @Field(key: "status") var status: String
    /// `StatusProduct`: the support product of RFO tickets, and whether usage is recorded.
    @Field(key: "product") var product: String
    @Field(key: "position") var position: Int
    @Field(key: "showcase") var showcase: Bool
    @Field(key: "only_show_if_degraded") var onlyShowIfDegraded: Bool
    @Field(key: "is_group") var isGroup: Bool
    @OptionalField(key: "group_id") var groupID: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var componentStatus: ComponentStatus { ComponentStatus(rawValue: status) ?? .operational }
    var statusProduct: StatusProduct { StatusProduct(rawValue: product) ?? .other }
}

struct CreateStatusComponents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StatusComponent.schema)
            .field("id", .string, .identifier(auto: false))
            .field("name", .string, .required)
            .field("description", .string)
            .field("status", .string, .required)
            .field("product", .string, .required)
            .field("position", .int, .required)
            .field("showcase", .bool, .required)
            .field("only_show_if_degraded", .bool, .required)
            .field("is_group", .bool, .required)
            .field("group_id", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StatusComponent.schema).delete()
    }
}

/// Statuspage-style identifiers for components, incidents and updates: 12 lowercase letters
/// and digits, short enough for links and unguessable enough that ids reveal nothing.
enum StatusID {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<12).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// Whether `text` can be an id at all, checked before any lookup.
    static func isWellFormed(_ text: String) -> Bool {
        (1...32).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) }
    }
}

extension StatusComponent {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [], columns: [
        "id": .notPersonal,
        "name": .notPersonal,
        "description": .notPersonal,
        "status": .notPersonal,
        "product": .notPersonal,
        "position": .notPersonal,
        "showcase": .notPersonal,
        "only_show_if_degraded": .notPersonal,
        "is_group": .notPersonal,
        "group_id": .notPersonal,
        "created_at": .notPersonal,
        "updated_at": .notPersonal,
    ])
}
