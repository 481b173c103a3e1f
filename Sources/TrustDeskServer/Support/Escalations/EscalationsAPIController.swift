import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// `/v1/Tickets/{number}/Escalations` (SUP-9): escalate one of the organisation's tickets, and
/// list its escalations. Another organisation's ticket is 404 (SEC-3).
struct EscalationsAPIController: RouteCollection {
    private let tickets = TicketsAPIController()

    func boot(routes: any RoutesBuilder) throws {
        let escalations = routes.grouped("Tickets", ":number", "Escalations")
        escalations.get(use: list)
        escalations.post(use: create)
        escalations.methodNotAllowed(except: [.GET, .POST])
    }

    func list(request: Request) async throws -> Response {
        let caller = try await tickets.caller(request)
        let ticket = try await request.tickets().visible(try tickets.number(request), organisationSID: caller.organisationSID, accountSID: caller.accountScope)
        let rows = try await request.escalations().history(of: ticket.number)
        return try await EscalationListDTO(escalations: rows.map(EscalationDTO.init)).encodeResponse(for: request)
    }

    func create(request: Request) async throws -> Response {
        let caller = try await tickets.caller(request)
        let body = try request.decodeStrict(CreateEscalationBody.self)
        let reason = try EscalationReason.parse(body.reason ?? "")
        let ticket = try await request.tickets().visible(try tickets.number(request), organisationSID: caller.organisationSID, accountSID: caller.accountScope)
        let owner = try await TicketsAPIController.ownerEmail(of: caller.organisationSID, on: request.db)
        let actor = TicketActor(sid: caller.account.sid, name: "API (\(caller.account.friendlyName))", email: owner, isStaff: false)
        let escalation = try await request.escalations().raise(ticket, reason: reason, note: body.note ?? "", by: actor)
        return try await EscalationDTO(escalation).encodeResponse(status: .created, for: request)
    }
}
