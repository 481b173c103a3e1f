import Fluent
import Foundation
import TrustDeskCore

/// An invoice from the monthly bill run, reported by the billing system (STD-8).
final class Invoice: Model, @unchecked Sendable {
    static let schema = "invoices"

    @ID(key: .id) var id: UUID?
    /// The billing system's own reference; unique, so a repeated report is recognised.
    @Field(key: "reference") var reference: String
    @Field(key: "account_sid") var accountSID: String
    /// `YYYY-MM` of the bill run.
    @Field(key: "bill_run") var billRun: String
    @Field(key: "amount_cents") var amountCents: Int
    @Field(key: "paid_cents") var paidCents: Int
    @Field(key: "currency") var currency: String
    @Field(key: "due_at") var dueAt: Date
    /// Comma-separated day numbers of the warnings already mailed (3,10,17).
    @Field(key: "warnings_sent") var warningsSent: String
    /// nil while anything is owed; indexed with `due_at` for the daily job.
    @OptionalField(key: "paid_at") var paidAt: Date?
    /// When the non-payment job looks at it next; nil once paid or its account terminated.
    @OptionalField(key: "next_check_at") var nextCheckAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(reference: String, account: String, billRun: String, amountCents: Int, currency: String, dueAt: Date, now: Date) {
        self.id = UUID()
        self.reference = reference
        self.accountSID = account
        self.billRun = billRun
        self.amountCents = amountCents
        self.paidCents = 0
        self.currency = currency
        self.dueAt = dueAt
        self.warningsSent = ""
        self.nextCheckAt = dueAt
        self.createdAt = now
    }

    var owedCents: Int { max(0, amountCents - paidCents) }
    var sentWarnings: Set<Int> { Set(warningsSent.split(separator: ",").compactMap { Int($0) }) }
}

struct CreateInvoices: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Invoice.schema)
            .id()
            .field("reference", .string, .required)
            .field("account_sid", .string, .required, .references(Account.schema, "sid"))
            .field("bill_run", .string, .required)
            .field("amount_cents", .int, .required)
            .field("paid_cents", .int, .required)
            .field("currency", .string, .required)
            .field("due_at", .datetime, .required)
            .field("warnings_sent", .string, .required)
            .field("paid_at", .datetime)
            .field("next_check_at", .datetime)
            .field("created_at", .datetime, .required)
            .unique(on: "reference")
            .create()
        try await database.index("invoices_unpaid_idx", on: Invoice.schema, columns: ["next_check_at"])
        try await database.index("invoices_account_idx", on: Invoice.schema, columns: ["account_sid", "bill_run"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Invoice.schema).delete()
    }
}

extension Invoice {
    /// PRV-1: every column, classified (docs/privacy.md says how to add one).
    static let inventory = TableInventory(schema, key: "id", links: [.account("account_sid")], columns: [
        "id": .notPersonal,
        "reference": .personal(.accountData, .keep7Years),
        "account_sid": .notPersonal,
        "bill_run": .notPersonal,
        "amount_cents": .personal(.accountData, .keep7Years),
        "paid_cents": .personal(.accountData, .keep7Years),
        "currency": .notPersonal,
        "due_at": .notPersonal,
        "warnings_sent": .notPersonal,
        "paid_at": .notPersonal,
        "next_check_at": .notPersonal,
        "created_at": .notPersonal,
    ])
}
