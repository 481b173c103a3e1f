import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// Carries out disposals (PRV-4, PRV-2 deletion, PRV-8) on a subject's rows, table by table,
/// by the inventory's declarations alone. Rows go in small batches, each its own statement, so
/// no transaction holds the SQLite writer for long; every batch can run again (idempotent).
/// Callers ask the `DeletionGate` first; this type never decides whether, only how.
struct PersonalDataEraser {
    let database: any Database
    let now: Date

    static let batchSize = 500

    /// Runs `disposals` on `subject`; returns what was touched, table by table, for the ledger.
    func erase(_ subject: DataSubject, disposals: Set<Disposal>, tables: [TableInventory] = PrivacyInventory.tables) async throws -> [LedgerTable] {
        guard !subject.isEmpty, !disposals.isEmpty else { return [] }
        let sql = try database.sql
        let ticketsGo = PrivacyInventory.table(Ticket.schema)?.personalColumns.contains { disposals.contains($0.disposal) } ?? false
        var touched: [LedgerTable] = []
        // Children before parents: the list is in migration order.
        for inventory in tables.reversed() {
            guard let condition = SubjectRows.condition(inventory, subject) else { continue }
            let personal = inventory.personalColumns
            let rowsGo = personal.contains { disposals.contains($0.disposal) && $0.disposal != .deidentify }
                || (ticketsGo && inventory.links.contains { if case .ticket = $0 { return true } else { return false } })
            if rowsGo {
                let count = try await delete(inventory, condition, on: sql)
                if count > 0 { touched.append(LedgerTable(table: inventory.table, fields: inventory.exportedColumns, rows: count)) }
                continue
            }
            guard disposals.contains(.deidentify) else { continue }
            var assignments: [(String, Replacement)] = personal.compactMap { column in
                column.disposal == .deidentify ? column.replacement.map { (column.name, $0) } : nil
            }
            for (name, value) in inventory.columns.sorted(by: { $0.key < $1.key }) {
                if case let .secret(replacement) = value, name != inventory.key { assignments.append((name, replacement)) }
            }
            guard !assignments.isEmpty else { continue }
            let count = try await overwrite(inventory, assignments, condition, on: sql)
            if count > 0 { touched.append(LedgerTable(table: inventory.table, fields: assignments.map(\.0), rows: count)) }
        }
        if touched.contains(where: { $0.table == Ticket.schema }) { try await CreateTicketSearchIndex.purgeChangedRows(on: sql) }
        return touched
    }

    private func delete(_ inventory: TableInventory, _ condition: SQLQueryString, on sql: any SQLDatabase) async throws -> Int {
        let keys = try await RowKey.matching(inventory.table, key: inventory.key, condition, on: sql)
        for batch in keys.chunked(into: Self.batchSize) {
            try await sql.raw("DELETE FROM \(ident: inventory.table) WHERE \(ident: inventory.key) IN (\(binds: Array(batch)))").run()
        }
        return keys.count
    }

    private func overwrite(_ inventory: TableInventory, _ assignments: [(String, Replacement)], _ condition: SQLQueryString, on sql: any SQLDatabase) async throws -> Int {
        let keys = try await RowKey.matching(inventory.table, key: inventory.key, condition, on: sql)
        let set = assignments.map { pair -> SQLQueryString in
            "\(ident: pair.0) = \(Self.expression(pair.1, key: inventory.key))"
        }.joined(separator: ", ")
        for batch in keys.chunked(into: Self.batchSize) {
            try await sql.raw("UPDATE \(ident: inventory.table) SET \(set) WHERE \(ident: inventory.key) IN (\(binds: Array(batch)))").run()
        }
        return keys.count
    }

    static func expression(_ replacement: Replacement, key: String) -> SQLQueryString {
        switch replacement {
        case let .text(value): "\(bind: value)"
        case .null: "NULL"
        case .deletedAddress: "\(ident: key) || '@deleted.invalid'"
        case .deletedName: "'deleted-' || \(ident: key)"
        }
    }
}

extension Array {
    func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { self[$0 ..< Swift.min($0 + size, count)] }
    }
}
