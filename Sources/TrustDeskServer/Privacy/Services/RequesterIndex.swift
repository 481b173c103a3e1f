import Fluent
import SQLKit

/// PRV-2's overview, export and erasure find a person's tickets by `requester_sid` as well as
/// by organisation. Without an index that `OR` read every ticket (a 100,000-ticket desk: 20 ms
/// per table the overview counts, for a person with one ticket as for one with thousands).
struct AddRequesterIndexToTickets: AsyncMigration {
    static let index = "tickets_requester_idx"

    func prepare(on database: any Database) async throws {
        try await database.index(Self.index, on: Ticket.schema, columns: ["requester_sid", "number"])
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: Self.index).run()
    }
}
