import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// Reading ticket attachments back: the list beside each comment, and one file's bytes.
/// Whoever may not see a comment (customers and internal notes) may not see its files either.
struct TicketAttachments {
    let database: any Database

    /// Request bodies that may carry files: three at the per-file limit, base64-encoded in
    /// JSON or raw in a form, plus the reply text.
    static let maximumBody = CSRFMiddleware.maxMultipartBody

    /// The attachments of these comments, by comment, without their contents (reading
    /// `contentBase64` from these rows is a programming error).
    func summaries(of comments: [TicketComment]) async throws -> [UUID: [TicketAttachment]] {
        let ids = comments.compactMap(\.id)
        guard !ids.isEmpty else { return [:] }
        let rows = try await TicketAttachment.query(on: database).filter(\.$commentID ~~ ids)
            .field(\.$id).field(\.$ticketNumber).field(\.$commentID).field(\.$filename).field(\.$contentType).field(\.$size).field(\.$createdAt)
            .sort(\.$createdAt).all()
        return Dictionary(grouping: rows, by: \.commentID)
    }

    /// One attachment of `ticket`, if the viewer may see the comment it belongs to.
    func find(_ text: String?, on ticket: Int, includeInternal: Bool) async throws -> TicketAttachment {
        guard let text, let id = UUID(uuidString: text),
              let attachment = try await TicketAttachment.find(id, on: database), attachment.ticketNumber == ticket,
              let comment = try await TicketComment.find(attachment.commentID, on: database),
              includeInternal || comment.isPublic
        else { throw DomainError.notFound("attachment") }
        return attachment
    }

    /// The file as a download. Always `application/octet-stream` with `attachment`
    /// disposition: a customer's file must never render as a page on this site. The name is
    /// the stored base name, as RFC 6266 wants it (the core builds the header).
    static func download(_ attachment: TicketAttachment) throws -> Response {
        guard let data = Data(base64Encoded: attachment.contentBase64) else { throw DomainError.notFound("attachment") }
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.contentType = .binary
        response.headers.replaceOrAdd(name: .contentDisposition, value: AttachmentName.contentDisposition(attachment.filename))
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }

    /// "12 KB", "512 bytes".
    static func sizeText(_ bytes: Int) -> String {
        bytes < 1024 ? "\(bytes) bytes" : "\((bytes + 1023) / 1024) KB"
    }
}
