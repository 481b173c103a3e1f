import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// One route change in a list.
struct RouteChangeRowView: Encodable {
    let id: String
    let kind: String
    let destinations: String
    let reason: String
    let status: String
    let statusTitle: String
    let until: String
    let requestedBy: String
    let decision: String?
    let canDecide: Bool

    init(_ change: RouteChange) {
        self.id = change.id?.uuidString.lowercased() ?? ""
        self.kind = change.kind.title
        self.destinations = change.summary
        self.reason = change.reason
        self.status = change.status
        self.statusTitle = change.changeStatus.title
        self.until = DateDisplay.local(change.until)
        self.requestedBy = change.requestedByName
        self.decision = change.decisionNote.flatMap { $0.isEmpty ? nil : $0 }
        self.canDecide = change.changeStatus == .requested
    }
}

/// The voice ticket's route changes on the customer's ticket page, and the request form
/// (SUP-13): destination numbers first, then an area code and exchange, then an area code.
struct RouteChangeCustomerView: Encodable {
    let number: Int
    let changes: [RouteChangeRowView]
    let canRequest: Bool
    /// The `datetime-local` value suggested for `until`: a day from now, in UTC.
    let untilDefault: String

    /// Nil for tickets of other products.
    static func build(_ request: Request, ticket: Ticket, form: PageForm?) async throws -> RouteChangeCustomerView? {
        guard ticket.supportProduct == .voice else { return nil }
        let changes = try await request.routeChanges().on(ticket: ticket.number)
        return RouteChangeCustomerView(number: ticket.number, changes: changes.map(RouteChangeRowView.init),
                                       canRequest: ticket.ticketStatus != .closed, untilDefault: RouteChangeForm.localText(request.now.addingTimeInterval(86_400)))
    }
}

/// The same on the staff ticket page, with apply and decline forms on requested changes.
struct RouteChangeStaffView: Encodable {
    let number: Int
    let changes: [RouteChangeRowView]

    static func build(_ request: Request, ticket: Ticket) async throws -> RouteChangeStaffView? {
        let changes = try await request.routeChanges().on(ticket: ticket.number)
        guard ticket.supportProduct == .voice || !changes.isEmpty else { return nil }
        return RouteChangeStaffView(number: ticket.number, changes: changes.map(RouteChangeRowView.init))
    }
}

/// `until` as a browser's `datetime-local` field sends it, read in UTC (the page says so).
enum RouteChangeForm {
    static func localText(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.string(from: date)
    }

    static func until(_ text: String) throws(DomainError) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for pattern in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"] {
            formatter.dateFormat = pattern
            if let date = formatter.date(from: trimmed) { return date }
        }
        throw DomainError(.invalidParameter, "until: use a date and time like 2026-03-03T18:00 (UTC).")
    }
}
