import Foundation
import Synchronization
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
        "\(Formatters.shared.string(from: date, pattern: "yyyy-MM-dd HH:mm", locale: "en_US_POSIX", zone: zone)) \(abbreviation(of: zone, at: date))"
    }

    /// "UTC", "CET", "EDT"; where a zone has no common abbreviation, its offset ("GMT+5:30").
    static func abbreviation(of zone: TimeZone, at date: Date) -> String {
        // Linux's Foundation names the UTC zone "GMT" and abbreviates it so; the pages say UTC.
        guard zone != TimeZoneSetting.utcZone, zone.identifier != TimeZoneSetting.utc else { return TimeZoneSetting.utc }
        return Formatters.shared.string(from: date, pattern: "zzz", locale: "en_US", zone: zone)
    }

    /// One formatter per pattern and zone, made once: a page shows a time per row, and making a
    /// `DateFormatter` costs far more than using one (bench/pages: a 50-row queue made 300). A
    /// formatter is used under the lock, as Foundation does not promise it is safe to share.
    private final class Formatters: Sendable {
        static let shared = Formatters()
        private let formatters = Mutex<[String: DateFormatter]>([:])

        func string(from date: Date, pattern: String, locale: String, zone: TimeZone) -> String {
            formatters.withLock { formatters in
                let key = "\(pattern)|\(locale)|\(zone.identifier)"
                if let formatter = formatters[key] { return formatter.string(from: date) }
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: locale)
                formatter.timeZone = zone
                formatter.dateFormat = pattern
                // Zones come from a fixed IANA list and patterns from this file: the map stays small.
                formatters[key] = formatter
                return formatter.string(from: date)
            }
        }
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
