import Crypto
import Foundation
import TrustDeskCore

/// Reads the standing feature's environment variables into the configuration (README lists them).
enum StandingSettings {
    static func read(_ env: [String: String], into config: inout TrustDeskConfiguration) throws {
        if let raw = env["TRUSTDESK_SECRET_SCANNING_KEYS"], !raw.isEmpty {
            config.secretScanningKeys = try secretScanningKeys(raw)
        }
        if let hotline = env["TRUSTDESK_FRAUD_HOTLINE"], !hotline.isEmpty {
            config.fraudHotline = String(hotline.prefix(40))
        }
        if let days = env["TRUSTDESK_DORMANCY_DAYS"], !days.isEmpty {
            guard let value = Int(days), (30...3650).contains(value) else {
                throw TrustDeskConfiguration.Invalid(description: "TRUSTDESK_DORMANCY_DAYS must be a whole number of days from 30 to 3650.")
            }
            config.dormancyDays = value
        }
        if let countries = env["TRUSTDESK_VETTING_RISK_COUNTRIES"], !countries.isEmpty {
            config.vettingRiskCountries = try riskCountries(countries)
        }
    }

    /// A comma- or space-separated list of ISO 3166 alpha-2 codes.
    static func riskCountries(_ raw: String) throws -> Set<String> {
        var codes: Set<String> = []
        for part in raw.split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let code = try? SignupContact.country(String(part)) else {
                throw TrustDeskConfiguration.Invalid(description: "TRUSTDESK_VETTING_RISK_COUNTRIES: \"\(part.prefix(8))\" is not an ISO 3166 two-letter country code.")
            }
            codes.insert(code)
        }
        return codes
    }

    struct KeyEntry: Decodable {
        let keyIdentifier: String
        let key: String
        /// GitHub's format for its signing keys, not ours.
        enum CodingKeys: String, CodingKey { case keyIdentifier = "key_identifier", key }
    }

    /// The JSON itself, or a path to a file with it. Every key must be a P-256 PEM public key.
    static func secretScanningKeys(_ raw: String) throws -> [String: String] {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let json: Data
        if trimmed.hasPrefix("[") {
            json = Data(trimmed.utf8)
        } else {
            guard let data = FileManager.default.contents(atPath: trimmed) else {
                throw TrustDeskConfiguration.Invalid(description: "TRUSTDESK_SECRET_SCANNING_KEYS: no readable file at \(trimmed) (give a JSON array or a file path).")
            }
            json = data
        }
        guard let entries = try? JSONDecoder().decode([KeyEntry].self, from: json) else {
            throw TrustDeskConfiguration.Invalid(description: "TRUSTDESK_SECRET_SCANNING_KEYS must be a JSON array of {\"key_identifier\", \"key\"} objects.")
        }
        var keys: [String: String] = [:]
        for entry in entries {
            guard (try? P256.Signing.PublicKey(pemRepresentation: entry.key)) != nil else {
                throw TrustDeskConfiguration.Invalid(description: "TRUSTDESK_SECRET_SCANNING_KEYS: key \(entry.keyIdentifier.prefix(80)) is not a P-256 public key in PEM form.")
            }
            keys[entry.keyIdentifier] = entry.key
        }
        return keys
    }
}
