import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// PRV-2 "view what is held by category": for a subject, each table that holds its personal
/// data, with the personal fields and the number of rows, grouped by category.
struct PrivacyOverview {
    let database: any Database

    /// The overview counts rows up to this many; beyond it, it says "more than".
    static let shownRows = 1000

    struct Holding: Sendable {
        let category: DataCategory
        let table: String
        let fields: [String]
        /// Capped at `shownRows + 1`, meaning "more than `shownRows`".
        let rows: Int
        let disposal: String
    }

    func holdings(of subject: DataSubject) async throws -> [Holding] {
        let tables = PrivacyInventory.tables.filter(\.holdsPersonalData)
        // Counted up to one past `shownRows`: the overview says "more than 1,000", and a
        // customer with a million rows of tickets pays for a thousand (bench/pages).
        let counts = try await SubjectRowCount(sql: try database.sql).counts(tables, of: subject, upTo: Self.shownRows)
        var result: [Holding] = []
        for (inventory, count) in zip(tables, counts) where count > 0 {
            for category in DataCategory.allCases {
                let columns = inventory.personalColumns.filter { $0.category == category }
                guard !columns.isEmpty else { continue }
                let disposals = Set(columns.map(\.disposal)).sorted { $0.rawValue < $1.rawValue }.map(\.title)
                result.append(Holding(category: category, table: inventory.table, fields: columns.map(\.name), rows: count,
                                      disposal: disposals.joined(separator: "; ")))
            }
        }
        return result
    }
}
