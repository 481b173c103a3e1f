import Fluent
import SQLKit
import TrustDeskCore

/// Counts each table's rows of a subject up to a cap, for the overview (PRV-2), reading no more
/// than the cap needs. `SubjectRows.condition` is right for export and erasure, which read every
/// row anyway; counted under a `LIMIT`, its `IN (SELECT number FROM tickets ...)` made the
/// database list all of an organisation's tickets first (50,000 of them: 15-40 ms per table).
///
/// A ticket link is read from the smaller side instead: from the subject's tickets into the
/// table's index (stops at the cap when the table has rows for most tickets, costs one probe per
/// ticket otherwise), or, for a table of at most `smallTable` rows, from the table's rows into
/// the ticket's primary key. The other links are one indexed condition; the branches' keys are
/// united, so a row reached by two links counts once.
///
/// All tables are counted in one statement (and their sizes probed in one more): the overview
/// counts some thirty tables, and a round trip each cost more than the counting on PostgreSQL.
struct SubjectRowCount {
    let sql: any SQLDatabase
    /// Tables up to this many rows are read from their side (tests set it to 0 to take the other).
    var smallTable = 5000

    /// The rows of `subject` in each of `inventories`, in their order, each capped at `cap + 1`.
    func counts(_ inventories: [TableInventory], of subject: DataSubject, upTo cap: Int) async throws -> [Int] {
        let limit = cap + 1
        let owners = SubjectRows.ticketOwners(subject, in: "t")
        let small = owners == nil ? [] : try await smallTables(among: inventories)
        var columns: [SQLQueryString] = []
        for (index, inventory) in inventories.enumerated() {
            let branches = self.branches(inventory, of: subject, owners: owners, limit: limit, readFromTable: small.contains(inventory.table))
            guard !branches.isEmpty else { continue }
            let united = branches.enumerated().map { branch, query -> SQLQueryString in
                "SELECT k FROM (\(query)) AS \(unsafeRaw: "b\(branch)")"
            }.joined(separator: " UNION ")
            columns.append("(SELECT COUNT(*) FROM (\(united)) AS \(unsafeRaw: "capped\(index)")) AS \(unsafeRaw: "n\(index)")")
        }
        guard !columns.isEmpty, let row = try await sql.raw("SELECT \(columns.joined(separator: ", "))").first() else {
            return inventories.map { _ in 0 }
        }
        return try inventories.indices.map { index in
            let column = "n\(index)"
            return row.contains(column: column) ? min(try row.decode(column: column, as: Int.self), limit) : 0
        }
    }

    private func branches(_ inventory: TableInventory, of subject: DataSubject, owners: SQLQueryString?, limit: Int,
                          readFromTable: Bool) -> [SQLQueryString] {
        var branches: [SQLQueryString] = []
        let direct = TableInventory(inventory.table, key: inventory.key,
                                    links: inventory.links.filter { if case .ticket = $0 { false } else { true } }, columns: inventory.columns)
        if let condition = SubjectRows.condition(direct, subject) {
            branches.append("SELECT \(ident: inventory.key) AS k FROM \(ident: inventory.table) WHERE \(condition) LIMIT \(literal: limit)")
        }
        guard let owners else { return branches }
        for case let .ticket(column) in inventory.links {
            if readFromTable {
                branches.append("""
                    SELECT c.\(ident: inventory.key) AS k FROM \(ident: inventory.table) c \
                    WHERE EXISTS (SELECT 1 FROM tickets t WHERE t.number = c.\(ident: column) AND \(owners)) LIMIT \(literal: limit)
                    """)
            } else {
                // CROSS JOIN keeps SQLite's order (tickets first); PostgreSQL plans it as an inner join.
                branches.append("""
                    SELECT c.\(ident: inventory.key) AS k FROM tickets t CROSS JOIN \(ident: inventory.table) c \
                    WHERE c.\(ident: column) = t.number AND \(owners) LIMIT \(literal: limit)
                    """)
            }
        }
        return branches
    }

    /// The ticket-linked tables of at most `smallTable` rows, probed in one statement.
    private func smallTables(among inventories: [TableInventory]) async throws -> Set<String> {
        let linked = inventories.filter { $0.links.contains { if case .ticket = $0 { true } else { false } } }
        guard !linked.isEmpty else { return [] }
        let probes = linked.enumerated().map { index, inventory -> SQLQueryString in
            """
            (SELECT COUNT(*) FROM (SELECT 1 FROM \(ident: inventory.table) LIMIT \(literal: smallTable + 1)) AS \(unsafeRaw: "p\(index)")) \
            AS \(unsafeRaw: "s\(index)")
            """
        }
        guard let row = try await sql.raw("SELECT \(probes.joined(separator: ", "))").first() else { return [] }
        var small: Set<String> = []
        for (index, inventory) in linked.enumerated() {
            if try row.decode(column: "s\(index)", as: Int.self) <= smallTable { small.insert(inventory.table) }
        }
        return small
    }
}
