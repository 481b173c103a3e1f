import Fluent
import Foundation
import NIOCore
import SQLKit
import Testing
import TrustDeskCore
import VaporTesting
@testable import TrustDeskServer

/// Nothing a user submits is lost to the database: many writers at once, on SQLite (one writer
/// connection, `BEGIN IMMEDIATE`) and on PostgreSQL.
@Suite("Concurrent writes")
struct ConcurrentWritesTests {
    @Test("Transactions that read, then write, all commit when 24 run at once")
    func readThenWriteTransactions() async throws {
        try await withTrustDesk { app in
            // The shape SQLite fails at once without a single writer: a deferred transaction
            // reads, another connection writes, then the first tries to write.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<24 {
                    group.addTask {
                        for round in 0..<5 {
                            try await app.db.transaction { db in
                                let seen = try await ThrottleFailure.query(on: db).filter(\.$key == "load:\(worker)").count()
                                #expect(seen == round)
                                try await ThrottleFailure(key: "load:\(worker)", at: app.now).create(on: db)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await ThrottleFailure.query(on: app.db).filter(\.$key ~~ "load:").count() == 24 * 5)
        }
    }

    @Test("SUP-2: 16 API clients opening tickets and commenting at once all get 201")
    func ticketsFromManyClients() async throws {
        try await withTrustDesk { app in
            let customer = try await TestData.customer(app, "loadowner", account: "Load Rockets")
            let statuses = try await withThrowingTaskGroup(of: [HTTPStatus].self) { group in
                for client in 0..<16 {
                    group.addTask {
                        var seen: [HTTPStatus] = []
                        for round in 0..<4 {
                            let created = try await TicketsAPITests.post(app, customer, "/v1/Tickets", [
                                "subject": "Delivery failure \(client)-\(round)", "description": "Messages are not delivered.",
                                "product": "other", "priority": 3,
                            ])
                            seen.append(created.status)
                            guard let number = created.json["number"] as? Int else { continue }
                            seen.append(try await TicketsAPITests.post(app, customer, "/v1/Tickets/\(number)/Comments", ["body": "More detail \(round)."]).status)
                        }
                        return seen
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(statuses.count == 16 * 4 * 2)
            #expect(statuses.allSatisfy { $0 == .created }, "not all created: \(Set(statuses.map(\.code)))")
            #expect(try await Ticket.query(on: app.db).filter(\.$accountSID == customer.account.sid).count() == 64)
        }
    }

    @Test("SQLite routing: only statements that cannot write go to the reader connections")
    func statementRouting() {
        #expect(SQLStatementKind.isRead(sql: "SELECT 1"))
        #expect(SQLStatementKind.isRead(sql: "  (SELECT * FROM t) UNION (SELECT * FROM u)"))
        #expect(SQLStatementKind.isRead(sql: "WITH x AS (SELECT 1) SELECT * FROM x"))
        #expect(!SQLStatementKind.isRead(sql: "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x"))
        #expect(!SQLStatementKind.isRead(sql: "INSERT INTO t VALUES (1)"))
        #expect(!SQLStatementKind.isRead(sql: "UPDATE t SET a = 1 RETURNING a"))
        #expect(!SQLStatementKind.isRead(sql: "PRAGMA journal_mode = WAL"))
        #expect(!SQLStatementKind.isRead(sql: "CREATE INDEX i ON t (a)"))
    }

    @Test("STD-8: payments of one invoice sent at the same moment all count (found by the kill -9 soak on PostgreSQL)")
    func concurrentPayments() async throws {
        try await withTrustDesk { app in
            app.trustDeskConfiguration.serviceToken = StandingTestKit.serviceToken
            let customer = try await TestData.customer(app, "payer", account: "Paying Rockets")
            let created = try await StandingJobTests.invoice(app, customer.account, reference: "INV-RACE", billRun: "2026-02", due: "2026-03-20", cents: 5_000)
            #expect(created.status == .created)
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        try await app.testing().sendRequest(.POST, "/v1/Payments", headers: StandingTestKit.service(app),
                                                            body: ByteBuffer(string: #"{"invoice_reference":"INV-RACE","amount_cents":300}"#)).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .ok })
            let invoice = try #require(try await Invoice.query(on: app.db).filter(\.$reference == "INV-RACE").first())
            #expect(invoice.paidCents == 12 * 300)
            #expect(invoice.paidAt == nil)
            // Paying past the amount stops at the amount and marks it paid once.
            let last = try await app.testing().sendRequest(.POST, "/v1/Payments", headers: StandingTestKit.service(app),
                                                           body: ByteBuffer(string: #"{"invoice_reference":"INV-RACE","amount_cents":9000}"#))
            #expect(last.json["paid"] as? Bool == true)
            #expect(last.json["paid_cents"] as? Int == 5_000)
        }
    }
}
