import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// Email subscriptions (STS-3): double opt-in through a single-use link (48 h), the same answer
/// for known and unknown addresses, throttled per address and network (SEC-2), one-click
/// unsubscribe that deletes the address (PRV-1).
struct StatusSubscribers {
    let database: any Database
    let now: Date
    let settings: StatusPageSettings

    /// Component ids as ticked on the form; each must be on the page.
    func checkComponents(_ ids: [String]) async throws -> [String] {
        let chosen = Set(ids.filter { !$0.isEmpty })
        guard !chosen.isEmpty else { return [] }
        let known = Set(try await StatusComponent.query(on: database).filter(\.$id ~~ chosen.sorted()).all().compactMap(\.id))
        guard known == chosen else { throw DomainError(.invalidParameter, "components: choose components of this page, or none for every update.") }
        return chosen.sorted()
    }

    /// Counts the attempt against the address and the network first, so the throttle holds
    /// whatever the outcome; then mails a confirmation link. The caller shows the same page
    /// whether or not the address was known.
    func subscribe(email: String, components: [String], network: String) async throws {
        let throttle = Throttle(database: database, now: now)
        try await throttle.check("status_subscribe:network:\(network)", .statusSubscribePerNetwork)
        try await throttle.check("status_subscribe:email:\(email)", .statusSubscribePerAddress)
        let token = Secrets.generate(.link)
        let link = "\(settings.publicURL)/status/subscribe/confirm?token=\(token)"
        do {
            try await write(email: email, components: components, token: token, link: link, network: network)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // The same address subscribed at the same moment from elsewhere: that request
            // mailed it a link, and the answer is the same either way.
        }
    }

    private func write(email: String, components: [String], token: String, link: String, network: String) async throws {
        try await database.transaction { db in
            try await Throttle(database: db, now: now).recordFailure("status_subscribe:network:\(network)")
            try await Throttle(database: db, now: now).recordFailure("status_subscribe:email:\(email)")
            let existing = try await StatusSubscriber.query(on: db).filter(\.$email == email).first()
            let subscriber = existing ?? StatusSubscriber()
            if existing == nil {
                subscriber.id = UUID()
                subscriber.email = email
                subscriber.components = ""
                subscriber.unsubscribeToken = Secrets.generate(.link)
                subscriber.createdAt = now
            }
            subscriber.confirmTokenHash = Secrets.hash(token)
            subscriber.confirmExpiresAt = SingleUseLink.expiry(for: .statusSubscription, issuedAt: now)
            subscriber.confirmUsedAt = nil
            subscriber.pendingComponents = components.joined(separator: " ")
            try await subscriber.save(on: db)
            try await Outbox(database: db, now: now).enqueue(
                to: email, subject: StatusMail.confirmationSubject(page: settings.name),
                body: StatusMail.confirmationBody(page: settings.name, link: link, alreadySubscribed: subscriber.confirmedAt != nil),
                kind: "status_subscription_confirmation")
        }
    }

    /// The subscription a confirmation link names, if the link is still good.
    func pending(token: String) async throws -> StatusSubscriber {
        guard Secrets.matchesFormat(token, kind: .link),
              let subscriber = try await StatusSubscriber.query(on: database).filter(\.$confirmTokenHash == Secrets.hash(token)).first(),
              let expiresAt = subscriber.confirmExpiresAt
        else {
            throw DomainError(.linkExpired, "This confirmation link is not valid. It may have expired and been removed; subscribe again.")
        }
        try SingleUseLink.check(expiresAt: expiresAt, usedAt: subscriber.confirmUsedAt, now: now)
        return subscriber
    }

    /// Confirms: spends the link with a conditional update, so two clicks confirm once.
    func confirm(token: String) async throws -> StatusSubscriber {
        let subscriber = try await pending(token: token)
        let spent = try await database.sql.update(StatusSubscriber.schema)
            .set("confirm_used_at", to: SQLBind(now))
            .set("confirmed_at", to: SQLBind(subscriber.confirmedAt ?? now))
            .set("components", to: SQLBind(subscriber.pendingComponents))
            .where("id", .equal, SQLBind(subscriber.id ?? UUID()))
            .where("confirm_token_hash", .equal, SQLBind(Secrets.hash(token)))
            .where("confirm_used_at", .is, SQLLiteral.null)
            .returning("id").all()
        guard !spent.isEmpty, let confirmed = try await StatusSubscriber.find(subscriber.id, on: database) else {
            throw DomainError(.linkUsed, "This link has already been used. Each link works once; you are subscribed.")
        }
        return confirmed
    }

    /// Deletes the subscriber a token names. An unknown token gets the same answer: the
    /// address is not subscribed either way.
    func unsubscribe(token: String) async throws {
        guard Secrets.matchesFormat(token, kind: .link) else { return }
        try await StatusSubscriber.query(on: database).filter(\.$unsubscribeToken == token).delete()
    }

    /// Unconfirmed subscriptions a day after their link expired: nobody is kept who never said yes.
    @discardableResult
    func purgeUnconfirmed() async throws -> Int {
        let cutoff = now.addingTimeInterval(-StatusSubscription.unconfirmedRetention)
        let stale = try await StatusSubscriber.query(on: database).filter(\.$confirmExpiresAt < cutoff).filter(\.$confirmedAt == nil).limit(1_000).all()
        guard !stale.isEmpty else { return 0 }
        try await StatusSubscriber.query(on: database).filter(\.$id ~~ stale.compactMap(\.id)).filter(\.$confirmedAt == nil).delete()
        return stale.count
    }

    func confirmedCount() async throws -> Int {
        try await StatusSubscriber.query(on: database).filter(\.$confirmedAt != nil).count()
    }
}
