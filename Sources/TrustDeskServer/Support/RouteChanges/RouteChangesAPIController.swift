import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// `/v1/Accounts/{sid}/RouteChanges` (SUP-13): ask for a temporary voice route change, and list
/// the account's, most specific first. A main account's credential may act on its subaccounts.
struct RouteChangesAPIController: RouteCollection {
    private let tickets = TicketsAPIController()

    func boot(routes: any RoutesBuilder) throws {
        let changes = routes.grouped("Accounts", ":accountSid", "RouteChanges")
        changes.get(use: list)
        changes.post(use: create)
        changes.methodNotAllowed(except: [.GET, .POST])
    }

    private func account(_ request: Request) async throws -> (TicketsAPIController.Caller, Account) {
        let caller = try await tickets.caller(request)
        let sid = try request.sidParameter("accountSid", .account)
        let account = try await request.accounts.accessible(sid, by: caller.account.sid)
        return (caller, account)
    }

    func list(request: Request) async throws -> Response {
        let (_, account) = try await account(request)
        let rows = try await request.routeChanges().list(account: account.sid)
        return try await RouteChangeListDTO(routeChanges: rows.map(RouteChangeDTO.init)).encodeResponse(for: request)
    }

    func create(request: Request) async throws -> Response {
        let (caller, account) = try await account(request)
        let body = try request.decodeStrict(CreateRouteChangeBody.self)
        let input = RouteChanges.Input(numbers: (body.numbers ?? []).joined(separator: ","), prefix: body.prefix ?? "", reason: body.reason ?? "",
                                       until: try ExampleTime.parse(body.until, field: "until"))
        let owner = try await TicketsAPIController.ownerEmail(of: caller.organisationSID, on: request.db)
        let actor = TicketActor(sid: caller.account.sid, name: "API (\(caller.account.friendlyName))", email: owner, isStaff: false)
        let change = try await request.db.transaction { db in
            var ticket: Ticket?
            if let number = body.ticketNumber {
                ticket = try await request.tickets(on: db).visible(number, organisationSID: caller.organisationSID, accountSID: caller.accountScope)
            }
            return try await request.routeChanges(on: db).request(input, about: account, on: ticket, by: actor)
        }
        return try await RouteChangeDTO(change).encodeResponse(status: .created, for: request)
    }
}
