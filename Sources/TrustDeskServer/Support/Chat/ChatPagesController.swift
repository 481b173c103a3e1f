import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The chat channel pages (SUP-11): `/console/support/chat` for the customer's teammates and
/// `/staff/support/chat/{channel}` for staff. Both show the banner (no SLA, not watched around
/// the clock), the conversation, and the form that turns a Consumer Trust matter into a ticket.
struct ChatPagesController: RouteCollection {
    private let console = SupportConsolePagesController()

    func boot(routes: any RoutesBuilder) throws {
        let customer = routes.grouped("console", "support", "chat")
        customer.get(use: customerPage)
        customer.post(use: customerPost)
        customer.post("consumer-trust", use: customerConvert)
        let staff = routes.grouped("staff", "support", "chat")
        staff.get(use: staffList)
        staff.get(":channel", use: staffPage)
        staff.post(":channel", use: staffPost)
        staff.post(":channel", "consumer-trust", use: staffConvert)
    }

    struct LineView: Encodable {
        let author: String
        let type: String
        let content: String
        let at: String
    }

    struct ChatView: Encodable {
        let channel: String
        let organisationName: String
        let organisationSid: String
        let banner: String
        let lines: [LineView]
        let older: String?
        let topics: [ChoiceView]
        let suggestion: String?
        let postAction: String
        let convertAction: String
        let pagePath: String
        let forStaff: Bool
        /// Other organisations of the viewer with a channel.
        let otherChannels: [ChoiceView]
    }

    private func view(_ request: Request, _ channel: SupportChat.Channel, forStaff: Bool, form: PageForm?, others: [ChoiceView] = []) async throws -> ChatView {
        let chat = request.supportChat()
        let before: Int? = request.query["before"]
        let rows = try await chat.messages(in: channel, before: before, limit: 51)
        let page = Array(rows.prefix(50))
        let suggestion = try await chat.suggestedTopic(in: channel)
        let chosen = form?.text("topic") ?? suggestion?.rawValue ?? ""
        let path = forStaff ? "/staff/support/chat/\(channel.name)" : "/console/support/chat"
        let query = forStaff ? "" : "?account=\(channel.organisation.sid)"
        return ChatView(
            channel: channel.name, organisationName: channel.organisation.friendlyName, organisationSid: channel.organisation.sid, banner: ChatPolicy.banner,
            lines: page.reversed().map { LineView(author: $0.authorName, type: $0.messageType, content: $0.content, at: DateDisplay.local($0.createdAt)) },
            older: rows.count > 50 ? page.last?.id.map { "\(path)\(query.isEmpty ? "?" : query + "&")before=\($0)" } : nil,
            topics: ConsumerTrustTopic.allCases.map { ChoiceView(value: $0.rawValue, title: $0.title, selected: $0.rawValue == chosen) },
            suggestion: suggestion.map { "This looks like a Consumer Trust matter (\($0.title)): the Consumer Trust team handles those through a ticket." },
            postAction: path + query, convertAction: forStaff ? "\(path)/consumer-trust" : "/console/support/chat/consumer-trust\(query)",
            pagePath: path + query, forStaff: forStaff, otherChannels: others)
    }

    // MARK: Customers

    private func customerChannel(_ request: Request) async throws -> (User, SupportChat.Channel, [ChoiceView]) {
        let viewer = try await console.viewer(request)
        let chat = request.supportChat()
        var channels: [SupportChat.Channel] = []
        for organisation in viewer.organisations {
            if let channel = try await chat.channelIfAny(of: organisation) { channels.append(channel) }
        }
        let wanted: String? = request.query["account"]
        guard let channel = channels.first(where: { $0.organisation.sid == wanted }) ?? channels.first else {
            throw DomainError(.chatNotAvailable, "Your organisation has no chat channel: chat channels come with the Personalized support plan. Open a ticket instead.")
        }
        let others = channels.map { ChoiceView(value: $0.organisation.sid, title: $0.organisation.friendlyName, selected: $0.organisation.sid == channel.organisation.sid) }
        return (viewer.user, channel, others.count > 1 ? others : [])
    }

    func customerPage(request: Request) async throws -> Response {
        let (_, channel, others) = try await customerChannel(request)
        return try await request.page("support/chat", title: "Chat #\(channel.name)", try await view(request, channel, forStaff: false, form: nil, others: others))
    }

    func customerPost(request: Request) async throws -> Response {
        let (user, channel, others) = try await customerChannel(request)
        return try await post(request, channel, type: .incoming, by: TicketActor(user: user), forStaff: false, others: others)
    }

    func customerConvert(request: Request) async throws -> Response {
        let (user, channel, others) = try await customerChannel(request)
        return try await convert(request, channel, requester: user, by: TicketActor(user: user), forStaff: false, others: others)
    }

    // MARK: Staff

    struct ChannelListView: Encodable {
        struct Row: Encodable {
            let channel: String
            let organisationSid: String
            let last: String
            let lastType: String
        }

        let banner: String
        let channels: [Row]
    }

    func staffList(request: Request) async throws -> Response {
        _ = try request.supportStaff()
        let channels = try await request.supportChat().channels()
        return try await request.page("support/staff-chat-list", title: "Chat channels", ChannelListView(banner: ChatPolicy.banner, channels: channels.map {
            ChannelListView.Row(channel: $0.name, organisationSid: $0.organisationSID,
                                last: $0.lastMessage.map { "\(DateDisplay.local($0.createdAt)) · \($0.authorName): \($0.content.prefix(80))" } ?? "no messages yet",
                                lastType: $0.lastMessage?.messageType ?? "")
        }))
    }

    private func staffChannel(_ request: Request) async throws -> (User, SupportChat.Channel) {
        let staff = try request.supportStaff()
        let channel = try await request.supportChat().channel(named: request.parameters.get("channel") ?? "")
        return (staff, channel)
    }

    func staffPage(request: Request) async throws -> Response {
        let (staff, channel) = try await staffChannel(request)
        try await StaffAuditEvent(staff: staff.sid, action: "view_chat", account: channel.organisation.sid, detail: channel.name, at: request.now).create(on: request.db)
        return try await request.page("support/chat", title: "Chat #\(channel.name)", try await view(request, channel, forStaff: true, form: nil))
    }

    func staffPost(request: Request) async throws -> Response {
        let (staff, channel) = try await staffChannel(request)
        return try await post(request, channel, type: .outgoing, by: TicketActor(user: staff), forStaff: true)
    }

    func staffConvert(request: Request) async throws -> Response {
        let (staff, channel) = try await staffChannel(request)
        return try await convert(request, channel, requester: nil, by: TicketActor(user: staff), forStaff: true)
    }

    // MARK: Shared

    private func post(_ request: Request, _ channel: SupportChat.Channel, type: ChatMessageType, by actor: TicketActor, forStaff: Bool, others: [ChoiceView] = []) async throws -> Response {
        let form = request.pageForm()
        var errors = FormErrors()
        _ = errors.check { () throws(DomainError) -> String in try ChatPolicy.content(form.text("content")) }
        if errors.isEmpty {
            try await request.supportChat().post(form.text("content"), in: channel, type: type, by: actor)
            return request.redirect((forStaff ? "/staff/support/chat/\(channel.name)" : "/console/support/chat?account=\(channel.organisation.sid)") + "#chat-form")
        }
        return try await request.page("support/chat", title: "Chat #\(channel.name)", try await view(request, channel, forStaff: forStaff, form: form, others: others),
                                      form: form, errors: errors)
    }

    private func convert(_ request: Request, _ channel: SupportChat.Channel, requester: User?, by actor: TicketActor, forStaff: Bool, others: [ChoiceView] = []) async throws -> Response {
        let form = request.pageForm()
        var errors = FormErrors()
        let topic = errors.check { () throws(DomainError) -> ConsumerTrustTopic in
            guard let topic = try ConsumerTrustTopic.parse(form.text("topic")) else {
                throw DomainError(.invalidParameter, "topic: choose what the Consumer Trust team should look at.")
            }
            return topic
        }
        if let topic, errors.isEmpty {
            do {
                let ticket = try await request.db.transaction { db in
                    try await request.supportChat(on: db).openConsumerTrustTicket(channel, topic: topic, requester: requester, convertedBy: actor)
                }
                if forStaff {
                    try await StaffAuditEvent(staff: actor.sid, action: "chat_to_consumer_trust", account: channel.organisation.sid, detail: "#\(ticket.number)", at: request.now).create(on: request.db)
                    return request.redirect("/staff/support/tickets/\(ticket.number)")
                }
                return request.redirect("/console/support/tickets/\(ticket.number)")
            } catch let error as DomainError {
                errors.add(error)
            }
        }
        return try await request.page("support/chat", title: "Chat #\(channel.name)", try await view(request, channel, forStaff: forStaff, form: form, others: others),
                                      form: form, errors: errors)
    }
}
