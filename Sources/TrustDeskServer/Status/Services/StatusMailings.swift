import Fluent
import Foundation
import Logging
import SQLKit
import TrustDeskCore

/// Subscriber mail (STS-3): a mailing per update or reminder, written to the outbox by the
/// `status_notifications` job in batches of 1,000 subscribers, each batch one transaction.
struct StatusMailings {
    let database: any Database
    let now: Date
    let settings: StatusPageSettings

    static let batchSize = 1_000

    /// Queues the mailing of an update; call inside the update's transaction.
    func queue(_ update: StatusIncidentUpdate, of incident: StatusIncident, on db: any Database) async throws {
        let (ids, names) = try await affected(incident, on: db)
        let body = StatusMail.updateBody(incident: incident.name, status: update.status, body: update.body,
                                         at: StatusDateDisplay.local(update.displayAt, zone: settings.timeZone), affected: names,
                                         link: settings.incidentURL(incident.id ?? ""))
        try await create(.update, incident: incident, update: update.id,
                         subject: StatusMail.updateSubject(page: settings.name, incident: incident.name, status: update.status),
                         body: body, components: ids, on: db)
    }

    /// Queues the 60-minute reminder of a maintenance.
    func queueReminder(of incident: StatusIncident, on db: any Database) async throws {
        guard let start = incident.scheduledFor, let end = incident.scheduledUntil else { return }
        let (ids, names) = try await affected(incident, on: db)
        let window = "\(StatusDateDisplay.local(start, zone: settings.timeZone)) to \(StatusDateDisplay.local(end, zone: settings.timeZone))"
        try await create(.reminder, incident: incident, update: nil, subject: StatusMail.reminderSubject(page: settings.name, maintenance: incident.name),
                         body: StatusMail.reminderBody(maintenance: incident.name, window: window, affected: names, link: settings.incidentURL(incident.id ?? "")),
                         components: ids, on: db)
    }

    /// The incident's components and the groups they are in: a subscriber to a group hears of
    /// its members.
    private func affected(_ incident: StatusIncident, on db: any Database) async throws -> (ids: [String], names: [String]) {
        let ids = try await StatusIncidentComponent.query(on: db).filter(\.$incidentID == incident.id ?? "").all().map(\.componentID)
        guard !ids.isEmpty else { return ([], []) }
        let components = try await StatusComponent.query(on: db).filter(\.$id ~~ ids).sort(\.$position).all()
        let groups = Set(components.compactMap(\.groupID))
        return ((Set(ids).union(groups)).sorted(), components.map(\.name))
    }

    private func create(_ kind: StatusMailing.Kind, incident: StatusIncident, update: String?, subject: String, body: String, components: [String], on db: any Database) async throws {
        let mailing = StatusMailing()
        mailing.id = UUID()
        mailing.incidentID = incident.id ?? ""
        mailing.updateID = update
        mailing.kind = kind.rawValue
        mailing.subject = subject
        mailing.body = body
        mailing.components = components.joined(separator: " ")
        mailing.written = 0
        mailing.dueAt = now
        mailing.createdAt = now
        try await mailing.create(on: db)
    }

    // MARK: The job

    /// Writes up to `batches` batches of the due mailings, oldest first. Returns how many
    /// subscribers were reached. Bounded so the other jobs of the scheduler get their turn.
    @discardableResult
    func writeDue(batches: Int) async throws -> Int {
        var reached = 0
        for _ in 0..<batches {
            guard let mailing = try await StatusMailing.query(on: database).filter(\.$dueAt <= now).sort(\.$dueAt).first() else { break }
            guard let count = try await writeBatch(of: mailing) else { continue }
            reached += count
        }
        return reached
    }

    /// One batch in one transaction: claim the next 1,000 subscribers by moving the cursor
    /// with a conditional update (a racing node claims nothing and stops), then write their
    /// notifications and outbox rows. The unique (mailing, subscriber) index is the last guard.
    /// Returns nil when another node had moved on.
    func writeBatch(of mailing: StatusMailing) async throws -> Int? {
        guard let id = mailing.id else { return nil }
        return try await database.transaction { db -> Int? in
            var query = StatusSubscriber.query(on: db).filter(\.$confirmedAt != nil)
            if let cursor = mailing.cursor { query = query.filter(\.$id > cursor) }
            let subscribers = try await query.sort(\.$id).limit(Self.batchSize).all()
            let sql = try db.sql
            var claim = sql.update(StatusMailing.schema).where("id", .equal, SQLBind(id))
            if let cursor = mailing.cursor {
                claim = claim.where("cursor", .equal, SQLBind(cursor))
            } else {
                claim = claim.where("cursor", .is, SQLLiteral.null)
            }
            guard let last = subscribers.last?.id else {
                let finished = try await claim.set("due_at", to: SQLLiteral.null).set("finished_at", to: SQLBind(now)).returning("id").all()
                return finished.isEmpty ? nil : 0
            }
            let wanted = subscribers.filter { StatusSubscription.wants(subscribedTo: $0.componentIDs, affected: mailing.componentIDs) }
            let claimed = try await claim.set("cursor", to: SQLBind(last)).set("written", to: SQLBind(mailing.written + wanted.count)).returning("id").all()
            guard !claimed.isEmpty else { return nil }
            mailing.cursor = last
            mailing.written += wanted.count
            guard !wanted.isEmpty else { return 0 }
            var insert = sql.insert(into: StatusNotification.schema).columns("id", "mailing_id", "subscriber_id", "created_at")
            for subscriber in wanted {
                insert = insert.values(SQLBind(UUID()), SQLBind(id), SQLBind(subscriber.id ?? UUID()), SQLBind(now))
            }
            try await insert.run()
            let mails = wanted.map { subscriber in
                let link = settings.unsubscribeURL(subscriber.unsubscribeToken)
                return Outbox.Mail(recipient: subscriber.email, subject: mailing.subject,
                                   body: mailing.body + StatusMail.footer(page: settings.name, unsubscribe: link),
                                   headers: StatusMail.listHeaders(unsubscribe: link))
            }
            try await Outbox(database: db, now: now).enqueueAll(mails, kind: "status_\(mailing.kind)")
            return wanted.count
        }
    }
}
