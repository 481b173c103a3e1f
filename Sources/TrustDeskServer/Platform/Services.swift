import Foundation
import Vapor

/// Services shared by the whole app, stored on `Application` and swapped in tests.
extension Application {
    private struct MailTransportKey: StorageKey { typealias Value = any MailTransport }
    private struct SecretBoxKey: StorageKey { typealias Value = SecretBox }

    var mailTransport: any MailTransport {
        get { storage[MailTransportKey.self] ?? FileTransport(directory: trustDeskConfiguration.mailDirectory) }
        set { storage[MailTransportKey.self] = newValue }
    }

    var secretBox: SecretBox {
        get {
            guard let box = storage[SecretBoxKey.self] else {
                // configure() always sets one; reaching here is a wiring mistake in a test.
                preconditionFailure("configure(_:) sets the secret box before the app serves requests")
            }
            return box
        }
        set { storage[SecretBoxKey.self] = newValue }
    }
}
