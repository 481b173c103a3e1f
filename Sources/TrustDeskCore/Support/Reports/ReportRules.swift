import Foundation

/// Who reads the support desk's reports (SUP-16): support management, admins and TAMs for the
/// whole desk; personalized customers their own organisation's ("Custom Reporting").
public enum SupportReportAccess {
    public static let staffRoles: Set<StaffRole> = [.supportManager, .admin, .tam]

    public static func checkStaff(_ role: StaffRole?) throws(DomainError) {
        guard let role, staffRoles.contains(role) else {
            throw DomainError(.permissionDenied, "Support reports are for support managers, TAMs and admins.")
        }
    }

    public static func checkCustomer(plan: SupportPlan) throws(DomainError) {
        guard plan.hasTAM else {
            throw DomainError(.permissionDenied, "Custom reporting is part of the Personalized support plan; this organisation is on the \(plan.name) plan.")
        }
    }
}

/// The first-response chart's target line: the response target of the chosen priority on the
/// chosen plan (Personalized and priority 2 when none is chosen), measured as the target is:
/// around the clock for priority 1, in business minutes otherwise.
public enum FirstResponseTrend {
    public static func target(plan: SupportPlan?, priority: TicketPriority?) -> ResponseTarget {
        let plan = plan ?? .personalized
        return plan.target(for: priority ?? .degradedService) ?? ResponseTarget(minutes: 120, aroundTheClock: false)
    }
}

/// The hourly backlog snapshots (SUP-16): when one is taken, which ones end a local day in a
/// report zone (kept after three days), and which one stands for a day.
public enum BacklogSnapshots {
    public static let keepAllFor: TimeInterval = 3 * 86_400
    public static let keepDayEndsFor: TimeInterval = 400 * 86_400

    /// The snapshot's time: the start of the current UTC hour.
    public static func takenAt(_ now: Date) -> Date {
        Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 3_600).rounded(.down) * 3_600)
    }

    /// The snapshot that stands for `day` in `zone`: the last hourly one before the day ends.
    public static func snapshot(for day: LocalDate, in zone: TimeZone) -> Date {
        takenAt(ReportPeriod.startOfDay(LocalDate(dayNumber: day.dayNumber + 1), in: zone).addingTimeInterval(-1))
    }

    /// Whether the snapshot taken at `takenAt` stands for a day in any of `zones`.
    public static func endsDay(_ takenAt: Date, zones: [String]) -> Bool {
        zones.compactMap(TimeZone.init(identifier:)).contains { zone in
            snapshot(for: ReportPeriod.localDate(of: takenAt, in: zone), in: zone) == takenAt
        }
    }
}
