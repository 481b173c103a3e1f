import Foundation

/// The products a ticket can be about; each has its own intake guidance (SUP-12).
public enum SupportProduct: String, CaseIterable, Sendable, Codable {
    case voice, messaging, flex, video, email, authy, other

    public var title: String {
        switch self {
        case .voice: "Voice"
        case .messaging: "Messaging"
        case .flex: "Flex"
        case .video: "Video"
        case .email: "Email"
        case .authy: "Authy"
        case .other: "Other products"
        }
    }

    public static func parse(_ text: String) throws(DomainError) -> SupportProduct {
        guard let product = SupportProduct(rawValue: text.lowercased()) else {
            throw DomainError(.unknownProduct, "product: \"\(text.prefix(32))\" is not a product; use \(allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return product
    }

    /// SID prefixes a ticket about this product takes.
    public var sidPrefixes: Set<SIDPrefix> {
        switch self {
        case .voice: [.call]
        case .messaging: [.smsMessage, .mmsMessage]
        case .flex: [.task, .chatChannel, .call, .smsMessage, .mmsMessage]
        case .video: [.room, .participant, .mediaTrack, .recording, .composition, .account]
        case .email, .authy, .other: Set(SIDPrefix.allCases)
        }
    }

    /// How old examples may be before providers have dropped their records. SIDs carry no
    /// time, so the form asks when the oldest example happened.
    public var ageWindowHours: Int? {
        switch self {
        case .voice: 24
        case .messaging: 72
        case .flex, .authy, .other: 48
        case .video, .email: nil
        }
    }

    /// What the form shows above the fields.
    public var guidance: String {
        switch self {
        case .voice: "Give 2-3 call SIDs (CA…) from the last 24 hours showing the same symptom, when the oldest happened, and the one country affected (open one ticket per country). Calls 24-48 hours old are best effort; older than 48 hours can't be investigated."
        case .messaging: "Give 2-3 message SIDs (SM… or MM…) from the last 72 hours showing the same symptom, when the oldest was sent, and whether the messages are inbound or outbound."
        case .flex: "Give recent example SIDs from the browser console log (task WT…, chat channel CH…, call CA…) and describe what the user saw or heard."
        case .video: "List the relevant room, participant, track, recording or composition SIDs (RM…, PA…, MT…, RT…, CJ…) and the SDK and version in use."
        case .email: "Give the username of the affected account or subuser and which part of email you use: SMTP/API, marketing campaigns, or the user interface."
        case .authy, .other: "Give 2-3 example SIDs from the last 48 hours and when the oldest happened."
        }
    }
}

/// What a ticket form or API body says about the problem, before checking.
public struct IntakeForm: Sendable {
    public var product: SupportProduct
    /// SIDs as typed: separated by spaces, commas or new lines.
    public var sidsText: String
    /// When the oldest example happened (the SIDs themselves carry no time).
    public var oldestExampleAt: Date?
    /// Voice: countries affected, comma separated; exactly one is wanted.
    public var countries: String
    /// Messaging: inbound or outbound.
    public var direction: String
    /// Video: SDK and version.
    public var sdk: String
    public var sdkVersion: String
    /// Email: username of the affected account, and the product part.
    public var username: String
    public var emailArea: String

    public init(product: SupportProduct, sidsText: String = "", oldestExampleAt: Date? = nil, countries: String = "", direction: String = "",
                sdk: String = "", sdkVersion: String = "", username: String = "", emailArea: String = "") {
        self.product = product
        self.sidsText = sidsText
        self.oldestExampleAt = oldestExampleAt
        self.countries = countries
        self.direction = direction
        self.sdk = sdk
        self.sdkVersion = sdkVersion
        self.username = username
        self.emailArea = emailArea
    }
}

/// The checked intake: SIDs parsed, extra details kept, and warnings to show the customer.
public struct IntakeResult: Sendable, Equatable {
    public let sids: [SID]
    public let details: [String: String]
    public let warnings: [String]

    public init(sids: [SID], details: [String: String], warnings: [String]) {
        self.sids = sids
        self.details = details
        self.warnings = warnings
    }
}

/// SUP-12: a missing item is a warning with the reason; a malformed SID is an error; a
/// voice example older than 48 hours, or several countries on one voice ticket, is refused.
public enum Intake {
    public static let maximumSIDs = 10
    public static let emailAreas = ["smtp_api": "SMTP / API", "marketing_campaigns": "Marketing campaigns", "ui": "User interface"]

    /// Every field is checked, and every problem reported at once (`FieldChecks`).
    public static func check(_ form: IntakeForm, now: Date) throws(DomainError) -> IntakeResult {
        let product = form.product
        var checks = FieldChecks()
        var warnings: [String] = []
        var details: [String: String] = [:]
        let sids = checks.run { () throws(DomainError) in try parseSIDs(form.sidsText, for: product) } ?? []
        for (field, value) in [("countries", form.countries), ("direction", form.direction), ("sdk", form.sdk), ("sdk_version", form.sdkVersion), ("username", form.username), ("email_area", form.emailArea)]
        where value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            checks.add(DomainError(.invalidParameter, "\(field): control characters are not allowed."))
        }

        switch product {
        case .voice, .messaging, .authy, .other:
            if sids.count < 2 {
                warnings.append("Give 2-3 example SIDs: several examples show a trend, one is treated as an isolated event.")
            }
        case .flex, .video:
            if sids.isEmpty { warnings.append("No SIDs given: recent example SIDs let us find and keep the logs for your case.") }
        case .email:
            break
        }

        if let window = product.ageWindowHours {
            if let oldest = form.oldestExampleAt {
                let hours = now.timeIntervalSince(oldest) / 3600
                if oldest > now.addingTimeInterval(300) {
                    checks.add(DomainError(.invalidParameter, "oldest_example_at: the time is in the future; give when the oldest example happened."))
                } else if product == .voice && hours > 48 {
                    checks.add(DomainError(.ticketTooOld, "oldest_example_at: calls older than 48 hours can't be investigated because carriers no longer hold their records; give examples from the last 24 hours."))
                } else {
                    details["oldest_example_at"] = ISO8601DateFormatter().string(from: oldest)
                    if product == .voice && hours > 24 {
                        warnings.append("Calls 24-48 hours old are investigated on a best-effort basis: many carriers keep records for 24 hours only.")
                    } else if hours > Double(window) {
                        warnings.append("Examples older than \(window) hours may no longer be in our providers' records; add more recent ones if you can.")
                    }
                }
            } else if !sids.isEmpty || product == .voice || product == .messaging {
                warnings.append("Say when the oldest example happened: providers keep records for \(window) hours\(product == .voice ? " (48 at best)" : "").")
            }
        }

        switch product {
        case .voice:
            let countries = Set(form.countries.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "/" })
                .map { String($0).trimmingWhitespace().uppercased() }.filter { !$0.isEmpty })
            if countries.count > 1 {
                checks.add(DomainError(.oneCountryPerTicket, "countries: one country per voice ticket; open separate tickets for \(countries.sorted().joined(separator: ", "))."))
            } else if let country = countries.first {
                details["country"] = String(country.prefix(64))
            } else {
                warnings.append("Name the country the calls were to or from: routes differ per country.")
            }
        case .messaging:
            let direction = form.direction.trimmingWhitespace().lowercased()
            if direction.isEmpty {
                warnings.append("Say whether the messages are inbound or outbound: they take different routes.")
            } else if direction == "inbound" || direction == "outbound" {
                details["direction"] = direction
            } else {
                checks.add(DomainError(.invalidParameter, "direction: use inbound or outbound."))
            }
        case .video:
            let sdk = form.sdk.trimmingWhitespace(), version = form.sdkVersion.trimmingWhitespace()
            if sdk.isEmpty { warnings.append("Say which SDK is in use (JavaScript, Android, iOS).") } else { details["sdk"] = String(sdk.prefix(64)) }
            if version.isEmpty { warnings.append("Give the SDK version: many problems are fixed in later versions.") } else { details["sdk_version"] = String(version.prefix(32)) }
        case .email:
            let username = form.username.trimmingWhitespace(), area = form.emailArea.trimmingWhitespace().lowercased()
            if username.isEmpty { warnings.append("Give the username of the affected account or subuser.") } else { details["username"] = String(username.prefix(64)) }
            if area.isEmpty {
                warnings.append("Say which part of email you use: SMTP/API, marketing campaigns or the user interface.")
            } else if emailAreas[area] != nil {
                details["email_area"] = area
            } else {
                checks.add(DomainError(.invalidParameter, "email_area: use smtp_api, marketing_campaigns or ui."))
            }
        case .flex, .authy, .other:
            break
        }
        try checks.finish()
        return IntakeResult(sids: sids, details: details, warnings: warnings)
    }

    /// SIDs from free text, each checked by prefix and length (ACC-1); duplicates dropped.
    public static func parseSIDs(_ text: String, for product: SupportProduct) throws(DomainError) -> [SID] {
        let words = text.split(whereSeparator: { $0 == "," || $0 == ";" || $0.isWhitespace }).map(String.init)
        var result: [SID] = []
        for word in words {
            let sid: SID
            do {
                sid = try SID(parsing: word, expecting: product.sidPrefixes)
            } catch {
                throw DomainError(.malformedSID, "sids: \(error.description)")
            }
            if !result.contains(sid) { result.append(sid) }
        }
        guard result.count <= maximumSIDs else {
            throw DomainError(.invalidParameter, "sids: give at most \(maximumSIDs) SIDs; 2-3 good examples are enough.")
        }
        return result
    }
}
