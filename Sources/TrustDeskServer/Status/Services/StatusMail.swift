import Foundation
import TrustDeskCore

/// The words of every status mail and of the job's own updates.
enum StatusMail {
    static let maintenanceStarted = "The scheduled maintenance has begun. We will post an update when it is complete."
    static let maintenanceCompleted = "The scheduled maintenance is complete and every affected service is back in normal operation."
    static let maintenanceWindowPassed = "The scheduled maintenance window has ended."

    static func statusTitle(_ raw: String) -> String {
        IncidentStatus(rawValue: raw)?.title ?? MaintenanceStatus(rawValue: raw)?.title ?? raw
    }

    static func updateSubject(page: String, incident: String, status: String) -> String {
        String("[\(page) status] \(statusTitle(status)): \(incident)".prefix(200))
    }

    static func updateBody(incident: String, status: String, body: String, at: String, affected: [String], link: String) -> String {
        var lines = ["\(incident)", "", "\(statusTitle(status)) (\(at))", "", body]
        if !affected.isEmpty { lines += ["", "Affected: \(affected.joined(separator: ", "))"] }
        lines += ["", "Follow it on the status page: \(link)"]
        return lines.joined(separator: "\n")
    }

    static func reminderSubject(page: String, maintenance: String) -> String {
        String("[\(page) status] Reminder: scheduled maintenance soon: \(maintenance)".prefix(200))
    }

    static func reminderBody(maintenance: String, window: String, affected: [String], link: String) -> String {
        var lines = ["\(maintenance)", "", "This scheduled maintenance starts soon: \(window)."]
        if !affected.isEmpty { lines += ["", "Affected: \(affected.joined(separator: ", "))"] }
        lines += ["", "Details: \(link)"]
        return lines.joined(separator: "\n")
    }

    /// The end of every status mail: why it came and how to stop it in one click.
    static func footer(page: String, unsubscribe: String) -> String {
        "\n\n--\nYou receive this because you subscribed to \(page) status updates.\nUnsubscribe: \(unsubscribe)\n"
    }

    /// RFC 8058: mail clients show an unsubscribe button that POSTs `List-Unsubscribe=One-Click`.
    static func listHeaders(unsubscribe: String) -> [MailHeader] {
        [MailHeader("List-Unsubscribe", "<\(unsubscribe)>"), MailHeader("List-Unsubscribe-Post", StatusSubscription.oneClickBody)]
    }

    static func confirmationSubject(page: String) -> String { "Confirm your subscription to \(page) status updates" }

    static func confirmationBody(page: String, link: String, alreadySubscribed: Bool) -> String {
        let first = alreadySubscribed
            ? "You are already subscribed to \(page) status updates. To change which components you hear about, confirm your new choice:"
            : "Someone, hopefully you, asked to receive \(page) status updates at this address. To start receiving them, confirm:"
        return """
        \(first)

        \(link)

        The link works once and expires in 48 hours. If you did not ask for this, ignore this mail: nothing will be sent to you.
        """
    }
}

/// How status pages and mails show times: in the page's zone, with the zone's abbreviation.
enum StatusDateDisplay {
    static func local(_ date: Date, zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "MMM d, yyyy HH:mm"
        return "\(formatter.string(from: date)) \(abbreviation(zone, at: date))"
    }

    static func day(_ date: Date, zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "MMMM d, yyyy"
        return formatter.string(from: date)
    }

    /// The value a datetime-local field shows for `date` in `zone`.
    static func field(_ date: Date, zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.string(from: date)
    }

    /// "BST", "EDT": the short name people use, found in the first English locale that has one;
    /// the numeric offset where none has.
    static func abbreviation(_ zone: TimeZone, at date: Date) -> String {
        if zone.secondsFromGMT(for: date) == 0, ["UTC", "GMT", "Etc/UTC", "Etc/GMT"].contains(zone.identifier) { return "UTC" }
        for locale in ["en_US_POSIX", "en_GB", "en_AU", "en_IN"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: locale)
            formatter.timeZone = zone
            formatter.dateFormat = "z"
            let short = formatter.string(from: date)
            if !short.isEmpty, !short.hasPrefix("GMT") || short == "GMT" { return short }
        }
        let seconds = zone.secondsFromGMT(for: date)
        let sign = seconds < 0 ? "-" : "+"
        return String(format: "UTC%@%02d:%02d", sign, abs(seconds) / 3600, abs(seconds) % 3600 / 60)
    }

    /// Statuspage's timestamps: ISO 8601 with milliseconds.
    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
