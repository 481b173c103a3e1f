import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// A temporary voice route change a customer asked for (SUP-13): what it covers, why, until
/// when, and staff's decision. `end_due_at` is set while it is live; the expiry job reads it.
final class RouteChange: Model, @unchecked Sendable {
    static let schema = "route_changes"

    @ID(key: .id) var id: UUID?
    @Field(key: "ticket_number") var ticketNumber: Int
    @Field(key: "organisation_sid") var organisationSID: String
    @Field(key: "account_sid") var accountSID: String
    @Field(key: "scope_kind") var scopeKind: String
    /// E.164 numbers or one prefix, space-separated.
    @Field(key: "destinations") var destinations: String
    @Field(key: "reason") var reason: String
    @Field(key: "status") var status: String
    @Field(key: "until") var until: Date
    @OptionalField(key: "end_due_at") var endDueAt: Date?
    @Field(key: "requested_by_sid") var requestedBySID: String
    @Field(key: "requested_by_name") var requestedByName: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "decided_by_sid") var decidedBySID: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "decision_note") var decisionNote: String?
    @OptionalField(key: "ended_at") var endedAt: Date?

    init() {}

    var changeStatus: RouteChangeStatus { RouteChangeStatus(rawValue: status) ?? .ended }
    var kind: RouteScope.Kind { RouteScope.Kind(rawValue: scopeKind) ?? .areaCode }
    var destinationList: [String] { destinations.split(separator: " ").map(String.init) }
    var summary: String {
        switch kind {
        case .numbers: destinationList.map(E164.display).joined(separator: ", ")
        case .areaCodeAndExchange, .areaCode: destinationList.map { "\(E164.display($0))…" }.joined(separator: ", ")
        }
    }
}

struct CreateRouteChanges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RouteChange.schema)
            .id()
            .field("ticket_number", .int, .required, .references(Ticket.schema, "number"))
            .field("organisation_sid", .string, .required)
            .field("account_sid", .string, .required, .references(Account.schema, "sid"))
            .field("scope_kind", .string, .required)
            .field("destinations", .string, .required)
            .field("reason", .string, .required)
            .field("status", .string, .required)
            .field("until", .datetime, .required)
            .field("end_due_at", .datetime)
            .field("requested_by_sid", .string, .required)
            .field("requested_by_name", .string, .required)
            .field("created_at", .datetime, .required)
            .field("decided_by_sid", .string)
            .field("decided_at", .datetime)
            .field("decision_note", .string)
            .field("ended_at", .datetime)
            .create()
        try await database.index("route_changes_account_idx", on: RouteChange.schema, columns: ["account_sid", "created_at"])
        try await database.index("route_changes_ticket_idx", on: RouteChange.schema, columns: ["ticket_number"])
        try await database.index("route_changes_end_due_idx", on: RouteChange.schema, columns: ["end_due_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RouteChange.schema).delete()
    }
}

extension RouteChange {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.ticket("ticket_number"), .account("account_sid")], columns: [
        "id": .notPersonal,
        "ticket_number": .notPersonal,
        "organisation_sid": .notPersonal,
        "account_sid": .notPersonal,
        "scope_kind": .notPersonal,
        "destinations": .personal(.content, .keepSupport3Years),
        "reason": .personal(.content, .keepSupport3Years),
        "status": .notPersonal,
        "until": .notPersonal,
        "end_due_at": .notPersonal,
        "requested_by_sid": .notPersonal,
        "requested_by_name": .personal(.accountData, .keepSupport3Years),
        "created_at": .notPersonal,
        "decided_by_sid": .notPersonal,
        "decided_at": .notPersonal,
        "decision_note": .personal(.content, .keepSupport3Years),
        "ended_at": .notPersonal,
    ])
}
