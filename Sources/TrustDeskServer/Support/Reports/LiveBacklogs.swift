import Fluent
import Vapor

/// The backlog report's "now" table counts every unsolved ticket by status and group: at 50,000
/// unsolved, a scan of that many index entries (about 15-40 ms on PostgreSQL, most of the reports
/// page). Each node keeps each scope and filter's count for 10 seconds, as it keeps queue counts.
typealias LiveBacklogs = RecentReads<[SupportReports.BacklogRow]>

extension Application {
    private struct LiveBacklogsKey: StorageKey { typealias Value = LiveBacklogs }

    /// Set up with the application (Configure.swift), read by the reports pages and API.
    var liveBacklogs: LiveBacklogs {
        shared(LiveBacklogsKey.self) { LiveBacklogs(lifetime: 10) }
    }
}

extension Request {
    var supportReports: SupportReports { SupportReports(database: db, now: now, liveBacklogs: application.liveBacklogs) }
}
