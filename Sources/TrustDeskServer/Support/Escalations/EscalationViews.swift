import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The escalation panel on the customer's ticket page (SUP-9): the two reasons and a note while
/// the ticket may be escalated, and where the escalation is once it has been.
struct EscalationCustomerView: Encodable {
    let number: Int
    let canEscalate: Bool
    let reasons: [ChoiceView]
    let status: String?
    let statusTitle: String?
    let reason: String?
    let raised: String?
    let acknowledged: String?
    let resolved: String?
    let resolution: String?

    /// Nil for tickets of plans without escalation (the button would only ever be refused).
    static func build(_ request: Request, ticket: Ticket, form: PageForm?) async throws -> EscalationCustomerView? {
        let directory = SupportDirectory(database: request.db, now: request.now)
        guard try directory.plan(of: try await directory.profile(of: ticket.organisationSID)).hasTAM else { return nil }
        let latest = try await request.escalations().latest(of: [ticket.number])[ticket.number]
        let open = latest?.escalationStatus.isOpen == true
        let chosen = form?.text("reason") ?? ""
        return EscalationCustomerView(
            number: ticket.number, canEscalate: ticket.ticketStatus.isUnsolved && !open,
            reasons: EscalationReason.allCases.map { ChoiceView(value: $0.rawValue, title: $0.title, selected: $0.rawValue == chosen) },
            status: latest?.status, statusTitle: latest?.escalationStatus.title, reason: latest?.escalationReason.label,
            raised: latest.map { DateDisplay.local($0.createdAt) }, acknowledged: latest?.acknowledgedAt.map(DateDisplay.local),
            resolved: latest?.resolvedAt.map(DateDisplay.local), resolution: latest?.resolution)
    }
}

/// The escalation panel on the staff ticket page: why, who was alerted, and the acknowledge
/// and resolve forms.
struct EscalationStaffView: Encodable {
    let id: String
    let number: Int
    let status: String
    let statusTitle: String
    let reason: String
    let note: String
    let raisedBy: String
    let raised: String
    let alerted: [String]
    let acknowledged: String?
    let resolved: String?
    let resolution: String?
    let canAcknowledge: Bool
    let canResolve: Bool

    static func build(_ request: Request, ticket: Ticket) async throws -> EscalationStaffView? {
        guard let latest = try await request.escalations().latest(of: [ticket.number])[ticket.number], let id = latest.id else { return nil }
        let sids = latest.alerted.split(separator: " ").map(String.init) + [latest.acknowledgedBySID, latest.resolvedBySID].compactMap { $0 }
        let names = Dictionary(try await User.query(on: request.db).filter(\.$id ~~ sids).all().map { ($0.sid, $0.fullName) }, uniquingKeysWith: { first, _ in first })
        func name(_ sid: String?) -> String { sid.map { names[$0] ?? $0 } ?? "" }
        let status = latest.escalationStatus
        return EscalationStaffView(
            id: id.uuidString.lowercased(), number: ticket.number, status: latest.status, statusTitle: status.title,
            reason: latest.escalationReason.label, note: latest.note, raisedBy: latest.raisedByName, raised: DateDisplay.local(latest.createdAt),
            alerted: latest.alerted.split(separator: " ").map { name(String($0)) },
            acknowledged: latest.acknowledgedAt.map { "\(DateDisplay.local($0)) by \(name(latest.acknowledgedBySID))" },
            resolved: latest.resolvedAt.map { "\(DateDisplay.local($0)) by \(name(latest.resolvedBySID))" }, resolution: latest.resolution,
            canAcknowledge: status == .open, canResolve: status.isOpen)
    }
}
