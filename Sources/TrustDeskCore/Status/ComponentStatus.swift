import Foundation

/// A component's status on the status page (STS-1), in the words of the Statuspage v2 API.
public enum ComponentStatus: String, CaseIterable, Sendable, Codable {
    case operational
    case degradedPerformance = "degraded_performance"
    case partialOutage = "partial_outage"
    case majorOutage = "major_outage"
    case underMaintenance = "under_maintenance"

    public var title: String {
        switch self {
        case .operational: "Operational"
        case .degradedPerformance: "Degraded performance"
        case .partialOutage: "Partial outage"
        case .majorOutage: "Major outage"
        case .underMaintenance: "Under maintenance"
        }
    }

    /// How bad it is for someone using the component: planned maintenance ranks above
    /// "operational" and below any unplanned trouble.
    public var severity: Int {
        switch self {
        case .operational: 0
        case .underMaintenance: 1
        case .degradedPerformance: 2
        case .partialOutage: 3
        case .majorOutage: 4
        }
    }

    /// The impact an incident has when this component is in this status: Statuspage's own
    /// mapping (degraded is minor, partial is major, a major outage is critical).
    public var impact: IncidentImpact {
        switch self {
        case .operational, .underMaintenance: .none
        case .degradedPerformance: .minor
        case .partialOutage: .major
        case .majorOutage: .critical
        }
    }

    /// A group shows the worst status of its members; an empty group is operational.
    public static func worst(of statuses: [ComponentStatus]) -> ComponentStatus {
        statuses.max { $0.severity < $1.severity } ?? .operational
    }

    public static func parse(_ text: String, field: String = "status") throws(DomainError) -> ComponentStatus {
        guard let status = ComponentStatus(rawValue: text.trimmingWhitespace().lowercased()) else {
            throw DomainError(.invalidParameter, "\(field): \"\(text.prefix(32))\" is not a component status; use \(allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return status
    }
}

/// The product a component stands for. It decides the support product of a reason-for-outage
/// ticket (STS-4) and whether TrustDesk can tell which customers used the component: only SMS
/// admissions are recorded (Progressive Trust's ledger), nothing else is.
public enum StatusProduct: String, CaseIterable, Sendable, Codable {
    case sms, mms, whatsapp, voice, video, email, verify
    case consoleAPI = "console_api"
    case other

    public var title: String {
        switch self {
        case .sms: "SMS"
        case .mms: "MMS"
        case .whatsapp: "WhatsApp"
        case .voice: "Voice"
        case .video: "Video"
        case .email: "Email"
        case .verify: "Verify"
        case .consoleAPI: "Console & API"
        case .other: "Other"
        }
    }

    public var supportProduct: SupportProduct {
        switch self {
        case .sms, .mms, .whatsapp: .messaging
        case .voice: .voice
        case .video: .video
        case .email: .email
        case .verify, .consoleAPI, .other: .other
        }
    }

    /// Whether the ledger knows which accounts used it during an incident.
    public var hasUsageRecord: Bool { self == .sms }

    public static func parse(_ text: String, field: String = "product") throws(DomainError) -> StatusProduct {
        guard let product = StatusProduct(rawValue: text.trimmingWhitespace().lowercased()) else {
            throw DomainError(.invalidParameter, "\(field): \"\(text.prefix(32))\" is not a product; use \(allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return product
    }
}
