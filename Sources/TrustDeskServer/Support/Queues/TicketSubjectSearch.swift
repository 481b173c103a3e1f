import Fluent
import SQLKit
import TrustDeskCore

/// Narrows a subject-word search to the tickets that can hold every word before a queue or
/// list reads its range (`CreateTicketSubjectSearch`). A word that many tickets hold is found
/// soon in the range itself; one that few hold is found at once in the trigram index. So the
/// index answers only when it names at most `candidateLimit` tickets; otherwise the range is
/// read as before. Its answer is a superset (it folds case more widely than `lower()`), and
/// the search's own condition still applies to each row.
struct TicketSubjectSearch {
    let database: any Database

    static let candidateLimit = 1000
    /// Trigrams: a shorter word has none, and the index cannot narrow by it.
    static let shortestIndexedWord = 3

    /// The numbers of the only tickets that can match, or nil when the range must be read.
    func candidates(for search: TicketSearch?, limit: Int = candidateLimit) async throws -> [Int]? {
        guard case .words(let words)? = search, words.allSatisfy({ $0.count >= Self.shortestIndexedWord }),
              let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" else { return nil }
        let conditions = words.map { word -> SQLQueryString in "subject LIKE \(bind: "%\(word)%")" }
        let rows = try await sql.raw("""
            SELECT rowid AS number FROM \(ident: CreateTicketSubjectSearch.table) \
            WHERE \(conditions.joined(separator: " AND ")) LIMIT \(literal: limit + 1)
            """).all()
        guard rows.count <= limit else { return nil }
        return try rows.map { try $0.decode(column: "number", as: Int.self) }
    }
}
