import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The channels' forms on the ticket pages (escalations, route changes): one way to run a staff
/// change and to show a ticket page again with a form's problems beside its fields.
enum TicketPageForms {
    /// A staff change on a ticket in one transaction, recorded in the staff audit as `audit`
    /// (SEC-3); the staff ticket page comes back with the notice, or with the problem beside its
    /// field and the form as typed.
    static func staffChange(_ request: Request, notice: String, audit: String,
                            _ work: @escaping @Sendable (any Database, Ticket, TicketActor, PageForm) async throws -> Void) async throws -> Response {
        let staff = try request.supportStaff()
        guard let number = Int(request.parameters.get("number") ?? ""), let ticket = try await Ticket.find(number, on: request.db) else {
            throw DomainError.notFound("ticket")
        }
        let form = request.pageForm()
        var errors = FormErrors()
        do {
            try await request.db.transaction { db in
                guard let locked = try await Ticket.find(number, on: db) else { throw DomainError.notFound("ticket") }
                try await work(db, locked, TicketActor(user: staff), form)
                try await StaffAuditEvent(staff: staff.sid, action: audit, account: locked.accountSID, detail: "#\(number): \(notice)", at: request.now).create(on: db)
            }
        } catch let error as DomainError {
            errors.add(error)
        }
        let fresh = try await Ticket.find(number, on: request.db) ?? ticket
        return try await request.page("support/staff-ticket", title: "Ticket #\(number)", try await SupportStaffPagesController().body(request, fresh),
                                      notice: errors.isEmpty ? notice : nil, form: errors.isEmpty ? nil : form, errors: errors,
                                      skip: SupportStaffPagesController.skipToReply)
    }

    /// The customer's ticket page again, with a channel form's problems and what was typed.
    static func customerPage(_ request: Request, ticket number: Int, form: PageForm, errors: FormErrors) async throws -> Response {
        guard let fresh = try await Ticket.find(number, on: request.db) else { throw DomainError.notFound("ticket") }
        return try await request.page("support/customer-ticket", title: "Ticket #\(number)",
                                      try await SupportConsolePagesController().ticketBody(request, fresh, form: form), form: form, errors: errors)
    }
}
