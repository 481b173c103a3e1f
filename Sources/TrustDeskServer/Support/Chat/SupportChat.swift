import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// SUP-11: each personalized organisation's chat channel (`SupportProfile.chatChannel`). No
/// SLA, not watched around the clock; a Consumer Trust matter becomes a Consumer Trust ticket
/// with the transcript as its first comment and as a `.txt` file.
struct SupportChat {
    let database: any Database
    let now: Date
    let settings: SupportSettings

    struct Channel: Sendable {
        let name: String
        let organisation: Account
    }

    /// The organisation's channel, or 21013 when it has none.
    func channel(of organisation: Account) async throws -> Channel {
        guard let channel = try await channelIfAny(of: organisation) else {
            throw DomainError(.chatNotAvailable, "\(organisation.friendlyName) has no chat channel: chat channels come with the Personalized support plan. Open a ticket instead.")
        }
        return channel
    }

    func channelIfAny(of organisation: Account) async throws -> Channel? {
        guard let profile = try await SupportProfile.find(organisation.sid, on: database), let name = profile.chatChannel, !name.isEmpty else { return nil }
        return Channel(name: name, organisation: organisation)
    }

    /// A channel by name, for staff.
    func channel(named name: String) async throws -> Channel {
        guard let profile = try await SupportProfile.query(on: database).filter(\.$chatChannel == name).first(), let sid = profile.id,
              let organisation = try await Account.find(sid, on: database) else { throw DomainError.notFound("chat channel") }
        return Channel(name: name, organisation: organisation)
    }

    struct ChannelSummary: Sendable {
        let name: String
        let organisationSID: String
        let lastMessage: ChatMessage?
    }

    /// Every channel with its newest message, for the staff list.
    func channels() async throws -> [ChannelSummary] {
        let profiles = try await SupportProfile.query(on: database).filter(\.$chatChannel != nil).limit(1_000).all()
        var summaries: [ChannelSummary] = []
        for profile in profiles {
            guard let name = profile.chatChannel, let sid = profile.id else { continue }
            let last = try await ChatMessage.query(on: database).filter(\.$channel == name).sort(\.$id, .descending).first()
            summaries.append(ChannelSummary(name: name, organisationSID: sid, lastMessage: last))
        }
        return summaries.sorted { ($0.lastMessage?.id ?? 0) > ($1.lastMessage?.id ?? 0) }
    }

    /// Newest first, `before` the id of the last message of the previous page.
    func messages(in channel: Channel, before: Int?, limit: Int) async throws -> [ChatMessage] {
        var query = ChatMessage.query(on: database).filter(\.$channel == channel.name)
        if let before { query = query.filter(\.$id < before) }
        return try await query.sort(\.$id, .descending).limit(limit).all()
    }

    @discardableResult
    func post(_ text: String, in channel: Channel, type: ChatMessageType, by author: TicketActor) async throws -> ChatMessage {
        let message = ChatMessage()
        message.channel = channel.name
        message.organisationSID = channel.organisation.sid
        message.messageType = type.rawValue
        message.content = try ChatPolicy.content(text)
        message.authorSID = author.sid
        message.authorName = author.name
        message.createdAt = now
        try await message.create(on: database)
        return message
    }

    /// The topic the recent customer messages hint at, if any.
    func suggestedTopic(in channel: Channel) async throws -> ConsumerTrustTopic? {
        let recent = try await messages(in: channel, before: nil, limit: 20).filter { $0.type == .incoming }
        return recent.lazy.compactMap { ChatPolicy.suggestedTopic($0.content) }.first
    }

    /// Opens a Consumer Trust ticket for the chat. The requester is `requester` (a customer
    /// converting their own chat), else the teammate who wrote last, else the owner. Call
    /// inside a transaction.
    func openConsumerTrustTicket(_ channel: Channel, topic: ConsumerTrustTopic, requester: User?, convertedBy: TicketActor) async throws -> Ticket {
        let history = try await ChatMessage.query(on: database).filter(\.$channel == channel.name).sort(\.$id, .descending).limit(500).all().reversed()
        guard history.contains(where: { $0.type == .incoming }) else {
            throw DomainError(.invalidParameter, "topic: there is no customer message in the chat to turn into a ticket yet.")
        }
        let found: User? = if let requester { requester } else { try await lastCustomer(in: Array(history), organisation: channel.organisation) }
        guard let person = found else { throw DomainError.notFound("teammate") }
        let transcript = ChatPolicy.transcript(channel: channel.name, lines: history.map {
            ChatPolicy.TranscriptLine(at: $0.createdAt, author: $0.authorName, type: $0.type, content: $0.content)
        })
        let excerpt = history.last { $0.type == .incoming }?.content.prefix(500) ?? ""
        let tickets = Tickets(database: database, now: now, settings: settings)
        let ticket = try await tickets.open(NewTicket(
            subject: String("Chat: \(topic.title)".prefix(Tickets.maximumSubject)),
            description: "Turned into a Consumer Trust ticket from the chat channel #\(channel.name) by \(convertedBy.name).\n\nLast customer message: \(excerpt)\n\nThe chat transcript is the first comment and is attached as chat-transcript.txt.",
            priority: String(TicketPriority.generalIssue.rawValue), topic: topic.rawValue, intake: IntakeForm(product: .other)),
            about: channel.organisation, by: TicketActor(user: person)).ticket
        // The transcript is the chat's words, not a staff reply: it must not count as support's first response.
        let chat = TicketActor(sid: "chat", name: "Chat #\(channel.name)", email: "", isStaff: false)
        try await tickets.reply(to: ticket, by: chat, body: transcript, isPublic: true, attachments: [
            Tickets.AttachmentUpload(filename: "chat-transcript.txt", contentType: "text/plain", contentBase64: Data(transcript.utf8).base64EncodedString()),
        ])
        try await post("Ticket #\(ticket.number) opened for the Consumer Trust team (\(topic.title)); they answer there within 24-48 hours.",
                       in: channel, type: .activity, by: .system)
        return ticket
    }

    private func lastCustomer(in history: [ChatMessage], organisation: Account) async throws -> User? {
        for message in history.reversed() where message.type == .incoming {
            if let user = try await User.find(message.authorSID, on: database) { return user }
        }
        return try await Team.owners(of: organisation, on: database).first
    }
}

extension Request {
    func supportChat(on database: (any Database)? = nil) -> SupportChat {
        SupportChat(database: database ?? db, now: now, settings: supportSettings)
    }
}
