import Foundation
import TrustDeskCore

extension PageForm {
    /// The files of a ticket or reply form's `attachments` input, as ticket uploads.
    var attachmentUploads: [Tickets.AttachmentUpload] {
        files(named: "attachments").map {
            Tickets.AttachmentUpload(filename: $0.filename, contentType: $0.contentType, contentBase64: $0.data.base64EncodedString())
        }
    }
}
