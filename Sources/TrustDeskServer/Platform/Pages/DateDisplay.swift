import Foundation
import TrustDeskCore
import Vapor

/// How times read: to the minute with the zone's abbreviation, unambiguous in every locale.
/// Pages show them in the viewer's zone (`local`); mail and stored text, which no one viewer
/// reads, in UTC, and say so (`utc`).
enum DateDisplay {
    /// The zone of the person a page is rendered for, set once per page request by
    /// `ViewerTimeZoneMiddleware`. A task-local because times are formatted deep inside view
    /// models built from stored rows: threading the zone through each of them would tie every
    /// view to the request. Outside a page request (jobs, mail, the API) it is UTC.
    @TaskLocal static var viewerZone: TimeZone = TimeZoneSetting.utcZone

    /// `date` in the viewer's zone: "2026-03-02 14:05 CET".
    static func local(_ date: Date) -> String { format(date, in: viewerZone) }

    /// `date` in UTC: "2026-03-02 13:05 UTC".
    static func utc(_ date: Date) -> String { format(date, in: TimeZoneSetting.utcZone) }

    /// `date` as the API writes it (ISO 8601, UTC, to the second), for the `data-` attributes
    /// scripts and checks compare with the API.
    static func iso(_ date: Date) -> String { date.formatted(.iso8601) }

    static func format(_ date: Date, in zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return "\(formatter.string(from: date)) \(abbreviation(of: zone, at: date))"
    }

    /// "UTC", "CET", "EDT"; where a zone has no common abbreviation, its offset ("GMT+5:30").
    static func abbreviation(of zone: TimeZone, at date: Date) -> String {
        // Linux's Foundation names the UTC zone "GMT" and abbreviates it so; the pages say UTC.
        guard zone != TimeZoneSetting.utcZone, zone.identifier != TimeZoneSetting.utc else { return TimeZoneSetting.utc }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US")
        formatter.timeZone = zone
        formatter.dateFormat = "zzz"
        return formatter.string(from: date)
    }
}

/// Puts the signed-in viewer's time zone in scope for everything a page request renders.
struct ViewerTimeZoneMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let zone = TimeZoneSetting.effective(own: request.signedIn?.user.timeZone)
        return try await DateDisplay.$viewerZone.withValue(zone) {
            try await next.respond(to: request)
        }
    }
}
