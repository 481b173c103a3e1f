import Fluent
import SQLKit
import TrustDeskCore

/// Counts a table's rows of a subject up to a cap, for the overview (PRV-2), reading no more
/// than the cap needs. `SubjectRows.condition` is right for export and erasure, which read every
/// row anyway; counted under a `LIMIT`, its `IN (SELECT number FROM tickets ...)` made the
/// database list all of an organisation's tickets first (50,000 of them: 15-40 ms per table).
///
/// A ticket link is read from the smaller side instead: from the subject's tickets into the
/// table's index (stops at the cap when the table has rows for most tickets, costs one probe per
/// ticket otherwise), or, for a table of at most `smallTable` rows, from the table's rows into
/// the ticket's primary key. The other links are one indexed condition; the branches' keys are
/// united, so a row reached by two links counts once.
struct SubjectRowCount {
    let sql: any SQLDatabase
    /// Tables up to this many rows are read from their side (tests set it to 0 to take the other).
    var smallTable = 5000

    func count(_ inventory: TableInventory, of subject: DataSubject, upTo cap: Int) async throws -> Int {
        let limit = cap + 1
        var branches: [SQLQueryString] = []
        let direct = TableInventory(inventory.table, key: inventory.key,
                                    links: inventory.links.filter { if case .ticket = $0 { false } else { true } }, columns: inventory.columns)
        if let condition = SubjectRows.condition(direct, subject) {
            branches.append("SELECT \(ident: inventory.key) AS k FROM \(ident: inventory.table) WHERE \(condition) LIMIT \(literal: limit)")
        }
        if let owners = SubjectRows.ticketOwners(subject, in: "t") {
            for case let .ticket(column) in inventory.links {
                branches.append(try await ticketBranch(inventory, column: column, owners: owners, limit: limit))
            }
        }
        guard !branches.isEmpty else { return 0 }
        let united = branches.enumerated().map { index, branch -> SQLQueryString in
            "SELECT k FROM (\(branch)) AS \(unsafeRaw: "b\(index)")"
        }.joined(separator: " UNION ")
        let counted = try await sql.raw("SELECT COUNT(*) AS n FROM (\(united)) AS capped")
            .first()?.decode(column: "n", as: Int.self) ?? 0
        return min(counted, limit)
    }

    private func ticketBranch(_ inventory: TableInventory, column: String, owners: SQLQueryString, limit: Int) async throws -> SQLQueryString {
        let rows = try await sql.raw("""
            SELECT COUNT(*) AS n FROM (SELECT 1 FROM \(ident: inventory.table) LIMIT \(literal: smallTable + 1)) AS probe
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        if rows <= smallTable {
            return """
                SELECT c.\(ident: inventory.key) AS k FROM \(ident: inventory.table) c \
                WHERE EXISTS (SELECT 1 FROM tickets t WHERE t.number = c.\(ident: column) AND \(owners)) LIMIT \(literal: limit)
                """
        }
        // CROSS JOIN keeps SQLite's order (tickets first); PostgreSQL plans it as an inner join.
        return """
            SELECT c.\(ident: inventory.key) AS k FROM tickets t CROSS JOIN \(ident: inventory.table) c \
            WHERE c.\(ident: column) = t.number AND \(owners) LIMIT \(literal: limit)
            """
    }
}
