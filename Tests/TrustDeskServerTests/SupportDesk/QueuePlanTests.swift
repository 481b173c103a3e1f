import Fluent
import SQLKit
import Testing
import VaporTesting
@testable import TrustDeskServer

@Suite("Queue pages read index ranges (SQLite query plans)")
struct QueuePlanTests {
    static func plan(_ sql: any SQLDatabase, _ query: SQLQueryString) async throws -> String {
        try await sql.raw("EXPLAIN QUERY PLAN \(query)").all()
            .map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
    }

    @Test("SUP-9: the escalated queue reads the escalated tickets' index in every order, never every ticket")
    func escalatedQueue() async throws {
        try await withTrustDesk { app in
            guard !TestDatabase.isPostgres else { return }
            let sql = try app.db.sql
            let orders: [SQLQueryString] = ["updated_at DESC, number DESC", "priority ASC, number ASC", "next_due_at ASC, number ASC"]
            for order in orders {
                let plan = try await Self.plan(sql, """
                    SELECT * FROM tickets WHERE open_escalation_id IS NOT NULL ORDER BY \(order) LIMIT 51
                    """)
                #expect(plan.contains("INDEX"), "\(plan)")
                #expect(!plan.contains("SCAN tickets |") && !plan.hasSuffix("SCAN tickets"), "\(plan)")
            }
        }
    }

    @Test("PRV-2: a person's tickets are found through the requester index")
    func requesterIndex() async throws {
        try await withTrustDesk { app in
            guard !TestDatabase.isPostgres else { return }
            let plan = try await Self.plan(try app.db.sql, """
                SELECT number FROM tickets WHERE organisation_sid IN ('AC1') OR requester_sid IN ('US1')
                """)
            #expect(plan.contains("tickets_requester_idx"), "\(plan)")
        }
    }
}
