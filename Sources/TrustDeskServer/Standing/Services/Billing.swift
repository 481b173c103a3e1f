import Fluent
import SQLKit
import Foundation
import TrustDeskCore

/// Invoices and payments reported by the billing system (STD-8).
struct Billing {
    let database: any Database
    let now: Date

    /// Ten million in the currency: more is a mistake in the billing feed (openapi.yaml's `maximum`).
    static let maximumAmountCents = 1_000_000_000

    static let dayFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter
    }()

    func record(_ body: InvoiceBody) async throws -> Invoice {
        // Counted as sent, in code points, as openapi.yaml's `maxLength` counts.
        let reference = body.reference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reference.isEmpty, body.reference.unicodeScalars.count <= 64 else { throw DomainError(.invalidParameter, "reference: give the billing system's invoice reference (up to 64 characters).") }
        let sid: SID
        do { sid = try SID(parsing: body.accountSid, expecting: .account) } catch { throw DomainError(sid: error) }
        guard try await Account.find(sid.rawValue, on: database) != nil else { throw DomainError.notFound("account") }
        let billRun = try BillRun.parse(body.billRun)
        guard body.amountCents > 0, body.amountCents <= Self.maximumAmountCents else { throw DomainError(.invalidParameter, "amount_cents: a positive whole number of cents.") }
        guard let due = Self.dayFormatter.date(from: body.dueDate) else { throw DomainError(.invalidParameter, "due_date: use YYYY-MM-DD.") }
        let currency = (body.currency ?? "USD").uppercased()
        guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isLetter }) else { throw DomainError(.invalidParameter, "currency: a three-letter ISO 4217 code such as USD.") }
        guard try await Invoice.query(on: database).filter(\.$reference == reference).count() == 0 else {
            throw DomainError(.conflict, "reference: invoice \(reference) was already reported.")
        }
        let invoice = Invoice(reference: reference, account: sid.rawValue, billRun: billRun, amountCents: body.amountCents, currency: currency, dueAt: due, now: now)
        try await invoice.create(on: database)
        return invoice
    }

    /// A payment; paying in full marks the invoice paid, which stops warnings and termination.
    /// Run it in a transaction: the amount is added in one statement (which takes the row's
    /// lock), so two payments of one invoice at the same moment, on any nodes, both count.
    func pay(_ body: PaymentBody) async throws -> Invoice {
        guard body.amountCents > 0, body.amountCents <= Self.maximumAmountCents else { throw DomainError(.invalidParameter, "amount_cents: a positive whole number of cents.") }
        let sql = try database.sql
        let added = try await sql.raw("""
            UPDATE invoices SET paid_cents = CASE WHEN paid_cents + \(bind: body.amountCents) > amount_cents THEN amount_cents
                                                  ELSE paid_cents + \(bind: body.amountCents) END
            WHERE reference = \(bind: body.invoiceReference) RETURNING reference
            """).all()
        guard !added.isEmpty, let invoice = try await Invoice.query(on: database).filter(\.$reference == body.invoiceReference).first() else {
            throw DomainError.notFound("invoice")
        }
        if invoice.owedCents == 0, invoice.paidAt == nil {
            invoice.paidAt = now
            invoice.nextCheckAt = nil
            try await invoice.save(on: database)
        }
        return invoice
    }
}
