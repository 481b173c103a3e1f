import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The escalate form on the customer's ticket page and the acknowledge and resolve forms on the
/// staff ticket page (SUP-9). Errors come back on the ticket page, beside their fields, with
/// what was typed.
struct EscalationPagesController: RouteCollection {
    private let console = SupportConsolePagesController()

    func boot(routes: any RoutesBuilder) throws {
        routes.post("console", "support", "tickets", ":number", "escalate", use: escalate)
        let staff = routes.grouped("staff", "support", "tickets", ":number", "escalation")
        staff.post("acknowledge", use: acknowledge)
        staff.post("resolve", use: resolve)
    }

    func escalate(request: Request) async throws -> Response {
        let viewer = try await console.viewer(request)
        let ticket = try await console.visibleTicket(request, viewer)
        let form = request.pageForm()
        var errors = FormErrors()
        let reason = errors.check("reason") { () throws(DomainError) -> EscalationReason in try EscalationReason.parse(form.text("reason")) }
        _ = errors.check("note") { () throws(DomainError) -> String in try EscalationPolicy.note(form.text("note")) }
        if let reason, errors.isEmpty {
            do {
                _ = try await request.escalations().raise(ticket, reason: reason, note: form.text("note"), by: TicketActor(user: viewer.user))
                return request.redirect("/console/support/tickets/\(ticket.number)#escalation")
            } catch let error as DomainError {
                errors.add(error)
            }
        }
        return try await TicketPageForms.customerPage(request, ticket: ticket.number, form: form, errors: errors)
    }

    func acknowledge(request: Request) async throws -> Response {
        try await TicketPageForms.staffChange(request, notice: "Escalation acknowledged; the customer was told.", audit: "change_escalation") { db, ticket, actor, form in
            let escalations = request.escalations(on: db)
            try await escalations.acknowledge(try await escalations.find(UUID(uuidString: form.text("escalation_id")), on: ticket.number), ticket: ticket, by: actor)
        }
    }

    func resolve(request: Request) async throws -> Response {
        try await TicketPageForms.staffChange(request, notice: "Escalation resolved; the customer was told.", audit: "change_escalation") { db, ticket, actor, form in
            let escalations = request.escalations(on: db)
            try await escalations.resolve(try await escalations.find(UUID(uuidString: form.text("escalation_id")), on: ticket.number), ticket: ticket, by: actor,
                                          resolution: form.text("resolution"))
        }
    }
}
