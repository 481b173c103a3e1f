import Fluent
import FluentSQL
import SQLKit
import TrustDeskCore

extension QueryBuilder where Model == Ticket {
    /// The tickets a queue or list search (`TicketSearch`) finds, the same for staff queues and a
    /// customer's list: a number, a SID from the intake, a requester's email address, or subject
    /// words that must all appear. Case never matters. `candidates` (`TicketSearchCandidates`), when
    /// known, are the only tickets that can match.
    func matching(_ search: TicketSearch?, within candidates: [Int]? = nil) -> Self {
        let builder = candidates.map { filter(\.$id ~~ $0) } ?? self
        switch search {
        case .number(let number)?: return builder.filter(\.$id == number)
        // `sids` is the intake's SIDs, space-separated; a SID is 34 characters, so a match is whole.
        case .sid(let sid)?: return builder.filter(\.$sids ~~ sid)
        case .email(let email)?: return builder.filter(.sql(Self.lowered("requester_email", .equal, email)))
        case .words(let words)?:
            var builder = builder
            for word in words { builder = builder.filter(.sql(Self.lowered("subject", .like, "%\(word)%"))) }
            return builder
        case nil: return builder
        }
    }

    /// `lower(column) <op> value`: the same case-insensitive match on SQLite and PostgreSQL (an
    /// email is compared whole, as `_` is a LIKE wildcard and a common email character).
    private static func lowered(_ column: String, _ op: SQLBinaryOperator, _ value: String) -> any SQLExpression {
        SQLBinaryExpression(left: SQLFunction("lower", args: SQLColumn(column, table: Ticket.schema)), op: op, right: SQLBind(value))
    }
}
