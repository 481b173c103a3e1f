import Foundation

/// The status page's settings every status service needs: its name, zone, links and reminder.
struct StatusPageSettings: Sendable {
    let name: String
    let timeZone: TimeZone
    /// The zone as configured ("UTC", "Europe/London"): Foundation may spell UTC "GMT".
    let zoneName: String
    let reminderLead: TimeInterval
    let publicURL: String

    init(_ configuration: TrustDeskConfiguration) {
        self.name = configuration.statusPageName
        self.timeZone = TimeZone(identifier: configuration.statusTimeZone) ?? .gmt
        self.zoneName = configuration.statusTimeZone
        self.reminderLead = configuration.statusReminderLead
        self.publicURL = configuration.publicURL
    }

    var pageURL: String { "\(publicURL)/status" }

    func incidentURL(_ id: String) -> String { "\(publicURL)/status/incidents/\(id)" }

    func unsubscribeURL(_ token: String) -> String { "\(publicURL)/status/unsubscribe/\(token)" }
}

/// Who posts to the status page: a staff member, or the maintenance job.
struct StatusActor: Sendable {
    let sid: String
    let staff: User?

    static let system = StatusActor(sid: "system", staff: nil)

    init(staff: User) {
        self.sid = staff.sid
        self.staff = staff
    }

    private init(sid: String, staff: User?) {
        self.sid = sid
        self.staff = staff
    }
}
