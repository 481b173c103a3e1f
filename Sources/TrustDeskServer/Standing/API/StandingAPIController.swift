import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// `GET /v1/Accounts/{AccountSid}/Standing`: the account's standing and its enforcement
/// history. Readable while the account is restricted (except banned), so a client can learn why.
struct StandingAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("Accounts", ":accountSid", "Standing", use: show)
        routes.methodNotAllowed("Accounts", ":accountSid", "Standing", except: [.GET])
    }

    func show(request: Request) async throws -> Response {
        let credential = try request.requireAPICredential()
        let sid = try request.sidParameter("accountSid", .account)
        let account = try await request.accounts.accessible(sid, by: credential.accountSID)
        try StandingGate.admit(account, request: request)
        let records = try await StandingService(database: request.db, now: request.now, configuration: request.application.trustDeskConfiguration)
            .history(of: account.sid)
        let open = try await ReviewRequest.query(on: request.db).filter(\.$accountSID == account.sid)
            .filter(\.$status == ReviewRequest.Status.open.rawValue).count()
        return try await StandingDTO(accountSid: account.sid, standing: account.standing, reviewRequestOpen: open > 0,
                                                records: records.map { EnforcementRecordDTO($0) }).encodeResponse(for: request)
    }
}

/// The billing system reports invoices and payments with the service credential (STD-8):
/// `POST /v1/Invoices`, `POST /v1/Payments`.
struct BillingAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("Invoices", use: createInvoice)
        routes.post("Payments", use: createPayment)
        routes.methodNotAllowed("Invoices", except: [.POST])
        routes.methodNotAllowed("Payments", except: [.POST])
    }

    func createInvoice(request: Request) async throws -> Response {
        let body = try request.decodeStrict(InvoiceBody.self)
        let invoice = try await Billing(database: request.db, now: request.now).record(body)
        return try await InvoiceDTO(invoice).encodeResponse(status: .created, for: request)
    }

    func createPayment(request: Request) async throws -> Response {
        let body = try request.decodeStrict(PaymentBody.self)
        let invoice = try await request.db.transaction { db in
            try await Billing(database: db, now: request.now).pay(body)
        }
        return try await InvoiceDTO(invoice).encodeResponse(for: request)
    }
}
