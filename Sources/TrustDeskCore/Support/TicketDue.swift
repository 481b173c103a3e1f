import Foundation

/// When a ticket next owes staff a response (SUP-8), as the queues show and sort it (issue 11):
/// the earliest due time of its running targets; or, once one of them breached, that breach
/// until staff answer it in public or the ticket stops waiting on them. A breached target has
/// ended (SUP-8), but the reply it measured is still owed, so the queue keeps it at the top in red
/// instead of dropping the ticket's due time the moment it matters most.
public enum TicketDue {
    /// What happened to the ticket's targets, for what it means to an owed breach.
    public enum Change: Sendable, Equatable {
        /// A target started, or running ones were re-measured (priority, assignee, resumed):
        /// an owed breach stays owed.
        case measured
        /// A public staff reply answered, or the ticket was solved, paused or closed: nothing
        /// older is owed any more.
        case answered
    }

    /// The ticket's due time after `change`, given its open targets as they now stand and the
    /// due time it had before.
    public static func next(after change: Change, open targets: [SLATarget], previous: Date?, now: Date) -> Date? {
        let running = targets.filter { $0.status == .active }.compactMap(\.dueAt).min()
        // `previous` in the past is a breach (or one the breach job is about to record): owed.
        guard change == .measured, let previous, previous <= now else { return running }
        return min(running ?? previous, previous)
    }
}
