import Foundation
import TrustDeskCore

/// Reads the status page's environment variables into the configuration (README lists them).
enum StatusSettings {
    static func read(_ env: [String: String], into config: inout TrustDeskConfiguration) throws {
        if let name = env["TRUSTDESK_STATUS_PAGE_NAME"], !name.isEmpty {
            guard let valid = try? Validate.displayName(name, field: "name", maximum: 100) else {
                throw TrustDeskConfiguration.Invalid(description: "TRUSTDESK_STATUS_PAGE_NAME must be 1 to 100 characters without control characters.")
            }
            config.statusPageName = valid
        }
        if let zone = env["TRUSTDESK_STATUS_TIME_ZONE"], !zone.isEmpty {
            guard TimeZone(identifier: zone) != nil else {
                throw TrustDeskConfiguration.Invalid(description: "TRUSTDESK_STATUS_TIME_ZONE must be an IANA time zone such as UTC or Europe/London.")
            }
            config.statusTimeZone = zone
        }
        if let minutes = env["TRUSTDESK_STATUS_REMINDER_MINUTES"], !minutes.isEmpty {
            guard let value = Int(minutes), (5...2_880).contains(value) else {
                throw TrustDeskConfiguration.Invalid(description: "TRUSTDESK_STATUS_REMINDER_MINUTES must be a whole number of minutes from 5 to 2880.")
            }
            config.statusReminderLead = TimeInterval(value * 60)
        }
    }
}
