import Fluent
import FluentSQL
import Foundation
import SQLKit
import TrustDeskCore
import Vapor

/// The staff queues (issue 11): which tickets each holds, filtered, searched and ordered as a
/// staff member asks, one keyset page at a time, read through the tickets' queue indexes
/// (`AddQueueIndexesToTickets`; the plans are in docs/performance.md).
struct TicketQueues {
    let database: any Database
    let now: Date

    static let pageSize = 50
    /// The breaching queue: responses due within this long, or already breached.
    static let breachingWithin: TimeInterval = 2 * 3600

    enum Queue: String, CaseIterable {
        case mine, group, unassigned, breaching, escalated, all

        var title: String {
            switch self {
            case .mine: "Assigned to me"
            case .group: "My group"
            case .unassigned: "Unassigned"
            case .breaching: "Breaching within 2 hours"
            case .escalated: "Escalated (SUP-9)"
            case .all: "All unsolved"
            }
        }
    }

    /// One page of `queue` as `staff` (whose group is `group`) sees it; `rows` holds one more
    /// than a page when there is a next one.
    func page(_ queue: Queue, staff: String, group: String, query: TicketQueueQuery, after cursor: TicketQueueCursor?) async throws -> [QueueTicket] {
        var builder = Ticket.query(on: database)
        switch queue {
        case .mine: builder = builder.filter(\.$assigneeSID == staff).filter(\.$unsolved == true)
        case .group: builder = builder.filter(\.$groupName == group).filter(\.$unsolved == true)
        case .unassigned: builder = builder.filter(\.$assigneeSID == nil).filter(\.$unsolved == true)
        case .escalated: builder = builder.filter(\.$openEscalationID != nil)
        case .breaching: builder = builder.filter(\.$unsolved == true).filter(\.$nextDueAt <= now.addingTimeInterval(Self.breachingWithin))
        case .all: builder = builder.filter(\.$unsolved == true)
        }
        let candidates = try await TicketSearchCandidates(database: database).candidates(for: query.search)
        builder = Self.narrow(builder, by: query, within: candidates)
        switch (query.order, cursor) {
        case (.updated, .updated(let updated, let number)?):
            builder = builder.group(.or) { or in
                _ = or.filter(\.$updatedAt < updated)
                _ = or.group(.and) { same in
                    _ = same.filter(\.$updatedAt == updated).filter(\.$id < number)
                }
            }
        case (.priority, .priority(let priority, let number)?):
            builder = builder.group(.or) { or in
                _ = or.filter(\.$priority > priority.rawValue)
                _ = or.group(.and) { same in
                    _ = same.filter(\.$priority == priority.rawValue).filter(\.$id > number)
                }
            }
        case (.due, .due(let due, let number)?):
            builder = builder.group(.or) { or in
                _ = or.filter(\.$nextDueAt > due)
                _ = or.group(.and) { same in
                    _ = same.filter(\.$nextDueAt == due).filter(\.$id > number)
                }
            }
        default: break
        }
        switch query.order {
        case .updated: builder = builder.sort(\.$updatedAt, .descending).sort(\.$id, .descending)
        case .priority: builder = builder.sort(\.$priority, .ascending).sort(\.$id, .ascending)
        case .due: builder = builder.filter(\.$nextDueAt != nil).sort(\.$nextDueAt, .ascending).sort(\.$id, .ascending)
        }
        return try await builder.limit(Self.pageSize + 1).rows(QueueTicket.self, columns: QueueTicket.columns)
    }

    /// The cursor of the page after `rows`, if there is one.
    static func next(after rows: [QueueTicket], order: TicketQueueQuery.Order) -> TicketQueueCursor? {
        guard rows.count > pageSize, let last = rows.prefix(pageSize).last else { return nil }
        switch order {
        case .updated: return .updated(last.updatedAt, last.number)
        case .priority: return .priority(last.ticketPriority, last.number)
        case .due: return last.nextDueAt.map { .due($0, last.number) }
        }
    }

    /// The filters and search on top of a queue's own rule.
    private static func narrow(_ builder: QueryBuilder<Ticket>, by query: TicketQueueQuery, within candidates: [Int]?) -> QueryBuilder<Ticket> {
        var builder = builder
        if let status = query.status { builder = builder.filter(\.$status == status.rawValue) }
        if let priority = query.priority { builder = builder.filter(\.$priority == priority.rawValue) }
        if let product = query.product { builder = builder.filter(\.$product == product.rawValue) }
        if let group = query.group { builder = builder.filter(\.$groupName == group) }
        if let plan = query.plan { builder = builder.filter(\.$plan == plan) }
        switch query.assignee {
        case .nobody?: builder = builder.filter(\.$assigneeSID == nil)
        case .person(let sid)?: builder = builder.filter(\.$assigneeSID == sid)
        case nil: break
        }
        return builder.matching(query.search, within: candidates)
    }

    /// How many tickets each queue holds, for the queue links: each count reads its queue's index,
    /// and is kept for a few seconds per node (`QueueCounts`).
    func counts(staff: String, group: String, cache: QueueCounts) async throws -> [Queue: Int] {
        let soon = now.addingTimeInterval(Self.breachingWithin)
        var counts: [Queue: Int] = [:]
        counts[.mine] = try await cache.value("mine \(staff)", now: now) {
            try await Ticket.query(on: database).filter(\.$assigneeSID == staff).filter(\.$unsolved == true).count()
        }
        counts[.group] = try await cache.value("group \(group)", now: now) {
            try await Ticket.query(on: database).filter(\.$groupName == group).filter(\.$unsolved == true).count()
        }
        counts[.unassigned] = try await cache.value("unassigned", now: now) {
            try await Ticket.query(on: database).filter(\.$assigneeSID == nil).filter(\.$unsolved == true).count()
        }
        counts[.escalated] = try await cache.value("escalated", now: now) {
            try await Ticket.query(on: database).filter(\.$openEscalationID != nil).count()
        }
        counts[.all] = try await cache.value("all", now: now) {
            try await Ticket.query(on: database).filter(\.$unsolved == true).count()
        }
        counts[.breaching] = try await cache.value("breaching", now: now) {
            try await Ticket.query(on: database).filter(\.$unsolved == true).filter(\.$nextDueAt <= soon).count()
        }
        return counts
    }
}

extension Request {
    var ticketQueues: TicketQueues { TicketQueues(database: db, now: now) }
}

extension TicketQueues {
    /// A staff member's latest alerts (SLA breaches, assignments), newest first.
    func alerts(for staff: String) async throws -> [SupportAlert] {
        try await SupportAlert.query(on: database).filter(\.$userSID == staff).sort(\.$createdAt, .descending).limit(10).all()
    }

    /// Dismisses one of `staff`'s own alerts; someone else's, or one already gone, is not found.
    func dismissAlert(_ id: UUID, for staff: String) async throws {
        guard let alert = try await SupportAlert.query(on: database).filter(\.$id == id).filter(\.$userSID == staff).first() else {
            throw DomainError.notFound("alert")
        }
        try await alert.delete(on: database)
    }
}
