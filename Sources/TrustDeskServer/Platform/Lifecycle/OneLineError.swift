import Foundation
import TrustDeskCore

/// An error as one line for the command line: the message a person can act on, without the
/// type dump `String(reflecting:)` gives.
public enum OneLineError {
    public static func describe(_ error: any Error) -> String {
        let text: String
        switch error {
        case let domain as DomainError: text = "error \(domain.code.rawValue): \(domain.message)"
        case let convertible as any CustomStringConvertible: text = convertible.description
        default: text = String(describing: error)
        }
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
