import Fluent
import Vapor

/// The support desk's services, built in one place from the request's database and clock.
extension Request {
    var supportDirectory: SupportDirectory { SupportDirectory(database: db, now: now) }
}
