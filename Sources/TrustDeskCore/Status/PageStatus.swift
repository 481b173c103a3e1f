import Foundation

/// The page's one-line status (STS-5 `status {indicator, description}`): the worst of what the
/// unresolved incidents say and what the components show, so a degraded component is visible
/// even before anyone opens an incident.
public struct PageStatus: Sendable, Equatable {
    public let indicator: IncidentImpact
    public let description: String

    public init(indicator: IncidentImpact, description: String) {
        self.indicator = indicator
        self.description = description
    }

    /// - Parameters:
    ///   - components: the status of every component (groups excluded: they only repeat their members).
    ///   - unresolvedImpacts: the impact of every unresolved incident.
    ///   - maintenanceActive: whether a scheduled maintenance is in progress or verifying.
    public static func compute(components: [ComponentStatus], unresolvedImpacts: [IncidentImpact], maintenanceActive: Bool) -> PageStatus {
        let indicator = max(IncidentImpact.derived(from: components), unresolvedImpacts.max() ?? IncidentImpact.none)
        if indicator == .none, maintenanceActive || components.contains(.underMaintenance) {
            return PageStatus(indicator: .none, description: "Service Under Maintenance")
        }
        return PageStatus(indicator: indicator, description: description(of: indicator))
    }

    /// Statuspage's wording for each indicator.
    public static func description(of indicator: IncidentImpact) -> String {
        switch indicator {
        case .none: "All Systems Operational"
        case .minor: "Minor Service Outage"
        case .major: "Partial System Outage"
        case .critical: "Major System Outage"
        }
    }
}
