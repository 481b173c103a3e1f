import Foundation

/// Why a customer escalates a ticket (SUP-9): the two reasons of the runbook's "Escalate"
/// button, in the customer's words.
public enum EscalationReason: String, CaseIterable, Sendable, Codable {
    case noMeaningfulResponse = "no_meaningful_response"
    case criticalBlocker = "critical_blocker"

    /// What the customer picks.
    public var title: String {
        switch self {
        case .noMeaningfulResponse: "I'm not getting a meaningful response, or not the guaranteed response time."
        case .criticalBlocker: "I'm facing a critical blocker impacting my business and am available to engage now."
        }
    }

    /// A short label for staff queues and reports.
    public var label: String {
        switch self {
        case .noMeaningfulResponse: "No meaningful response"
        case .criticalBlocker: "Critical blocker"
        }
    }

    public static func parse(_ text: String) throws(DomainError) -> EscalationReason {
        guard let reason = EscalationReason(rawValue: text.trimmingWhitespace().lowercased()) else {
            throw DomainError(.invalidParameter, "reason: choose \(allCases.map(\.rawValue).joined(separator: " or ")).")
        }
        return reason
    }
}

/// Where an escalation is: raised by the customer, acknowledged by staff, then resolved. Only
/// a resolved escalation lets the ticket be escalated again (one open escalation per ticket).
public enum EscalationStatus: String, CaseIterable, Sendable, Codable {
    case open
    case acknowledged
    case resolved

    public var isOpen: Bool { self != .resolved }

    public var title: String {
        switch self {
        case .open: "Open: support management has been alerted"
        case .acknowledged: "Acknowledged: support management is on it"
        case .resolved: "Resolved"
        }
    }
}

/// A member of the support-management rota: their calendar is their on-call time.
public struct RotaMember: Sendable, Equatable {
    public let id: String
    public let calendar: BusinessCalendar
    public let available: Bool

    public init(id: String, calendar: BusinessCalendar, available: Bool) {
        self.id = id
        self.calendar = calendar
        self.available = available
    }
}

/// SUP-9: who may escalate, what an escalation may become, and who is alerted.
public enum EscalationPolicy {
    /// The note the customer adds: optional, bounded.
    public static let maximumNote = 2_000
    /// Staff acknowledge an escalation within this time ("investigated immediately"): the
    /// target line of the escalations report.
    public static let acknowledgeTargetMinutes = 30

    /// Whether the ticket may be escalated now. Checked before the conditional write that
    /// enforces "one open escalation" across concurrent requests.
    public static func check(plan: SupportPlan, ticketStatus: TicketStatus, hasOpenEscalation: Bool) throws(DomainError) {
        guard plan.hasTAM else {
            throw DomainError(.escalationNotAllowed, "Escalation is part of the Personalized support plan; this organisation is on the \(plan.name) plan. Reply on the ticket or raise its priority instead.")
        }
        guard ticketStatus.isUnsolved else {
            throw DomainError(.escalationNotAllowed, "A \(ticketStatus.rawValue) ticket can't be escalated; reply to reopen it, or open a new ticket.")
        }
        if hasOpenEscalation { throw alreadyOpen }
    }

    public static let alreadyOpen = DomainError(.escalationAlreadyOpen, "This ticket already has an open escalation; support management has been alerted and will contact you.")

    public static func note(_ text: String) throws(DomainError) -> String {
        let trimmed = text.trimmingWhitespace()
        guard trimmed.count <= maximumNote else {
            throw DomainError(.invalidParameter, "note: use at most \(maximumNote) characters.")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !["\n", "\r", "\t"].contains($0) }) else {
            throw DomainError(.invalidParameter, "note: control characters are not allowed.")
        }
        return trimmed
    }

    /// Staff moves: open -> acknowledged -> resolved; an open escalation may be resolved at once.
    public static func move(_ status: EscalationStatus, to target: EscalationStatus) throws(DomainError) -> EscalationStatus {
        switch (status, target) {
        case (.open, .acknowledged), (.open, .resolved), (.acknowledged, .resolved):
            return target
        default:
            throw DomainError(.escalationTransitionNotAllowed, "An \(status.rawValue) escalation can't become \(target.rawValue).")
        }
    }

    /// The support-management on-call at `now`: the available members whose calendar covers
    /// now; when nobody's does, everyone on the rota, so an escalation never goes unheard.
    public static func onCall(_ rota: [RotaMember], at now: Date) -> [String] {
        let covering = rota.filter { $0.available && $0.calendar.isWorking(at: now) }.map(\.id)
        return covering.isEmpty ? rota.map(\.id) : covering
    }

    /// Everyone alerted at once: the organisation's TAM manager and the on-call, each once.
    public static func recipients(tamManager: String?, rota: [RotaMember], at now: Date) -> [String] {
        var result: [String] = []
        for id in [tamManager].compactMap({ $0 }) + onCall(rota, at: now) where !result.contains(id) {
            result.append(id)
        }
        return result
    }
}
