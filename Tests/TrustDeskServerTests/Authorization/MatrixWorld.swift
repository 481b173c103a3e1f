import Fluent
import Foundation
import NIOCore
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// The demo world with every principal of the authorization matrix signed in once (SEC-3):
/// anonymous; Acme's owner, admin, developer, billing and support teammates; Acme's and a
/// subaccount's credentials; Blue Harbor's owner (page and credential) using Acme's objects; each
/// staff role with and without two-factor; staff API keys; right and wrong service tokens.
/// Route parameters are filled with Acme's real objects.
struct MatrixWorld: Sendable {
    /// Whose objects a caller holds, for tenancy: Acme's objects are foreign to the others.
    enum Tenant: Sendable { case acme, acmeSubaccount, blueHarbor, provider }

    /// How a caller presents itself.
    enum Credential: Sendable {
        case none
        case session(cookies: String, csrf: String)
        case basic(username: String, password: String)
        case bearer(String)
    }

    struct Caller: Sendable {
        let name: String
        let tenant: Tenant
        let credential: Credential
        /// Who the caller is to a browser page, and to an API route.
        let page: Principal
        let api: Principal
        /// The Acme role of a customer caller, for console actions (ACC-4).
        var acmeRole: TeammateRole?

        func principal(for policy: AccessPolicy) -> Principal {
            switch policy {
            case .anyone, .signedWebhook: .anonymous
            case .signedIn, .customer, .staff: page
            case .accountCredential: api == .accountCredential ? api : .anonymous
            case .staffAPIKey: if case .staffAPIKey = api { api } else { .anonymous }
            case .serviceToken: api == .serviceToken ? api : .anonymous
            }
        }
    }

    let callers: [Caller]
    /// Path parameter -> value, Acme's objects where the parameter names one.
    let parameters: [String: String]
    /// Values for a parameter that means something else under some path (`:id`, `:number`, `:keySid`).
    let overrides: [(pathPrefix: String, parameter: String, value: String)]
    /// Text that must not reach anyone outside Acme (or staff): SIDs, names, addresses.
    let acmeSecrets: [String]
    let acmeStanding: Standing

    static let serviceToken = "matrix-service-token-0123456789abcdef"
    /// Parameters that name an Acme object on customer and credential routes.
    static let acmeObjects: Set<String> = ["accountSid", "keySid", "userSid", "number", "id"]
    /// A value for a parameter with no demo object behind it: an allowed caller may get 404 there.
    let missing: String

    static func load(_ app: Application) async throws -> MatrixWorld {
        let loaded = try #require(try await DemoWorld.loadIfEmpty(app))
        let db = app.db
        let accounts = app.accounts(on: db, now: app.now)
        let credentials = Credentials(database: db, now: app.now)
        let acme = try #require(try await Account.find(loaded.acmeSID, on: db))
        let (subaccount, subToken) = try await accounts.createSubaccount(of: acme, named: "Acme Matrix", limits: app.trustDeskConfiguration.subaccountLimits)
        let (acmeKey, _) = try await credentials.createKey(for: acme.sid, friendlyName: "Matrix key")
        let (_, harborKeySecret) = try await credentials.createKey(for: loaded.blueHarborSID, friendlyName: "Harbor key")
        let harborKey = try #require(try await APIKey.query(on: db).filter(\.$accountSID == loaded.blueHarborSID).first()?.id)

        var callers = [Caller(name: "anonymous", tenant: .provider, credential: .none, page: .anonymous, api: .anonymous)]
        for (person, role) in DemoWorld.acmeTeam {
            var caller = try await session(app, "acme \(role.rawValue)", person.username, DemoWorld.password, tenant: .acme, page: .customer)
            caller.acmeRole = role
            callers.append(caller)
        }
        callers.append(try await session(app, "blue harbor owner", DemoWorld.blueHarborTeam[0].0.username, DemoWorld.password, tenant: .blueHarbor, page: .customer))
        for role in StaffRole.allCases {
            let enrolled = try await staff(app, role)
            callers.append(try await session(app, "staff \(role.rawValue) with 2FA", enrolled.username, enrolled.password, tenant: .provider,
                                              page: .staff(role, twoFactor: true), twoFactor: true))
            let bare = try await TestData.staff(app, "matrix.\(role.rawValue).no2fa", role: role, enrolled: false)
            callers.append(try await session(app, "staff \(role.rawValue) without 2FA", bare.username, TestData.password, tenant: .provider,
                                              page: .staff(role, twoFactor: false)))
        }
        for role in [StaffRole.agent, .admin] {
            let holder = try #require(try await User.query(on: db).filter(\.$staffRoleRaw == role.rawValue).filter(\.$totpSecretSealed != nil).first())
            let (key, secret) = try await StaffCredentials(database: db, now: app.now).create(for: holder, friendlyName: "Matrix")
            callers.append(Caller(name: "staff API key (\(role.rawValue))", tenant: .provider, credential: .basic(username: try key.requireID(), password: secret),
                                  page: .anonymous, api: .staffAPIKey(role)))
        }
        callers += [
            Caller(name: "acme subaccount credential", tenant: .acmeSubaccount, credential: .basic(username: subaccount.sid, password: subToken),
                   page: .anonymous, api: .accountCredential),
            Caller(name: "blue harbor credential", tenant: .blueHarbor, credential: .basic(username: harborKey, password: harborKeySecret),
                   page: .anonymous, api: .accountCredential),
            Caller(name: "right service token", tenant: .provider, credential: .bearer(serviceToken), page: .anonymous, api: .serviceToken),
            Caller(name: "wrong service token", tenant: .provider, credential: .bearer("not-the-service-token-0123456789"), page: .anonymous, api: .anonymous),
            // Last: its DELETE of Acme's key is the one write that changes what later cells see.
            Caller(name: "acme credential", tenant: .acme, credential: .basic(username: loaded.acmeSID, password: loaded.acmeAuthToken),
                   page: .anonymous, api: .accountCredential),
        ]

        let ticket = try #require(try await Ticket.query(on: db).filter(\.$accountSID == acme.sid).sort(\.$id).first())
        let ticketNumber = try ticket.requireID()
        let emery = try #require(try await User.query(on: db).filter(\.$username == "emery").first())
        let calendar = try #require(try await SupportCalendarRecord.query(on: db).first()?.id)
        let channel = try #require(try await SupportProfile.query(on: db).filter(\.$chatChannel != nil).first()?.chatChannel)
        let trustRequest = try await TrustRequest.query(on: db).first()?.id
        let review = try await ReviewRequest.query(on: db).first()?.id
        let staffKey = try #require(try await StaffAPIKey.query(on: db).first()?.id)
        let component = try await StatusComponent.query(on: db).first()?.id
        let incident = try await StatusIncident.query(on: db).first()?.id
        let privacyRequest = try await PrivacyRequest.query(on: db).first()?.id
        let underAge = try await UnderAgeReport.query(on: db).first()?.id
        let hold = try await LegalHold.query(on: db).first()?.id
        let line = try await SupportLine.query(on: db).first()?.id
        let missing = UUID().uuidString

        return MatrixWorld(
            callers: callers,
            parameters: [
                "accountSid": acme.sid, "keySid": try acmeKey.requireID(), "userSid": emery.sid, "number": String(ticketNumber),
                "id": missing, "calendarId": calendar.uuidString, "channel": channel, "requestID": trustRequest?.uuidString ?? missing,
                "reviewId": review?.uuidString ?? missing, "ipId": missing, "token": "tdln_" + String(repeating: "a", count: 32),
                "file": "backlog.csv", "name": "backlog",
            ],
            overrides: [
                ("/staff/api-keys", "keySid", staffKey),
                ("/staff/support/calendars", "id", calendar.uuidString),
                ("/staff/support/line/numbers", "id", line?.uuidString ?? missing),
                ("/staff/status/components", "id", component ?? missing),
                ("/staff/status/incidents", "id", incident ?? missing),
                ("/status/incidents", "id", incident ?? missing),
                ("/staff/privacy/requests", "id", privacyRequest?.uuidString ?? missing),
                ("/staff/privacy/underage", "id", underAge?.uuidString ?? missing),
                ("/staff/privacy/holds", "id", hold?.uuidString ?? missing),
            ],
            acmeSecrets: [acme.sid, loaded.acmeSubaccountSID, subaccount.sid, try acmeKey.requireID(), "Acme Rockets", "acme-rockets.example.com"],
            acmeStanding: Standing(stored: acme.standing),
            missing: missing
        )
    }

    /// The path with every parameter filled, the parameters it used, and whether one of them
    /// names nothing (no demo object of that kind, or a secret token nobody has).
    func fill(_ path: String) -> (path: String, parameters: [String], placeholder: Bool) {
        var used: [String] = []
        var placeholder = false
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map { part -> String in
            guard part.hasPrefix(":") else { return part == "**" ? "summary.json" : String(part) }
            let name = String(part.dropFirst())
            used.append(name)
            let override = overrides.first { path.hasPrefix($0.pathPrefix) && $0.parameter == name }
            let value = override?.value ?? parameters[name] ?? missing
            placeholder = placeholder || value == missing || name == "token"
            return value
        }
        return (parts.joined(separator: "/"), used, placeholder)
    }

    private static func session(_ app: Application, _ name: String, _ username: String, _ password: String, tenant: Tenant,
                                page: Principal, twoFactor: Bool = false) async throws -> Caller {
        let browser = Browser(app)
        let signedIn = try await browser.signIn(username, password: password)
        if twoFactor {
            #expect(signedIn.location == "/signin/two-factor", "\(name) is asked for a code")
            try await browser.get("/signin/two-factor")
            try await browser.post("/signin/two-factor", ["code": TestData.code(app)])
        }
        let cookies = browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        let csrf = try #require(browser.csrfToken)
        return Caller(name: name, tenant: tenant, credential: .session(cookies: cookies, csrf: csrf), page: page, api: .anonymous)
    }

    /// A staff member of `role` with two-factor on the demo secret: the demo's, or a new one.
    private static func staff(_ app: Application, _ role: StaffRole) async throws -> (username: String, password: String) {
        if let person = DemoWorld.staff.first(where: { $0.1 == role })?.0 { return (person.username, DemoWorld.password) }
        if let demo = try await User.query(on: app.db).filter(\.$staffRoleRaw == role.rawValue).filter(\.$totpSecretSealed != nil).first() {
            return (demo.username, DemoWorld.password)
        }
        let user = try await TestData.staff(app, "matrix.\(role.rawValue)", role: role)
        return (user.username, TestData.password)
    }
}
