import Foundation
import SQLKit
import TrustDeskCore

/// Whose data an export or deletion is about: accounts (an organisation or one closed
/// account), people, and their addresses. A table's rows belong to the subject through the
/// links its inventory declares.
struct DataSubject: Sendable, Equatable {
    var accountSIDs: [String] = []
    var userSIDs: [String] = []
    var emails: [String] = []

    var isEmpty: Bool { accountSIDs.isEmpty && userSIDs.isEmpty && emails.isEmpty }
}

/// The SQL condition that picks a table's rows of a subject, built from the declared links
/// alone (never from values typed by anyone: every value is a bind).
enum SubjectRows {
    /// nil when no link of the table reaches the subject.
    static func condition(_ inventory: TableInventory, _ subject: DataSubject) -> SQLQueryString? {
        var parts: [SQLQueryString] = []
        for link in inventory.links {
            switch link {
            case let .account(column) where !subject.accountSIDs.isEmpty:
                parts.append("\(ident: column) IN (\(binds: subject.accountSIDs))")
            case let .user(column) where !subject.userSIDs.isEmpty:
                parts.append("\(ident: column) IN (\(binds: subject.userSIDs))")
            case let .email(column) where !subject.emails.isEmpty:
                parts.append("\(ident: column) IN (\(binds: subject.emails))")
            case let .ticket(column):
                guard let owners = ticketOwners(subject, in: nil) else { continue }
                parts.append("\(ident: column) IN (SELECT number FROM tickets WHERE \(owners))")
            default:
                continue
            }
        }
        guard !parts.isEmpty else { return nil }
        return "(\(parts.joined(separator: " OR ")))"
    }

    /// Which of the subject's tickets a ticket link reaches: the organisation's and the person's.
    static func ticketOwners(_ subject: DataSubject, in alias: String?) -> SQLQueryString? {
        let prefix = alias.map { "\($0)." } ?? ""
        var owners: [SQLQueryString] = []
        if !subject.accountSIDs.isEmpty { owners.append("\(unsafeRaw: prefix)organisation_sid IN (\(binds: subject.accountSIDs))") }
        if !subject.userSIDs.isEmpty { owners.append("\(unsafeRaw: prefix)requester_sid IN (\(binds: subject.userSIDs))") }
        guard !owners.isEmpty else { return nil }
        return "(\(owners.joined(separator: " OR ")))"
    }
}
