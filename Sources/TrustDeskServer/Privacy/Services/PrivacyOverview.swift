import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// PRV-2 "view what is held by category": for a subject, each table that holds its personal
/// data, with the personal fields and the number of rows, grouped by category.
struct PrivacyOverview {
    let database: any Database

    struct Holding: Sendable {
        let category: DataCategory
        let table: String
        let fields: [String]
        let rows: Int
        let disposal: String
    }

    func holdings(of subject: DataSubject) async throws -> [Holding] {
        let sql = try database.sql
        var result: [Holding] = []
        for inventory in PrivacyInventory.tables where inventory.holdsPersonalData {
            guard let condition = SubjectRows.condition(inventory, subject) else { continue }
            let count = try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: inventory.table) WHERE \(condition)").first()?
                .decode(column: "n", as: Int.self) ?? 0
            guard count > 0 else { continue }
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
