import Fluent
import Foundation
import Vapor

/// The support desk's services, built in one place from the request (or, for jobs and
/// commands, the application): the database to use, the clock, and the mail settings.
extension Request {
    var supportSettings: SupportSettings { application.trustDeskConfiguration.supportSettings }
    var supportDirectory: SupportDirectory { SupportDirectory(database: db, now: now, calendars: application.supportCalendars) }

    /// Tickets on the request's database, or on `database` (a transaction).
    func tickets(on database: (any Database)? = nil) -> Tickets {
        Tickets(database: database ?? db, now: now, settings: supportSettings, calendars: application.supportCalendars)
    }
}

extension Application {
    func tickets(now: Date, on database: (any Database)? = nil) -> Tickets {
        Tickets(database: database ?? db, now: now, settings: trustDeskConfiguration.supportSettings, calendars: supportCalendars)
    }
}

extension Request {
    func escalations(on database: (any Database)? = nil) -> Escalations {
        Escalations(database: database ?? db, now: now, settings: supportSettings)
    }
}

extension Request {
    func routeChanges(on database: (any Database)? = nil) -> RouteChanges {
        RouteChanges(database: database ?? db, now: now, settings: supportSettings)
    }
}

extension Application {
    func routeChanges(now: Date, on database: (any Database)? = nil) -> RouteChanges {
        RouteChanges(database: database ?? db, now: now, settings: trustDeskConfiguration.supportSettings)
    }
}
