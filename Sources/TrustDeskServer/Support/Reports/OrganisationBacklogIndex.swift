import Fluent
import SQLKit

/// SUP-16's backlog report for one organisation counts its unsolved tickets by status and
/// group. Through `tickets_org_idx` (`organisation_sid, number`) that walked every ticket the
/// organisation ever opened and read each row; this index holds exactly the columns the count
/// and its filters read, so the count is a range of the organisation's unsolved entries.
struct AddOrganisationBacklogIndexToTickets: AsyncMigration {
    static let index = "tickets_org_backlog_idx"

    func prepare(on database: any Database) async throws {
        try await database.index(Self.index, on: Ticket.schema, columns: ["organisation_sid", "unsolved", "group_name", "status", "plan", "priority"])
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: Self.index).run()
    }
}
