import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("SEC-3: the route policy table")
struct RoutePolicyTableTests {
    private static let routes = Array(RoutePolicies.table.keys)

    @Test("SEC-3: the server starts only when every registered route has a policy, and every policy a route")
    func complete() async throws {
        try await withTrustDesk { app in
            let registered = app.routes.all.map(RoutePolicies.RouteKey.init)
            #expect(RoutePolicies.audit(routes: registered, table: RoutePolicies.table).isEmpty)
            #expect(app.routes.all.allSatisfy { $0.accessPolicy != nil })
        }
    }

    @Test("SEC-3: a route whose policy line is deleted is reported, and the start is refused")
    func deletedEntry() throws {
        var doctored = RoutePolicies.table
        let key = RoutePolicies.RouteKey(method: .POST, path: "/staff/support/calendars/:id")
        doctored[key] = nil
        #expect(RoutePolicies.audit(routes: Self.routes, table: doctored) == [.undeclared(key)])
        let routes = Routes()
        routes.post("staff", "unlisted") { _ in "" }
        #expect(throws: RoutePolicies.RoutePolicyError.self) { try RoutePolicies.attach(to: routes) }
    }

    @Test("SEC-3: a staff, console or staff-API route widened to another kind of caller is reported")
    func widenedKind() {
        let cases: [(RoutePolicies.RouteKey, AccessPolicy)] = [
            (.init(method: .GET, path: "/staff/trust"), .anyone),
            (.init(method: .GET, path: "/staff/trust"), .customer(nil)),
            (.init(method: .POST, path: "/console/accounts/:accountSid/teammates/invite"), .signedIn),
            (.init(method: .GET, path: "/console/support"), .customer(.view)),
            (.init(method: .GET, path: "/v1/Staff/Reports/:name"), .accountCredential),
            (.init(method: .POST, path: "/v1/Admissions"), .anyone),
            (.init(method: .GET, path: "/v1/Accounts/:accountSid"), .signedIn),
        ]
        for (key, policy) in cases {
            var doctored = RoutePolicies.table
            doctored[key] = policy
            #expect(RoutePolicies.audit(routes: Self.routes, table: doctored) == [.misplaced(key, policy)], "\(key) as \(policy)")
        }
    }

    @Test("SEC-3: docs/security.md lists every route's policy as the server enforces it, so widening a role list shows in review")
    func documented() throws {
        let docs = try String(contentsOfFile: Self.docsPath, encoding: .utf8)
        let table = Self.markdown(RoutePolicies.entries)
        #expect(docs.contains(table), "docs/security.md must contain, between the route-policies markers:\n\(table)")
        var widened = RoutePolicies.entries
        if let index = widened.firstIndex(where: { $0.path == "/staff/trust" }) {
            widened[index] = .get("/staff/trust", .staff(.supportQueues))
        }
        #expect(!docs.contains(Self.markdown(widened)), "a widened staff page no longer matches the documentation")
    }

    static let docsPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../docs/security.md").standardized.path

    /// The documented table: one row per line of `RoutePolicies`.
    static func markdown(_ entries: [RoutePolicies.Entry]) -> String {
        var lines = ["<!-- route-policies:begin -->", "| path | methods | who |", "| --- | --- | --- |"]
        for entry in entries {
            lines.append("| `\(entry.path)` | \(entry.methods.map(\.rawValue).joined(separator: ", ")) | \(who(entry.policy)) |")
        }
        lines.append("<!-- route-policies:end -->")
        return lines.joined(separator: "\n")
    }

    static func who(_ policy: AccessPolicy) -> String {
        switch policy {
        case .anyone: "anyone"
        case .signedIn: "anyone signed in (customer, or staff before two-factor)"
        case .customer(nil): "a signed-in customer (the page shows only their own organisations' objects)"
        case .customer(let action?): "a customer on the account whose role may \(action.permission.map { $0.rawValue.replacingOccurrences(of: "_", with: " ") } ?? "own it (owner)")"
        case .staff(let page): "staff with two-factor: \(roles(page))"
        case .accountCredential: "the account's credential (its own account and subaccounts)"
        case .staffAPIKey(let page): "a staff API key of \(roles(page))"
        case .serviceToken: "the service token"
        case .signedWebhook(let hook): "a signed webhook (\(hook.rawValue.replacingOccurrences(of: "_", with: " ")))"
        }
    }

    private static func roles(_ page: StaffPage) -> String {
        page.roles == StaffRole.allCases ? "every role" : page.roles.map(\.rawValue).joined(separator: ", ")
    }
}
