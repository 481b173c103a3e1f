import Fluent
import SQLKit
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

@Suite("PRV-2: every column that links a row to its subject is indexed")
struct SubjectLinkIndexTests {
    @Test("PRV-2: each inventory link column leads an index or is the key, so the overview, export and erasure read ranges, not tables")
    func linksAreIndexed() async throws {
        try await withTrustDesk { app in
            guard !TestDatabase.isPostgres else { return }
            let sql = try app.db.sql
            var missing: [String] = []
            for inventory in PrivacyInventory.tables where !inventory.links.isEmpty {
                var leading: Set<String> = []
                for index in try await sql.raw("SELECT name FROM pragma_index_list(\(bind: inventory.table))").all() {
                    let name = try index.decode(column: "name", as: String.self)
                    let first = try await sql.raw("SELECT name FROM pragma_index_info(\(bind: name)) WHERE seqno = 0").first()
                    if let column = try first?.decode(column: "name", as: String?.self) { leading.insert(column) }
                }
                for key in try await sql.raw("SELECT name FROM pragma_table_info(\(bind: inventory.table)) WHERE pk = 1").all() {
                    leading.insert(try key.decode(column: "name", as: String.self))
                }
                for link in inventory.links {
                    let column = switch link {
                    case let .account(column), let .user(column), let .ticket(column), let .email(column): column
                    }
                    if !leading.contains(column) { missing.append("\(inventory.table).\(column)") }
                }
            }
            #expect(missing.isEmpty, "no index leads with: \(missing.joined(separator: ", "))")
        }
    }
}
