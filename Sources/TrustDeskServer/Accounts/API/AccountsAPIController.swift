import Fluent
import TrustDeskCore
import Vapor

/// `/v1/Accounts/{AccountSid}` with its subaccounts and API keys.
struct AccountsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let account = routes.grouped("Accounts", ":accountSid")
        account.get(use: show)
        account.get("Subaccounts", use: listSubaccounts)
        account.post("Subaccounts", use: createSubaccount)
        account.get("Keys", use: listKeys)
        account.post("Keys", use: createKey)
        account.get("Keys", ":keySid", use: showKey)
        account.delete("Keys", ":keySid", use: deleteKey)
        account.methodNotAllowed(except: [.GET])
        account.methodNotAllowed("Subaccounts", except: [.GET, .POST])
        account.methodNotAllowed("Keys", except: [.GET, .POST])
        account.methodNotAllowed("Keys", ":keySid", except: [.GET, .DELETE])
    }

    /// The path's account, if the caller's credential may act on it (SEC-3).
    private func target(_ request: Request) async throws -> Account {
        try await request.targetAccount()
    }

    func show(request: Request) async throws -> Response {
        try await AccountDTO(try await target(request)).encodeResponse(for: request)
    }

    func listSubaccounts(request: Request) async throws -> Response {
        let parent = try await target(request)
        let page = try PageRequest(request, tokenPrefix: .account)
        let rows = try await request.accounts
            .subaccounts(of: parent.sid, after: page.after, limit: page.size + 1)
        let (items, next) = page.split(rows, sid: \.sid)
        return try await SubaccountListDTO(subaccounts: items.map { AccountDTO($0) }, meta: ListMetaDTO(pageSize: page.size, nextPageToken: next)).encodeResponse(for: request)
    }

    func createSubaccount(request: Request) async throws -> Response {
        let parent = try await target(request)
        let body = try request.decodeStrict(FriendlyNameBody.self)
        let (account, token) = try await request.accounts.createSubaccount(of: parent, named: body.friendlyName, limits: request.application.trustDeskConfiguration.subaccountLimits)
        return try await AccountDTO(account, authToken: token).encodeResponse(status: .created, for: request)
    }

    func listKeys(request: Request) async throws -> Response {
        let account = try await target(request)
        let page = try PageRequest(request, tokenPrefix: .apiKey)
        let rows = try await request.credentials.keys(of: account.sid, after: page.after, limit: page.size + 1)
        let (items, next) = page.split(rows, sid: \.sid)
        return try await KeyListDTO(keys: items.map { KeyDTO($0) }, meta: ListMetaDTO(pageSize: page.size, nextPageToken: next)).encodeResponse(for: request)
    }

    func createKey(request: Request) async throws -> Response {
        let account = try await target(request)
        let body = try request.decodeStrict(FriendlyNameBody.self)
        let (key, secret) = try await request.credentials.createKey(for: account.sid, friendlyName: body.friendlyName)
        return try await KeyDTO(key, secret: secret).encodeResponse(status: .created, for: request)
    }

    func showKey(request: Request) async throws -> Response {
        let account = try await target(request)
        let keySID = try request.sidParameter("keySid", .apiKey)
        let key = try await request.credentials.key(keySID.rawValue, of: account.sid)
        return try await KeyDTO(key).encodeResponse(for: request)
    }

    func deleteKey(request: Request) async throws -> Response {
        let account = try await target(request)
        let keySID = try request.sidParameter("keySid", .apiKey)
        try await request.credentials.revokeKey(keySID.rawValue, of: account.sid)
        return Response(status: .noContent)
    }
}

/// `page_size` and `page_token` (the last SID of the previous page) of a list request.
struct PageRequest {
    let size: Int
    let after: String?

    init(_ request: Request, tokenPrefix: SIDPrefix) throws {
        let rawSize: String? = request.query["page_size"]
        var size: Int?
        if let rawSize {
            guard let parsed = Int(rawSize) else {
                throw DomainError(.invalidParameter, "page_size: use a whole number from 1 to \(Paging.maximumPageSize).")
            }
            size = parsed
        }
        self.size = try Paging.pageSize(size)
        if let token = try Self.token(request) {
            do {
                self.after = try SID(parsing: token, expecting: tokenPrefix).rawValue
            } catch {
                throw Self.invalidToken
            }
        } else {
            self.after = nil
        }
    }

    /// `page_token` as sent. Absent is the first page; empty is refused like any other token the
    /// server never handed out (openapi.yaml: `minLength: 1`), not taken for the first page.
    static func token(_ request: Request) throws -> String? {
        guard let token: String = request.query["page_token"] else { return nil }
        guard !token.isEmpty else { throw invalidToken }
        return token
    }

    /// A token that is a ticket or message number: `^[1-9][0-9]{0,17}$` in openapi.yaml, the
    /// server accepting exactly what the pattern admits (no sign, no leading zero, no overflow).
    static func numberToken(_ request: Request) throws -> Int? {
        guard let token = try token(request) else { return nil }
        guard (1...18).contains(token.utf8.count), token.utf8.first != UInt8(ascii: "0"),
              token.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let value = Int(token) else { throw invalidToken }
        return value
    }

    static let invalidToken = DomainError(.invalidParameter, "page_token: use the next_page_token of the previous page.")

    /// Rows were fetched with one extra to learn whether another page exists.
    func split<T>(_ rows: [T], sid: KeyPath<T, String>) -> ([T], String?) {
        guard rows.count > size else { return (rows, nil) }
        let page = Array(rows.prefix(size))
        return (page, page.last?[keyPath: sid])
    }
}
