import Foundation
import TrustDeskCore
import Vapor

/// Every setting TrustDesk reads from the environment, read in one place (README lists them).
public struct TrustDeskConfiguration: Sendable {
    public enum MailTransportKind: String, Sendable { case file, smtp }

    public var dataDirectory: String
    /// `nil` means the embedded SQLite file in `dataDirectory`.
    public var databaseURL: String?
    /// PostgreSQL schema to use instead of `public` (created if missing).
    public var databaseSchema: String?
    /// Base of every link in mail; also decides whether cookies are marked Secure.
    public var publicURL: String
    public var mailTransport: MailTransportKind
    public var smtpURL: String?
    public var mailFrom: String
    /// Seals TOTP secrets at rest. Derived from the data directory's key file when not set.
    public var secretKey: String?
    /// bcrypt cost for passwords (SEC-1: 12 or more in production).
    public var passwordCost: Int
    /// How often the scheduler looks for due work.
    public var schedulerTick: TimeInterval
    /// The messaging pipeline's credential for `/v1/Admissions` and `/v1/MessageOutcomes`
    /// (`TRUSTDESK_SERVICE_TOKEN`); unset refuses every service request.
    public var serviceToken: String? = nil
    /// Lets status callbacks go to loopback and private addresses (`TRUSTDESK_CALLBACKS_ALLOW_PRIVATE=true`):
    /// for test environments only, where the receiver runs next to the server (PT-9).
    public var callbacksAllowPrivate = false
    /// PT-2's floor and default daily SMS limit (`TRUSTDESK_SMS_LIMIT_FLOOR`).
    public var smsLimitFloor: Int = 1_000
    /// GitHub secret-scanning public keys by key identifier, PEM (`TRUSTDESK_SECRET_SCANNING_KEYS`:
    /// a JSON array of {key_identifier, key}, or the path of a file holding it). Empty refuses every report.
    public var secretScanningKeys: [String: String] = [:]
    /// The number an account-takeover notice gives (STD-4, `TRUSTDESK_FRAUD_HOTLINE`).
    public var fraudHotline: String = "+1 555 0100 0199"
    /// Days without usage before an account becomes dormant (STD-7, `TRUSTDESK_DORMANCY_DAYS`).
    public var dormancyDays: Int = 180
    /// ISO country codes whose sign-ups score `country_risk` (STD-6, `TRUSTDESK_VETTING_RISK_COUNTRIES`).
    public var vettingRiskCountries: Set<String> = []
    /// How long a stopping node waits for requests in flight before it stops anyway
    /// (`TRUSTDESK_SHUTDOWN_TIMEOUT`, seconds).
    public var shutdownTimeout: TimeInterval = 10
    /// Read each page template from disk on every request (`TRUSTDESK_RELOAD_TEMPLATES=1`), for
    /// people editing templates. Off: each template is read and parsed once per process.
    public var reloadTemplates = false
    /// The operator's own proxies and load balancers (`TRUSTDESK_TRUSTED_PROXIES`, addresses
    /// and CIDR networks); only their forwarding headers name the client. Empty by default.
    public var trustedProxies: TrustedProxies = .none
    /// Years subscriber records are kept after closure (PRV-4, `TRUSTDESK_RETENTION_SUBSCRIBER_YEARS`).
    public var retentionSubscriberYears: Int = 7
    /// The status page's name in its JSON and pages (STS-5, `TRUSTDESK_STATUS_PAGE_NAME`).
    public var statusPageName: String = "TrustDesk"
    /// The zone the status page shows times in (`TRUSTDESK_STATUS_TIME_ZONE`).
    public var statusTimeZone: String = "UTC"
    /// How long before a maintenance subscribers are reminded (`TRUSTDESK_STATUS_REMINDER_MINUTES`).
    public var statusReminderLead: TimeInterval = 60 * 60
    /// Subaccounts per account and per account per 24 hours (`TRUSTDESK_SUBACCOUNTS_MAX`,
    /// `TRUSTDESK_SUBACCOUNTS_PER_DAY`).
    public var subaccountLimits = SubaccountLimits.standard
    /// The voice provider's auth token that signs its webhooks (SUP-10, SEC-4,
    /// `TRUSTDESK_VOICE_AUTH_TOKEN`); unset refuses every voice webhook.
    public var voiceAuthToken: String? = nil
    /// The secret in the inbound-mail webhook's path (`TRUSTDESK_INBOUND_MAIL_TOKEN`); unset
    /// refuses every inbound mail (SUP-2).
    public var inboundMailToken: String? = nil
    /// The domain of ticket Reply-To addresses, `support+{n}.{mac}@domain`
    /// (`TRUSTDESK_INBOUND_MAIL_DOMAIN`); unset sends ticket mail without a Reply-To.
    public var inboundMailDomain: String? = nil

    public var secureCookies: Bool { publicURL.lowercased().hasPrefix("https://") }
    public var sqlitePath: String { (dataDirectory as NSString).appendingPathComponent("trustdesk.sqlite") }
    public var mailDirectory: String { (dataDirectory as NSString).appendingPathComponent("mail") }

    public init(
        dataDirectory: String = "./data",
        databaseURL: String? = nil,
        databaseSchema: String? = nil,
        publicURL: String = "http://127.0.0.1:8080",
        mailTransport: MailTransportKind = .file,
        smtpURL: String? = nil,
        mailFrom: String = "TrustDesk <no-reply@trustdesk.example.com>",
        secretKey: String? = nil,
        passwordCost: Int = 12,
        schedulerTick: TimeInterval = 1
    ) {
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
        self.databaseSchema = databaseSchema
        self.publicURL = publicURL
        self.mailTransport = mailTransport
        self.smtpURL = smtpURL
        self.mailFrom = mailFrom
        self.secretKey = secretKey
        self.passwordCost = passwordCost
        self.schedulerTick = schedulerTick
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads the process environment. Bad values stop the start with a message that names the
    /// variable: a server that guesses would misbehave later, far from the cause.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment, listening options: LaunchOptions = LaunchOptions()) throws -> Self {
        var config = Self()
        config.publicURL = "http://\(options.listenHost):\(options.listenPort)"
        if let dir = env["TRUSTDESK_DATA_DIR"], !dir.isEmpty { config.dataDirectory = dir }
        if let url = env["DATABASE_URL"], !url.isEmpty {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw Invalid(description: "DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite database).")
            }
            config.databaseURL = url
        }
        if let url = env["TRUSTDESK_PUBLIC_URL"], !url.isEmpty {
            guard let parsed = URL(string: url), let scheme = parsed.scheme, ["http", "https"].contains(scheme.lowercased()), parsed.host != nil else {
                throw Invalid(description: "TRUSTDESK_PUBLIC_URL must be an http(s) URL such as https://trustdesk.example.com.")
            }
            config.publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        if let kind = env["MAIL_TRANSPORT"], !kind.isEmpty {
            guard let parsed = MailTransportKind(rawValue: kind) else {
                throw Invalid(description: "MAIL_TRANSPORT must be 'file' or 'smtp'.")
            }
            config.mailTransport = parsed
        }
        if let schema = env["TRUSTDESK_DATABASE_SCHEMA"], !schema.isEmpty {
            guard schema.count <= 63, schema.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
                throw Invalid(description: "TRUSTDESK_DATABASE_SCHEMA must be a lowercase PostgreSQL identifier.")
            }
            config.databaseSchema = schema
        }
        if let smtp = env["SMTP_URL"], !smtp.isEmpty { config.smtpURL = smtp }
        if config.mailTransport == .smtp, config.smtpURL == nil {
            throw Invalid(description: "MAIL_TRANSPORT=smtp needs SMTP_URL (smtp://user:pass@host:587 or smtps://host:465).")
        }
        if let from = env["MAIL_FROM"], !from.isEmpty { config.mailFrom = from }
        if let key = env["TRUSTDESK_SECRET_KEY"], !key.isEmpty {
            guard key.utf8.count >= 32 else {
                throw Invalid(description: "TRUSTDESK_SECRET_KEY must be at least 32 characters.")
            }
            config.secretKey = key
        }
        if let token = env["TRUSTDESK_SERVICE_TOKEN"], !token.isEmpty {
            guard token.utf8.count >= 16 else {
                throw Invalid(description: "TRUSTDESK_SERVICE_TOKEN must be at least 16 characters.")
            }
            config.serviceToken = token
        }
        if let allow = env["TRUSTDESK_CALLBACKS_ALLOW_PRIVATE"], !allow.isEmpty {
            guard ["true", "false"].contains(allow) else {
                throw Invalid(description: "TRUSTDESK_CALLBACKS_ALLOW_PRIVATE must be true or false.")
            }
            config.callbacksAllowPrivate = allow == "true"
        }
        if let floor = env["TRUSTDESK_SMS_LIMIT_FLOOR"], !floor.isEmpty {
            guard let value = Int(floor), value >= 1 else {
                throw Invalid(description: "TRUSTDESK_SMS_LIMIT_FLOOR must be a whole number of 1 or more.")
            }
            config.smsLimitFloor = value
        }
        if let timeout = env["TRUSTDESK_SHUTDOWN_TIMEOUT"], !timeout.isEmpty {
            guard let value = Double(timeout), value >= 1, value <= 300 else {
                throw Invalid(description: "TRUSTDESK_SHUTDOWN_TIMEOUT must be a number of seconds from 1 to 300.")
            }
            config.shutdownTimeout = value
        }
        if let reload = env["TRUSTDESK_RELOAD_TEMPLATES"], !reload.isEmpty {
            guard reload == "0" || reload == "1" else { throw Invalid(description: "TRUSTDESK_RELOAD_TEMPLATES must be 0 or 1.") }
            config.reloadTemplates = reload == "1"
        }
        if let proxies = env["TRUSTDESK_TRUSTED_PROXIES"], !proxies.isEmpty {
            do {
                config.trustedProxies = try TrustedProxies(parsing: proxies)
            } catch {
                throw Invalid(description: "TRUSTDESK_TRUSTED_PROXIES: \(error.description).")
            }
        }
        try readSubaccountLimits(env, into: &config)
        try StandingSettings.read(env, into: &config)
        try PrivacySettings.read(env, into: &config)
        try StatusSettings.read(env, into: &config)
        try SupportChannelSettings.read(env, into: &config)
        if let cost = env["TRUSTDESK_BCRYPT_COST"], !cost.isEmpty {
            guard let value = Int(cost), (12...16).contains(value) else {
                throw Invalid(description: "TRUSTDESK_BCRYPT_COST must be a number from 12 to 16.")
            }
            config.passwordCost = value
        }
        return config
    }
}

extension TrustDeskConfiguration {
    static func readSubaccountLimits(_ env: [String: String], into config: inout Self) throws {
        var maximum = config.subaccountLimits.maximum, perDay = config.subaccountLimits.perDay
        if let text = env["TRUSTDESK_SUBACCOUNTS_MAX"], !text.isEmpty {
            guard let value = Int(text), (0...100_000).contains(value) else {
                throw Invalid(description: "TRUSTDESK_SUBACCOUNTS_MAX must be a whole number from 0 to 100000.")
            }
            maximum = value
        }
        if let text = env["TRUSTDESK_SUBACCOUNTS_PER_DAY"], !text.isEmpty {
            guard let value = Int(text), (0...100_000).contains(value) else {
                throw Invalid(description: "TRUSTDESK_SUBACCOUNTS_PER_DAY must be a whole number from 0 to 100000.")
            }
            perDay = value
        }
        config.subaccountLimits = SubaccountLimits(maximum: maximum, perDay: perDay)
    }
}

extension Application {
    private struct ConfigurationKey: StorageKey { typealias Value = TrustDeskConfiguration }

    public var trustDeskConfiguration: TrustDeskConfiguration {
        get { storage[ConfigurationKey.self] ?? TrustDeskConfiguration() }
        set { storage[ConfigurationKey.self] = newValue }
    }
}
