import Foundation

/// STS-4: after an incident, its reason for outage (RFO) is published and each affected
/// personalized customer receives it through a ticket.
public enum ReasonForOutage {
    /// The RFO may be written once the incident is resolved, and only once.
    public static func check(_ status: IncidentStatus) throws(DomainError) {
        if status.isOpen {
            throw DomainError(.rfoBeforeResolution, "The incident is \(status.rawValue): resolve it before publishing its reason for outage.")
        }
        if status == .postmortem {
            throw DomainError(.statusTransitionNotAllowed, IncidentStatus.refusal(from: .postmortem, to: .postmortem))
        }
    }

    /// The support product of the RFO ticket: the affected components' one product, or
    /// "other" when they span several (or none).
    public static func supportProduct(of products: [StatusProduct]) -> SupportProduct {
        let distinct = Set(products.map(\.supportProduct))
        return distinct.count == 1 ? distinct.first ?? .other : .other
    }

    /// Whether the affected organisations can be narrowed from recorded usage: only when an
    /// SMS component is affected (admissions are the one usage TrustDesk records).
    public static func narrowsByUsage(_ products: [StatusProduct]) -> Bool {
        products.contains(where: \.hasUsageRecord)
    }

    public static func ticketSubject(incident name: String) -> String {
        "Reason for outage: \(name)"
    }

    public static func ticketDescription(incident name: String, startedAt: String, resolvedAt: String, link: String) -> String {
        """
        Your technical account manager is sending you the reason for outage (RFO) of the incident "\(name)" \
        (\(startedAt) to \(resolvedAt)). It follows as the first reply on this ticket; it is also on the status page: \(link)

        Reply here with any question about how it affected you.
        """
    }
}
