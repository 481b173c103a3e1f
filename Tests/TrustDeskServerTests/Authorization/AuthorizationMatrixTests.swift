import Foundation
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// The authorization matrix (SEC-3): every registered route against every principal, with the
/// expected answer derived from the route's declared policy. One seeded app per database for
/// the whole matrix.
@Suite("SEC-3: the authorization matrix")
struct AuthorizationMatrixTests {
    @Test("SEC-3: every route answers every principal as its declared policy says, and shows outsiders nothing of Acme")
    func matrix() async throws {
        try await withTrustDesk(settings: { $0.serviceToken = MatrixWorld.serviceToken }) { app in
            let world = try await MatrixWorld.load(app)
            let routes = app.routes.all.map(RoutePolicies.RouteKey.init).sorted()
            var failures: [String] = []
            var cells: [MatrixCell] = []
            for route in routes {
                for caller in world.callers {
                    guard let cell = MatrixCell.derive(route, caller, table: RoutePolicies.table, world: world) else {
                        failures.append("\(route) has no access policy")
                        break
                    }
                    cells.append(cell)
                }
            }
            // Eight requests at a time, as several browsers and clients would send them; deletes
            // last and one by one: the Acme credential's DELETE of its key is the one write a cell
            // makes, and it comes after every other caller's.
            failures += try await Self.run(cells.filter { $0.route.method != .DELETE }, on: app, world: world, width: 8)
            failures += try await Self.run(cells.filter { $0.route.method == .DELETE }, on: app, world: world, width: 1)
            let checked = cells.count
            let expectations = Dictionary(grouping: cells, by: \.expected).mapValues(\.count)
            if !failures.isEmpty {
                Issue.record(Comment(rawValue: "\(failures.count) of \(checked) cells answer otherwise than their policy says:\n" + failures.prefix(200).joined(separator: "\n")))
            }
            #expect(checked == routes.count * world.callers.count)
            #expect(world.callers.count >= 30, "anonymous, 5 Acme teammates, Blue Harbor twice, 8 staff roles twice, 2 staff keys, 2 service tokens, 2 account credentials")
            // Every kind of answer is exercised, so no expectation is vacuous.
            for kind in [MatrixCell.Expected.allowed, .csrfRefused, .signIn, .enrolTwoFactor, .staffConsole, .forbidden, .notFound, .webhookRefused] {
                #expect(expectations[kind, default: 0] > 0, "no cell expects \(kind)")
            }

            // The menu links only to the parts of the staff console the role may open.
            for (role, desk, status) in [(StaffRole.agent, false, false), (.consumerTrust, true, false), (.pse, false, true)] {
                let caller = try #require(world.callers.first { $0.page == .staff(role, twoFactor: true) })
                let cell = try #require(MatrixCell.derive(.init(method: .GET, path: "/staff/accounts"), caller, table: RoutePolicies.table, world: world))
                let page = try await cell.send(app).text
                #expect(page.contains(#"href="/staff/consumer-trust""#) == desk, "\(role) sees the Consumer Trust link: \(desk)")
                #expect(page.contains(#"href="/staff/status""#) == status, "\(role) sees the Status link: \(status)")
                #expect(page.contains(#"href="/staff/support""#), "every role works the support queues")
            }

            // The matrix bites: a table that says less or more than the server enforces fails it.
            let trust = RoutePolicies.RouteKey(method: .GET, path: "/staff/trust")
            let invite = RoutePolicies.RouteKey(method: .POST, path: "/console/accounts/:accountSid/teammates/invite")
            let agent = try #require(world.callers.first { $0.page == .staff(.agent, twoFactor: true) })
            let support = try #require(world.callers.first { $0.acmeRole == .support })
            var removed = RoutePolicies.table
            removed[trust] = nil
            #expect(MatrixCell.derive(trust, agent, table: removed, world: world) == nil, "a route without a policy has no expectation: a failure")
            var widened = RoutePolicies.table
            widened[trust] = .staff(.supportQueues)
            widened[invite] = .customer(.view)
            for (route, caller) in [(trust, agent), (invite, support)] {
                let real = try #require(MatrixCell.derive(route, caller, table: RoutePolicies.table, world: world))
                let doctored = try #require(MatrixCell.derive(route, caller, table: widened, world: world))
                let response = try await doctored.send(app)
                #expect(real.violations(response, secrets: world.acmeSecrets).isEmpty)
                #expect(!doctored.violations(response, secrets: world.acmeSecrets).isEmpty, "widening \(route) in the table alone fails the matrix")
            }
        }
    }

    /// Sends the cells `width` at a time; returns every violation.
    private static func run(_ cells: [MatrixCell], on app: Application, world: MatrixWorld, width: Int) async throws -> [String] {
        try await withThrowingTaskGroup(of: [String].self) { group in
            var pending = cells.makeIterator()
            var failures: [String] = []
            for _ in 0..<width {
                guard let cell = pending.next() else { break }
                group.addTask { cell.violations(try await cell.send(app), secrets: world.acmeSecrets) }
            }
            while let found = try await group.next() {
                failures += found
                if let cell = pending.next() {
                    group.addTask { cell.violations(try await cell.send(app), secrets: world.acmeSecrets) }
                }
            }
            return failures
        }
    }
}
