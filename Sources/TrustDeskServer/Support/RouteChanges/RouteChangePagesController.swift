import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The route change form on the customer's voice ticket and the apply and decline forms on the
/// staff ticket page (SUP-13). Errors come back on the ticket page, every field as typed.
struct RouteChangePagesController: RouteCollection {
    private let console = SupportConsolePagesController()

    func boot(routes: any RoutesBuilder) throws {
        routes.post("console", "support", "tickets", ":number", "route-changes", use: request)
        let staff = routes.grouped("staff", "support", "tickets", ":number", "route-changes")
        staff.post("apply", use: apply)
        staff.post("decline", use: decline)
    }

    func request(request: Request) async throws -> Response {
        let viewer = try await console.viewer(request)
        let ticket = try await console.visibleTicket(request, viewer)
        let form = request.pageForm()
        var errors = FormErrors()
        // Every field is checked, so the page shows all problems at once.
        _ = errors.check { () throws(DomainError) -> RouteScope in try RouteScope.parse(numbers: form.text("numbers"), prefix: form.text("prefix")) }
        _ = errors.check { () throws(DomainError) -> String in try RouteChangePolicy.reason(form.text("reason")) }
        let until = errors.check { () throws(DomainError) -> Date in try RouteChangePolicy.until(try RouteChangeForm.until(form.text("until")), now: request.now) }
        if errors.isEmpty, let until {
            do {
                try await request.db.transaction { db in
                    guard let fresh = try await Ticket.find(ticket.number, on: db), let account = try await Account.find(fresh.accountSID, on: db) else {
                        throw DomainError.notFound("ticket")
                    }
                    _ = try await request.routeChanges(on: db).request(
                        RouteChanges.Input(numbers: form.text("numbers"), prefix: form.text("prefix"), reason: form.text("reason"), until: until),
                        about: account, on: fresh, by: TicketActor(user: viewer.user))
                }
                return request.redirect("/console/support/tickets/\(ticket.number)#route-changes")
            } catch let error as DomainError {
                errors.add(error)
            }
        }
        return try await TicketPageForms.customerPage(request, ticket: ticket.number, form: form, errors: errors)
    }

    func apply(request: Request) async throws -> Response {
        try await TicketPageForms.staffChange(request, notice: "Route change applied; the customer was told.", audit: "decide_route_change") { db, ticket, actor, form in
            let changes = request.routeChanges(on: db)
            try await changes.apply(try await changes.find(UUID(uuidString: form.text("route_change_id")), on: ticket.number), ticket: ticket, by: actor, note: form.text("note"))
        }
    }

    func decline(request: Request) async throws -> Response {
        try await TicketPageForms.staffChange(request, notice: "Route change declined; the customer was told why.", audit: "decide_route_change") { db, ticket, actor, form in
            let changes = request.routeChanges(on: db)
            try await changes.decline(try await changes.find(UUID(uuidString: form.text("route_change_id")), on: ticket.number), ticket: ticket, by: actor, note: form.text("note"))
        }
    }
}
