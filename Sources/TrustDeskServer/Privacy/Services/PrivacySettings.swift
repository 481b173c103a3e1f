import Foundation
import TrustDeskCore

/// Reads the privacy feature's environment variables into the configuration (README lists them).
enum PrivacySettings {
    static func read(_ env: [String: String], into config: inout TrustDeskConfiguration) throws {
        if let years = env["TRUSTDESK_RETENTION_SUBSCRIBER_YEARS"], !years.isEmpty {
            guard let value = Int(years), (1...30).contains(value) else {
                throw TrustDeskConfiguration.Invalid(description: "TRUSTDESK_RETENTION_SUBSCRIBER_YEARS must be a whole number of years from 1 to 30.")
            }
            config.retentionSubscriberYears = value
        }
    }
}

extension TrustDeskConfiguration {
    var retentionPolicy: RetentionPolicy { RetentionPolicy(subscriberYears: retentionSubscriberYears) }
    var exportsDirectory: String { (dataDirectory as NSString).appendingPathComponent("exports") }
}
