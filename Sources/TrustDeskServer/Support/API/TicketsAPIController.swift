import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// `/v1/Tickets`: open, list and read the caller's tickets and their public comments
/// (SUP-2, SUP-12, SEC-3). A main account's credential sees its organisation's tickets; a
/// subaccount's sees the subaccount's own.
struct TicketsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let tickets = routes.grouped("Tickets")
        tickets.get(use: list)
        tickets.post(use: create)
        tickets.get(":number", use: show)
        tickets.get(":number", "Comments", use: listComments)
        tickets.on(.POST, ":number", "Comments", body: .collect(maxSize: ByteCount(value: TicketAttachments.maximumBody)), use: createComment)
        tickets.get(":number", "Attachments", ":id", use: attachment)
        tickets.methodNotAllowed(except: [.GET, .POST])
        tickets.methodNotAllowed(":number", except: [.GET])
        tickets.methodNotAllowed(":number", "Comments", except: [.GET, .POST])
        tickets.methodNotAllowed(":number", "Attachments", ":id", except: [.GET])
    }

    struct Caller {
        let account: Account
        let organisationSID: String
        /// Set for a subaccount's credential: it sees only that subaccount's tickets.
        let accountScope: String?
    }

    func caller(_ request: Request) async throws -> Caller {
        let credential = try request.requireAPICredential()
        guard let account = try await Account.find(credential.accountSID, on: request.db) else { throw DomainError.badCredentials }
        return Caller(account: account, organisationSID: account.ownerAccountSID ?? account.sid, accountScope: account.isSubaccount ? account.sid : nil)
    }

    func number(_ request: Request) throws -> Int {
        guard let text = request.parameters.get("number"), let number = Int(text), number > 0 else { throw DomainError.notFound("ticket") }
        return number
    }

    func create(request: Request) async throws -> Response {
        let caller = try await caller(request)
        let body = try request.decodeStrict(CreateTicketBody.self)
        var about = caller.account
        if let sidText = body.accountSid, !sidText.isEmpty {
            let sid: SID
            do { sid = try SID(parsing: sidText, expecting: .account) } catch { throw DomainError(sid: error) }
            about = try await request.accounts.accessible(sid, by: caller.account.sid)
        }
        let product = try SupportProduct.parse(body.product ?? "")
        let form = IntakeForm(product: product, sidsText: (body.sids ?? []).joined(separator: " "), oldestExampleAt: try ExampleTime.parse(body.oldestExampleAt),
                              countries: body.countries ?? "", direction: body.direction ?? "", sdk: body.sdk ?? "", sdkVersion: body.sdkVersion ?? "",
                              username: body.username ?? "", emailArea: body.emailArea ?? "")
        let newTicket = NewTicket(subject: body.subject ?? "", description: body.description ?? "", priority: body.priority ?? "",
                                  topic: body.topic ?? "", intake: form, followUpOf: body.followUpOf)
        let owner = try await Self.ownerEmail(of: caller.organisationSID, on: request.db)
        let actor = TicketActor(sid: caller.account.sid, name: "API (\(caller.account.friendlyName))", email: owner, isStaff: false)
        let target = about
        let (ticket, targets) = try await request.db.transaction { db in
            let opened = try await request.tickets(on: db).open(newTicket, about: target, by: actor)
            return (opened.ticket, try await request.tickets(on: db).targets(of: opened.ticket.number))
        }
        return try await TicketDTO(ticket, targets: targets).encodeResponse(status: .created, for: request)
    }

    func list(request: Request) async throws -> Response {
        let caller = try await caller(request)
        let size = try PageRequest.size(request)
        let before = try PageRequest.numberToken(request)
        var filter = Tickets.ListFilter()
        if let status: String = request.query["status"], !status.isEmpty { filter.status = try TicketStatus.parse(status) }
        if let priority: String = request.query["priority"], !priority.isEmpty { filter.priority = try TicketPriority(parsing: priority) }
        if let product: String = request.query["product"], !product.isEmpty { filter.product = try SupportProduct.parse(product) }
        let rows = try await request.tickets()
            .list(organisationSID: caller.organisationSID, accountSID: caller.accountScope, filter: filter, before: before, limit: size + 1)
        let page = Array(rows.prefix(size))
        let next = rows.count > size ? page.last.map { String($0.number) } : nil
        let escalations = try await request.escalations().latest(of: page.map(\.number))
        return try await TicketListDTO(tickets: try page.map { try TicketDTO($0, escalation: escalations[$0.number]) }, meta: ListMetaDTO(pageSize: size, nextPageToken: next)).encodeResponse(for: request)
    }

    func show(request: Request) async throws -> Response {
        let caller = try await caller(request)
        let tickets = request.tickets()
        let ticket = try await tickets.visible(try number(request), organisationSID: caller.organisationSID, accountSID: caller.accountScope)
        let escalation = try await request.escalations().latest(of: [ticket.number])[ticket.number]
        return try await TicketDTO(ticket, targets: try await tickets.targets(of: ticket.number), escalation: escalation).encodeResponse(for: request)
    }

    func listComments(request: Request) async throws -> Response {
        let caller = try await caller(request)
        let tickets = request.tickets()
        let ticket = try await tickets.visible(try number(request), organisationSID: caller.organisationSID, accountSID: caller.accountScope)
        let comments = try await tickets.comments(of: ticket.number, includeInternal: false)
        return try await CommentListDTO(comments: try await CommentDTO.list(comments, on: request.db)).encodeResponse(for: request)
    }

    func createComment(request: Request) async throws -> Response {
        let caller = try await caller(request)
        let body = try request.decodeStrict(CreateCommentBody.self, maximumBytes: TicketAttachments.maximumBody)
        let number = try number(request)
        let owner = try await Self.ownerEmail(of: caller.organisationSID, on: request.db)
        let actor = TicketActor(sid: caller.account.sid, name: "API (\(caller.account.friendlyName))", email: owner, isStaff: false)
        let uploads = (body.attachments ?? []).map { Tickets.AttachmentUpload(filename: $0.filename, contentType: $0.contentType ?? "application/octet-stream", contentBase64: $0.contentBase64) }
        let comment = try await request.db.transaction { db in
            let tickets = request.tickets(on: db)
            let ticket = try await tickets.visible(number, organisationSID: caller.organisationSID, accountSID: caller.accountScope)
            let comment = try await tickets.reply(to: ticket, by: actor, body: body.body ?? "", isPublic: true, attachments: uploads)
            return try await CommentDTO.list([comment], on: db).first
        }
        guard let created = comment else { throw DomainError.notFound("comment") }
        return try await created.encodeResponse(status: .created, for: request)
    }

    /// A file of one of the ticket's public comments.
    func attachment(request: Request) async throws -> Response {
        let caller = try await caller(request)
        let ticket = try await request.tickets()
            .visible(try number(request), organisationSID: caller.organisationSID, accountSID: caller.accountScope)
        let file = try await TicketAttachments(database: request.db).find(request.parameters.get("id"), on: ticket.number, includeInternal: false)
        return try await AttachmentDTO(file).encodeResponse(for: request)
    }

    static func ownerEmail(of organisationSID: String, on database: any Database) async throws -> String {
        try await Team.owners(of: organisationSID, on: database).first?.email ?? ""
    }
}

extension PageRequest {
    /// `page_size` alone, for lists whose token is not a SID.
    static func size(_ request: Request) throws -> Int {
        let rawSize: String? = request.query["page_size"]
        guard let rawSize else { return Paging.defaultPageSize }
        guard let parsed = Int(rawSize) else {
            throw DomainError(.invalidParameter, "page_size: use a whole number from 1 to \(Paging.maximumPageSize).")
        }
        return try Paging.pageSize(parsed)
    }
}
