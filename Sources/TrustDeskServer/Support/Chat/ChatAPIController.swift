import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// `GET|POST /v1/Chat/Messages` (SUP-11): the organisation's chat channel through the API.
/// The channel belongs to the organisation, so a subaccount's credential is refused (SEC-3).
struct ChatAPIController: RouteCollection {
    private let tickets = TicketsAPIController()

    func boot(routes: any RoutesBuilder) throws {
        let messages = routes.grouped("Chat", "Messages")
        messages.get(use: list)
        messages.post(use: create)
        messages.methodNotAllowed(except: [.GET, .POST])
    }

    private func channel(_ request: Request) async throws -> (TicketsAPIController.Caller, SupportChat.Channel) {
        let caller = try await tickets.caller(request)
        guard caller.accountScope == nil else {
            throw DomainError(.permissionDenied, "The chat channel belongs to the organisation: use the main account's credentials.")
        }
        return (caller, try await request.supportChat().channel(of: caller.account))
    }

    func list(request: Request) async throws -> Response {
        let (_, channel) = try await channel(request)
        let size = try PageRequest.size(request)
        let before = try PageRequest.numberToken(request)
        let rows = try await request.supportChat().messages(in: channel, before: before, limit: size + 1)
        let page = Array(rows.prefix(size))
        let next = rows.count > size ? page.last?.id.map(String.init) : nil
        return try await ChatMessageListDTO(channel: channel.name, notice: ChatPolicy.banner, messages: page.map(ChatMessageDTO.init),
                                                           meta: ListMetaDTO(pageSize: size, nextPageToken: next)).encodeResponse(for: request)
    }

    func create(request: Request) async throws -> Response {
        let (caller, channel) = try await channel(request)
        let body = try request.decodeStrict(CreateChatMessageBody.self)
        let actor = TicketActor(sid: caller.account.sid, name: "API (\(caller.account.friendlyName))", email: "", isStaff: false)
        let message = try await request.supportChat().post(body.content ?? "", in: channel, type: .incoming, by: actor)
        return try await ChatMessageDTO(message).encodeResponse(status: .created, for: request)
    }
}
