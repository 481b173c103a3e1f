import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// The router's fallback (Platform/MethodNotAllowed.swift): a path some route takes, asked with a
/// method no route of that path takes, is 405 (20405) with `Allow`, never 404 (RFC 9110, 15.5.5
/// and 15.5.6; the contract fuzz's `unsupported_method` check).
@Suite("Contract: 405 with Allow for a method a known path does not take")
struct MethodNotAllowedTests {
    @Test("Contract: every route's path answers TRACE, CONNECT and an unknown method with 405 and the methods it takes")
    func everyRoute() async throws {
        try await withTrustDesk { app in
            // The methods each path pattern takes, as the routes declare them (405 answers aside).
            var taken: [String: Set<String>] = [:]
            for route in app.routes.all where !route.answersMethodNotAllowed && !route.path.contains(.catchall) {
                let concrete = route.path.map { component -> String in
                    if case .constant(let name) = component { return name }
                    return "x1"
                }
                taken["/" + concrete.joined(separator: "/"), default: []].insert(route.method.rawValue)
            }
            #expect(taken.count > 100, "every page and API path is walked")
            for (path, methods) in taken.sorted(by: { $0.key < $1.key }) {
                let allow = methods.sorted().joined(separator: ", ")
                for method in [HTTPMethod.TRACE, .CONNECT, .RAW(value: "BREW")] where !methods.contains(method.rawValue) {
                    let response = try await app.testing().sendRequest(method, path)
                    #expect(response.status == .methodNotAllowed, "\(method) \(path): \(response.status)")
                    #expect(response.errorCode == 20405, "\(method) \(path)")
                    #expect(response.headers.first(name: "Allow") == allow, "\(method) \(path)")
                }
            }
        }
    }

    @Test("Contract: pages and API resources name the methods they take; unknown paths stay 404")
    func examples() async throws {
        try await withTrustDesk { app in
            let cases: [(HTTPMethod, String, String)] = [
                (.TRACE, "/v1/Tickets", "GET, POST"), (.OPTIONS, "/healthz", "GET"),
                (.DELETE, "/signin", "GET, POST"), (.PUT, "/signout", "POST"),
                (.TRACE, "/v1/Tickets/TD-1/Comments", "GET, POST"), (.TRACE, "/voice/pin", "POST"),
                (.OPTIONS, "/v1/Staff/SupportCalendars/cal-1", "GET, POST"),
            ]
            for (method, path, allow) in cases {
                let response = try await app.testing().sendRequest(method, path)
                #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                #expect(response.errorCode == 20405, "\(method) \(path)")
                #expect(response.headers.first(name: "Allow") == allow, "\(method) \(path)")
            }
            for (method, path) in [(HTTPMethod.TRACE, "/no/such/path"), (.TRACE, "/api/v2/no-such.json"), (.GET, "/v1/Nothing")] {
                let response = try await app.testing().sendRequest(method, path)
                #expect(response.status == .notFound, "\(method) \(path)")
                #expect(response.errorCode == 20404, "\(method) \(path)")
            }
            // OPTIONS is still the status API's preflight, which a catch-all route answers.
            let preflight = try await app.testing().sendRequest(.OPTIONS, "/api/v2/summary.json")
            #expect(preflight.status != .methodNotAllowed)
        }
    }
}
