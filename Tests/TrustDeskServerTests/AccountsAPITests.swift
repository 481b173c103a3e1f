import Fluent
import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("ACC-7, ACC-2, SEC-3: the accounts API")
struct AccountsAPITests {
    @Test("ACC-7: the account SID with its auth token reads the account")
    func readOwnAccount() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "ines", account: "Ines Media")
            let response = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(customer.account.sid)", headers: TestData.basic(customer.account.sid, customer.authToken))
            #expect(response.status == .ok)
            #expect(response.json["sid"] as? String == customer.account.sid)
            #expect(response.json["friendly_name"] as? String == "Ines Media")
            #expect(response.json["status"] as? String == "active")
            #expect(response.json["owner_account_sid"] is NSNull)
            #expect((response.json["date_created"] as? String)?.hasSuffix("Z") == true)
            #expect(response.headers.first(name: "X-Request-Id") != nil)
        }
    }

    @Test("ACC-7: wrong, unknown, malformed or missing credentials are 401 with code 20003")
    func badCredentials() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "ines")
            let path = "/v1/Accounts/\(customer.account.sid)"
            let attempts: [HTTPHeaders] = [
                TestData.basic(customer.account.sid, "tdat_wrongwrongwrongwrongwrongwrong12"),
                TestData.basic(SID.generate(.account).rawValue, customer.authToken),
                TestData.basic("not-a-sid", customer.authToken),
                TestData.basic(SID.generate(.apiKey).rawValue, "tdks_whatever"),
                [:],
            ]
            var messages = Set<String>()
            for headers in attempts {
                let response = try await app.testing().sendRequest(.GET, path, headers: headers)
                #expect(response.status == .unauthorized)
                #expect(response.errorCode == 20003)
                #expect(response.headers.first(name: .wwwAuthenticate)?.hasPrefix("Basic") == true)
                #expect(response.json["more_info"] as? String != nil)
                messages.insert(response.json["message"] as? String ?? "")
            }
            // One message for all: it never tells whether the account exists.
            #expect(messages.count == 1)
        }
    }

    @Test("ACC-7: API keys are created once with their secret, listed without it, and revoked")
    func apiKeys() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "ines")
            let auth = TestData.json(customer.account.sid, customer.authToken)
            let created = try await app.testing().sendRequest(.POST, "/v1/Accounts/\(customer.account.sid)/Keys", headers: auth, body: ByteBuffer(string: #"{"friendly_name":"deploy bot"}"#))
            #expect(created.status == .created)
            let keySID = try #require(created.json["sid"] as? String)
            let secret = try #require(created.json["secret"] as? String)
            #expect(keySID.hasPrefix("SK") && secret.hasPrefix("tdks_"))
            let stored = try #require(try await APIKey.find(keySID, on: app.db))
            #expect(stored.secretHash == Secrets.hash(secret))

            let byKey = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(customer.account.sid)", headers: TestData.basic(keySID, secret))
            #expect(byKey.status == .ok)

            let list = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(customer.account.sid)/Keys", headers: auth)
            let keys = try #require(list.json["keys"] as? [[String: Any]])
            #expect(keys.count == 1)
            #expect(keys.first?["secret"] == nil)
            #expect(keys.first?["friendly_name"] as? String == "deploy bot")

            let fetched = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(customer.account.sid)/Keys/\(keySID)", headers: auth)
            #expect(fetched.json["sid"] as? String == keySID)
            #expect(fetched.json["secret"] == nil)

            let deleted = try await app.testing().sendRequest(.DELETE, "/v1/Accounts/\(customer.account.sid)/Keys/\(keySID)", headers: auth)
            #expect(deleted.status == .noContent)
            #expect(try await app.testing().sendRequest(.GET, "/v1/Accounts/\(customer.account.sid)", headers: TestData.basic(keySID, secret)).errorCode == 20003)
            #expect(try await app.testing().sendRequest(.DELETE, "/v1/Accounts/\(customer.account.sid)/Keys/\(keySID)", headers: auth).errorCode == 20404)
        }
    }

    @Test("ACC-7: promoting the secondary auth token revokes the old primary")
    func tokenRotation() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "ines")
            let credentials = Credentials(database: app.db, now: app.now)
            let secondary = try await credentials.createSecondaryToken(for: customer.account)
            let path = "/v1/Accounts/\(customer.account.sid)"
            #expect(try await app.testing().sendRequest(.GET, path, headers: TestData.basic(customer.account.sid, secondary)).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, path, headers: TestData.basic(customer.account.sid, customer.authToken)).status == .ok)
            try await credentials.promoteSecondaryToken(of: customer.account)
            #expect(try await app.testing().sendRequest(.GET, path, headers: TestData.basic(customer.account.sid, secondary)).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, path, headers: TestData.basic(customer.account.sid, customer.authToken)).errorCode == 20003)
            await #expect(throws: DomainError.self) { try await credentials.promoteSecondaryToken(of: customer.account) }
        }
    }

    @Test("ACC-7: the console rotates tokens: secondary shown once, promote revokes the primary")
    func consoleTokenRotation() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "ines")
            let browser = Browser(app)
            _ = try await browser.signIn("ines")
            try await browser.get("/console/accounts/\(customer.account.sid)/credentials")
            let created = try await browser.post("/console/accounts/\(customer.account.sid)/tokens/secondary")
            let secondary = try #require(oneTimeSecret("new-token", in: created.text))
            try await browser.post("/console/accounts/\(customer.account.sid)/tokens/promote")
            let path = "/v1/Accounts/\(customer.account.sid)"
            #expect(try await app.testing().sendRequest(.GET, path, headers: TestData.basic(customer.account.sid, secondary)).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, path, headers: TestData.basic(customer.account.sid, customer.authToken)).status == .unauthorized)
            let page = try await browser.get("/console/accounts/\(customer.account.sid)/credentials")
            #expect(!page.text.contains(secondary))
        }
    }

    @Test("SEC-3: another tenant's account and keys are 404, never 403 with data")
    func tenantIsolation() async throws {
        try await withTrustDesk { app in
            let ines = try await TestData.customer(app, "ines")
            let jon = try await TestData.customer(app, "jon")
            let (jonKey, _) = try await Credentials(database: app.db, now: app.now).createKey(for: jon.account.sid, friendlyName: "jon key")
            let auth = TestData.json(ines.account.sid, ines.authToken)
            for (method, path) in [
                (HTTPMethod.GET, "/v1/Accounts/\(jon.account.sid)"),
                (.GET, "/v1/Accounts/\(jon.account.sid)/Keys"),
                (.GET, "/v1/Accounts/\(jon.account.sid)/Subaccounts"),
                (.GET, "/v1/Accounts/\(jon.account.sid)/Keys/\(jonKey.sid)"),
                (.DELETE, "/v1/Accounts/\(jon.account.sid)/Keys/\(jonKey.sid)"),
                (.GET, "/v1/Accounts/\(ines.account.sid)/Keys/\(jonKey.sid)"),
                (.DELETE, "/v1/Accounts/\(ines.account.sid)/Keys/\(jonKey.sid)"),
            ] {
                let response = try await app.testing().sendRequest(method, path, headers: auth)
                #expect(response.status == .notFound, "\(method) \(path)")
                #expect(response.errorCode == 20404)
                #expect(!response.text.contains("jon"))
            }
            let post = try await app.testing().sendRequest(.POST, "/v1/Accounts/\(jon.account.sid)/Keys", headers: auth, body: ByteBuffer(string: #"{"friendly_name":"x"}"#))
            #expect(post.errorCode == 20404)
            #expect(try await APIKey.find(jonKey.sid, on: app.db)?.revokedAt == nil)
            #expect(try await APIKey.query(on: app.db).count() == 1)
        }
    }

    @Test("ACC-2: subaccounts are created with their own token, listed with keyset pages, and reached from the parent only")
    func subaccounts() async throws {
        try await withTrustDesk { app in
            let parent = try await TestData.customer(app, "ines")
            let auth = TestData.json(parent.account.sid, parent.authToken)
            var created: [(sid: String, token: String)] = []
            for name in ["EU", "US", "APAC"] {
                let response = try await app.testing().sendRequest(.POST, "/v1/Accounts/\(parent.account.sid)/Subaccounts", headers: auth, body: ByteBuffer(string: #"{"friendly_name":"\#(name)"}"#))
                #expect(response.status == .created)
                #expect(response.json["owner_account_sid"] as? String == parent.account.sid)
                created.append((try #require(response.json["sid"] as? String), try #require(response.json["auth_token"] as? String)))
            }
            var seen: [String] = []
            var token: String?
            repeat {
                let query = "page_size=2" + (token.map { "&page_token=\($0)" } ?? "")
                let page = try await app.testing().sendRequest(.GET, "/v1/Accounts/\(parent.account.sid)/Subaccounts?\(query)", headers: auth)
                let items = try #require(page.json["subaccounts"] as? [[String: Any]])
                #expect(items.count <= 2)
                seen += items.compactMap { $0["sid"] as? String }
                token = (page.json["meta"] as? [String: Any])?["next_page_token"] as? String
            } while token != nil
            #expect(seen == created.map(\.sid).sorted())

            let sub = created[0]
            // The parent's credential reaches the subaccount; the subaccount's does not reach up.
            #expect(try await app.testing().sendRequest(.GET, "/v1/Accounts/\(sub.sid)", headers: auth).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/v1/Accounts/\(sub.sid)", headers: TestData.basic(sub.sid, sub.token)).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/v1/Accounts/\(parent.account.sid)", headers: TestData.basic(sub.sid, sub.token)).errorCode == 20404)
            #expect(try await app.testing().sendRequest(.GET, "/v1/Accounts/\(created[1].sid)", headers: TestData.basic(sub.sid, sub.token)).errorCode == 20404)

            let nested = try await app.testing().sendRequest(.POST, "/v1/Accounts/\(sub.sid)/Subaccounts", headers: auth, body: ByteBuffer(string: #"{"friendly_name":"nested"}"#))
            #expect(nested.status == .badRequest)
            #expect(nested.errorCode == 20001)
        }
    }

    @Test("Bad input gets a stable code and writes nothing", arguments: [
        ("application/json", #"{"friendly_name": "#, 20009),
        ("application/json", #"["friendly_name"]"#, 20009),
        ("application/json", #"{"friendly_name": "ok", "admin": true}"#, 20007),
        ("application/json", #"{"friendly_name": 42}"#, 20009),
        ("application/json", #"{}"#, 20001),
        ("application/json", "", 20001),
        ("application/x-www-form-urlencoded", "", 20001),
        ("application/json", #"{"friendly_name": "   "}"#, 20001),
        ("application/json", #"{"friendly_name": "a\u0007b"}"#, 20001),
        ("text/plain", "friendly_name=x", 20010),
        ("application/x-www-form-urlencoded", "friendly_name=ok&extra=1", 20007),
    ])
    func badBodies(contentType: String, body: String, code: Int) async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "ines")
            var headers = TestData.basic(customer.account.sid, customer.authToken)
            headers.replaceOrAdd(name: .contentType, value: contentType)
            let response = try await app.testing().sendRequest(.POST, "/v1/Accounts/\(customer.account.sid)/Keys", headers: headers, body: ByteBuffer(string: body))
            #expect(response.errorCode == code)
            #expect(response.status.code == UInt(ErrorCode(rawValue: code)?.httpStatus ?? 0))
            #expect(response.json["message"] as? String != nil)
            #expect(try await APIKey.query(on: app.db).count() == 0)
        }
    }

    @Test("A 1 MB body is refused with 413 and code 20008")
    func oversizedBody() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "ines")
            let huge = #"{"friendly_name":""# + String(repeating: "x", count: 1_048_576) + #""}"#
            let response = try await app.testing().sendRequest(.POST, "/v1/Accounts/\(customer.account.sid)/Keys", headers: TestData.json(customer.account.sid, customer.authToken), body: ByteBuffer(string: huge))
            #expect(response.status == .payloadTooLarge)
            #expect(response.errorCode == 20008)
            #expect(try await APIKey.query(on: app.db).count() == 0)
        }
    }

    @Test("ACC-1: malformed SIDs in paths and page tokens are 400 with a stable code", arguments: [
        ("/v1/Accounts/ACnothex", 20002), ("/v1/Accounts/SK00000000000000000000000000000000", 20002),
        ("/v1/Accounts/{sid}/Keys/AC00000000000000000000000000000000", 20002),
        ("/v1/Accounts/{sid}/Keys?page_size=0", 20001), ("/v1/Accounts/{sid}/Keys?page_size=abc", 20001),
        ("/v1/Accounts/{sid}/Keys?page_token=%27%20OR%201%3D1", 20001), ("/v1/Nothing", 20404),
    ])
    func malformedPaths(path: String, code: Int) async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "ines")
            let response = try await app.testing().sendRequest(.GET, path.replacingOccurrences(of: "{sid}", with: customer.account.sid), headers: TestData.basic(customer.account.sid, customer.authToken))
            #expect(response.errorCode == code)
        }
    }

    @Test("Names with SQL and HTML are stored literally and returned as JSON strings")
    func hostileNames() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "ines")
            let name = #"Robert'); DROP TABLE accounts;-- <img src=x onerror=alert(1)>"#
            let body = try JSONSerialization.data(withJSONObject: ["friendly_name": String(name.prefix(64))])
            let response = try await app.testing().sendRequest(.POST, "/v1/Accounts/\(customer.account.sid)/Subaccounts", headers: TestData.json(customer.account.sid, customer.authToken), body: ByteBuffer(bytes: body))
            #expect(response.status == .created)
            #expect(response.json["friendly_name"] as? String == String(name.prefix(64)))
            #expect(try await Account.query(on: app.db).count() == 2)
        }
    }
}
