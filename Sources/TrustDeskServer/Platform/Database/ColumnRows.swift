import Fluent
import FluentSQL
import Synchronization

extension QueryBuilder {
    /// The rows this query finds, only `columns` of them, each decoded as a `Row` whose coding
    /// keys are the column names. For lists that show a few columns of many rows: Fluent
    /// builds each model by reflection over every one of its properties (a profile of a queue page
    /// of 51 tickets put a fifth of its time there), and a `Row` is decoded by its synthesized
    /// `init(from:)`. The query is the one the builder made: its filters, sorts and limits.
    func rows<Row: Decodable>(_ type: Row.Type, columns: [FieldKey]) async throws -> [Row] {
        var query = self.query
        query.fields = columns.map { .path([$0], schema: Model.schema) }
        let expression = SQLQueryConverter(delegate: PlainConverterDelegate()).convert(query)
        let found = Mutex<[any SQLRow]>([])
        try await database.sql.execute(sql: expression) { row in found.withLock { $0.append(row) } }
        let prefix = Model.schema + "_"
        return try found.withLock { rows in
            try rows.map { try $0.decode(model: Row.self, prefix: prefix) }
        }
    }
}

/// Reads only: the drivers' own delegates differ in schema types and nested JSON paths, which a
/// read of plain columns never uses.
private struct PlainConverterDelegate: SQLConverterDelegate {
    func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? { nil }
}
