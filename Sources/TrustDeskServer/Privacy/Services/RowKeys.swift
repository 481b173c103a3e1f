import Foundation
import SQLKit

/// A row's key as read back from either database, so it can be bound again unchanged.
enum RowKey: Encodable, Sendable, Hashable {
    case uuid(UUID)
    case int(Int)
    case text(String)

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .uuid(value): try container.encode(value)
        case let .int(value): try container.encode(value)
        case let .text(value): try container.encode(value)
        }
    }

    static func decode(_ row: any SQLRow, column: String) throws -> RowKey {
        if let value = try? row.decode(column: column, as: UUID.self) { return .uuid(value) }
        if let value = try? row.decode(column: column, as: Int.self) { return .int(value) }
        return .text(try row.decode(column: column, as: String.self))
    }

    /// The keys of `table`'s rows matching `condition`, read in one query.
    static func matching(_ table: String, key: String, _ condition: SQLQueryString, on sql: any SQLDatabase) async throws -> [RowKey] {
        try await sql.raw("SELECT \(ident: key) FROM \(ident: table) WHERE \(condition)").all().map { try decode($0, column: key) }
    }
}
