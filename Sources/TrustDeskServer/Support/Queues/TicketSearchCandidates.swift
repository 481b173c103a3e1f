import Fluent
import SQLKit
import TrustDeskCore

/// Narrows a search to the tickets that can match before a queue or list reads its range
/// (`CreateTicketSearchIndex`, and on PostgreSQL `AddTrigramIndexesToTickets`). What many tickets match is found soon in the range itself; what
/// few match is found at once in an index. So the index answers only when it names at most
/// `candidateLimit` tickets; otherwise the range is read as before. Its answer may hold more
/// than the matches (the trigram index folds case more widely than `lower()`): the search's own
/// condition still applies to each row.
struct TicketSearchCandidates {
    let database: any Database

    static let candidateLimit = 1000
    /// Trigrams: a shorter run of characters has none, and the index cannot narrow by it.
    static let shortestIndexedText = 3

    /// The numbers of the only tickets that can match, or nil when the range must be read.
    func candidates(for search: TicketSearch?, limit: Int = candidateLimit) async throws -> [Int]? {
        guard let search, let sql = database as? any SQLDatabase else { return nil }
        let query: SQLQueryString
        switch search {
        case .email(let email) where sql.dialect.name == "sqlite":
            query = "SELECT rowid AS number FROM \(ident: CreateTicketSearchIndex.table) WHERE requester_email LIKE \(bind: "%\(email)%")"
        case .email(let email):
            query = "SELECT number FROM tickets WHERE lower(requester_email) = \(bind: email)"
        case .sid(let sid) where sql.dialect.name == "sqlite":
            query = "SELECT rowid AS number FROM \(ident: CreateTicketSearchIndex.table) WHERE sids LIKE \(bind: "%\(sid)%")"
        case .sid(let sid):
            // `tickets_sids_trgm_idx` (`AddTrigramIndexesToTickets`).
            query = "SELECT number FROM tickets WHERE sids LIKE \(bind: "%\(sid)%")"
        case .words(let words) where sql.dialect.name == "sqlite" && words.allSatisfy({ $0.count >= Self.shortestIndexedText }):
            let conditions = words.map { word -> SQLQueryString in "subject LIKE \(bind: "%\(word)%")" }
            query = "SELECT rowid AS number FROM \(ident: CreateTicketSearchIndex.table) WHERE \(conditions.joined(separator: " AND "))"
        case .words(let words) where words.allSatisfy({ $0.count >= Self.shortestIndexedText }):
            // `tickets_subject_trgm_idx`; the words are lower case already (`TicketSearch`).
            let conditions = words.map { word -> SQLQueryString in "lower(subject) LIKE \(bind: "%\(word)%")" }
            query = "SELECT number FROM tickets WHERE \(conditions.joined(separator: " AND "))"
        default:
            return nil
        }
        let rows = try await sql.raw("\(query) LIMIT \(literal: limit + 1)").all()
        guard rows.count <= limit else { return nil }
        return try rows.map { try $0.decode(column: "number", as: Int.self) }
    }
}
