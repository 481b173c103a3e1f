import Foundation

/// Ticket statuses and the moves between them (SUP-6).
public enum TicketStatus: String, CaseIterable, Sendable, Codable {
    case new
    case open
    /// Waiting for the customer.
    case pending
    case onHold = "on_hold"
    case solved
    case closed

    /// A solved ticket closes this long after it was solved.
    public static let autoCloseAfter: TimeInterval = 4 * 86400

    public var title: String {
        switch self {
        case .new: "New"
        case .open: "Open"
        case .pending: "Pending (waiting for you)"
        case .onHold: "On hold"
        case .solved: "Solved"
        case .closed: "Closed"
        }
    }

    /// Statuses in which the response clock does not run (SUP-8).
    public var pausesSLA: Bool { self == .pending || self == .onHold }

    public var isUnsolved: Bool { self != .solved && self != .closed }

    /// Where staff may move a ticket from here. Nothing goes back to `new`; `closed` is
    /// reached only by the 4-day rule and left never.
    public var staffMoves: Set<TicketStatus> {
        switch self {
        case .new: [.open, .pending, .onHold, .solved]
        case .open: [.pending, .onHold, .solved]
        case .pending: [.open, .onHold, .solved]
        case .onHold: [.open, .pending, .solved]
        case .solved: [.open]
        case .closed: []
        }
    }

    public static func parse(_ text: String) throws(DomainError) -> TicketStatus {
        guard let status = TicketStatus(rawValue: text.lowercased()) else {
            throw DomainError(.invalidParameter, "status: \"\(text.prefix(32))\" is not a status; use \(allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return status
    }

    /// A staff status change, checked (SUP-6).
    public func staffChange(to target: TicketStatus) throws(DomainError) -> TicketStatus {
        if self == .closed { throw Self.closedError }
        guard staffMoves.contains(target) else {
            let allowed = staffMoves.map(\.rawValue).sorted().joined(separator: ", ")
            throw DomainError(.ticketTransitionNotAllowed, "status: a \(rawValue) ticket can't become \(target.rawValue); it can become \(allowed).")
        }
        return target
    }

    /// The requester marks their own ticket solved.
    public func customerSolve() throws(DomainError) -> TicketStatus {
        if self == .closed { throw Self.closedError }
        guard self != .solved else {
            throw DomainError(.ticketTransitionNotAllowed, "status: the ticket is already solved.")
        }
        return .solved
    }

    /// A customer reply: pending and solved tickets open again; a closed ticket is never
    /// reopened (the caller starts a follow-up instead).
    public func afterCustomerReply() throws(DomainError) -> TicketStatus {
        switch self {
        case .closed: throw Self.closedError
        case .pending, .solved: .open
        case .new, .open, .onHold: self
        }
    }

    /// A public staff reply on a new ticket marks it open (being worked).
    public func afterStaffReply() -> TicketStatus {
        self == .new ? .open : self
    }

    public static let closedError = DomainError(.ticketClosed, "This ticket is closed and can't be reopened. Open a follow-up ticket that links to it (follow_up_of); replying in the console does this for you.")

    public static func closesAt(solvedAt: Date) -> Date { solvedAt.addingTimeInterval(autoCloseAfter) }
}

/// SUP-7: a pending ticket without a customer reply gets one reminder after 5 business days
/// and is solved after 10, counted in working days of the ticket's calendar.
public enum PendingFollowUp {
    public static let reminderAfterBusinessDays = 5
    public static let solveAfterBusinessDays = 10

    public static func reminderAt(pendingSince: Date, on calendar: BusinessCalendar) throws(DomainError) -> Date {
        try calendar.endOfBusinessDay(reminderAfterBusinessDays, after: pendingSince)
    }

    public static func solveAt(pendingSince: Date, on calendar: BusinessCalendar) throws(DomainError) -> Date {
        try calendar.endOfBusinessDay(solveAfterBusinessDays, after: pendingSince)
    }

    public static let reminderText = "We are waiting for your reply on this ticket. If we don't hear from you within 5 more business days, it will be solved automatically."
    public static let solvedText = "This ticket was solved automatically because we had no reply for 10 business days. Reply within 4 days to reopen it; after that, a reply opens a follow-up ticket."
}
