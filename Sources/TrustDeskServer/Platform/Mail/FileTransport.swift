import Foundation

/// Writes each message as an `.eml` file: the default transport, for development, demos and
/// tests, and for operators who hand mail to another system by folder.
struct FileTransport: MailTransport {
    let directory: String

    func deliver(_ mail: OutgoingMail) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stamp = Int(mail.date.timeIntervalSince1970 * 1000)
        let name = "\(stamp)-\(mail.id.uuidString.lowercased()).eml"
        let path = (directory as NSString).appendingPathComponent(name)
        // Write to a temporary name and rename, so a reader never sees half a message.
        let temporary = path + ".tmp"
        try Data(MIMEMessage.render(mail).utf8).write(to: URL(fileURLWithPath: temporary), options: .atomic)
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }
}
