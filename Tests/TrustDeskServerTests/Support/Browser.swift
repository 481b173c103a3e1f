import Foundation
import NIOCore
import VaporTesting
@testable import TrustDeskServer

/// A browser for page tests: keeps cookies, reads the CSRF token from each page and sends it
/// back with form posts, as a real browser with a real form would.
final class Browser {
    let app: Application
    private(set) var cookies: [String: String] = [:]
    private(set) var csrfToken: String?

    init(_ app: Application) {
        self.app = app
    }

    @discardableResult
    func get(_ path: String, headers extra: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var headers = extra
        addCookies(to: &headers)
        headers.replaceOrAdd(name: .accept, value: "text/html")
        let response = try await app.testing().sendRequest(.GET, path, headers: headers)
        absorb(response)
        return response
    }

    /// Posts a form. The CSRF token of the last page is added unless `csrf` is false; fetch
    /// the form's page first, as a person would.
    @discardableResult
    func post(_ path: String, _ fields: [String: String] = [:], csrf: Bool = true) async throws -> TestingHTTPResponse {
        var all = fields
        if csrf, all["csrf_token"] == nil {
            if csrfToken == nil { try await get("/signin") }
            all["csrf_token"] = csrfToken
        }
        var headers = HTTPHeaders()
        addCookies(to: &headers)
        headers.contentType = .urlEncodedForm
        headers.replaceOrAdd(name: .accept, value: "text/html")
        let body = ByteBuffer(string: Self.formEncode(all))
        let response = try await app.testing().sendRequest(.POST, path, headers: headers, body: body)
        absorb(response)
        return response
    }

    /// A file for `postMultipart`.
    struct Upload {
        var field = "attachments"
        var filename: String
        var contentType = "application/octet-stream"
        var data: Data
    }

    /// Posts a multipart form with files, as a form with `enctype="multipart/form-data"` does.
    @discardableResult
    func postMultipart(_ path: String, _ fields: [String: String], files: [Upload]) async throws -> TestingHTTPResponse {
        var all = fields
        if all["csrf_token"] == nil { all["csrf_token"] = csrfToken }
        let boundary = "----TrustDeskTestBoundary\(UUID().uuidString)"
        var body = ByteBuffer()
        for (name, value) in all.sorted(by: { $0.key < $1.key }) {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        for file in files {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.filename)\"\r\nContent-Type: \(file.contentType)\r\n\r\n")
            body.writeBytes(file.data)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        addCookies(to: &headers)
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        headers.replaceOrAdd(name: .accept, value: "text/html")
        let response = try await app.testing().sendRequest(.POST, path, headers: headers, body: body)
        absorb(response)
        return response
    }

    func signIn(_ username: String, password: String = TestData.password) async throws -> TestingHTTPResponse {
        try await get("/signin")
        return try await post("/signin", ["username": username, "password": password])
    }

    func forgetCookie(_ name: String) { cookies[name] = nil }
    func setCookie(_ name: String, _ value: String) { cookies[name] = value }

    private func addCookies(to headers: inout HTTPHeaders) {
        guard !cookies.isEmpty else { return }
        headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
    }

    private func absorb(_ response: TestingHTTPResponse) {
        for header in response.headers[.setCookie] {
            guard let pair = header.split(separator: ";").first else { continue }
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if header.lowercased().contains("max-age=0") || parts[1].isEmpty {
                cookies[parts[0]] = nil
            } else {
                cookies[parts[0]] = parts[1]
            }
        }
        if let token = capture(#"name="csrf_token" value="([^"]+)""#, in: response.text) {
            csrfToken = token
        }
    }

    static func formEncode(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.sorted { $0.key < $1.key }.map { key, value in
            "\(key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }
}

extension Browser {
    /// Fills in the sign-up form and returns the confirmation token from the mail.
    func signUp(_ form: [String: String]) async throws -> String {
        try await get("/signup")
        try await post("/signup", form)
        return try await TestData.latestLinkToken(app, to: form["email"] ?? "", path: "/signup/confirm")
    }

    /// Asks for a password reset for `email` and returns the token from the mail.
    func requestReset(_ email: String) async throws -> String {
        try await get("/password/forgot")
        try await post("/password/forgot", ["email": email])
        // The form answers first; the recovery job writes the mail (as the scheduler would).
        _ = try await app.sendRecoveryMail()
        return try await TestData.latestLinkToken(app, to: email, path: "/password/reset")
    }
}
