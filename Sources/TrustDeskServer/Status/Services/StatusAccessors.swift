import Fluent
import Foundation
import Vapor

/// The status services, built in one place for handlers (`request.statusIncidents`) and for
/// jobs (`app.statusIncidents(now:)`).
extension Request {
    var statusSettings: StatusPageSettings { StatusPageSettings(application.trustDeskConfiguration) }
    var statusComponents: StatusComponents { StatusComponents(database: db, now: now) }
    var statusIncidents: StatusIncidents { StatusIncidents(database: db, now: now, settings: statusSettings) }
    var statusSubscribers: StatusSubscribers { StatusSubscribers(database: db, now: now, settings: statusSettings) }
    var statusRFO: StatusRFO { StatusRFO(database: db, now: now, settings: statusSettings, supportSettings: supportSettings) }
}

extension Application {
    var statusSettings: StatusPageSettings { StatusPageSettings(trustDeskConfiguration) }

    func statusIncidents(now: Date) -> StatusIncidents { StatusIncidents(database: db, now: now, settings: statusSettings) }
    func statusMailings(now: Date) -> StatusMailings { StatusMailings(database: db, now: now, settings: statusSettings) }
    func statusSubscribers(now: Date) -> StatusSubscribers { StatusSubscribers(database: db, now: now, settings: statusSettings) }
    func statusRFO(now: Date) -> StatusRFO { StatusRFO(database: db, now: now, settings: statusSettings, supportSettings: trustDeskConfiguration.supportSettings) }
}
