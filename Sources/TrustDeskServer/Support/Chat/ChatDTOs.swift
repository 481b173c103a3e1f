import Foundation
import TrustDeskCore
import Vapor

/// A chat message in the shape of Chatwoot's `message_created` (SUP-11).
struct ChatMessageDTO: Content {
    struct Sender: Content {
        let name: String
        /// `contact` for the customer's side, `user` for support, `system` for notes.
        let type: String
    }

    let id: Int
    let channel: String
    let content: String
    let contentType: String
    let messageType: String
    let sender: Sender
    let createdAt: Date

    init(_ message: ChatMessage) {
        self.id = message.id ?? 0
        self.channel = message.channel
        self.content = message.content
        self.contentType = "text"
        self.messageType = message.messageType
        let kind = switch message.type {
        case .incoming: "contact"
        case .outgoing: "user"
        case .activity: "system"
        }
        self.sender = Sender(name: message.authorName, type: kind)
        self.createdAt = message.createdAt
    }
}

struct ChatMessageListDTO: Content {
    let channel: String
    let notice: String
    let messages: [ChatMessageDTO]
    let meta: ListMetaDTO
}

/// `POST /v1/Chat/Messages`.
struct CreateChatMessageBody: StrictContent {
    static let allowedFields: Set<String> = ["content"]
    var content: String?
}
