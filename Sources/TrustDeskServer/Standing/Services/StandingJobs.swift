import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The standing feature's daily jobs. Each is idempotent and finds its work by an indexed
/// due time (dormancy) or the unpaid-invoice index (non-payment).
enum StandingJobs {
    static let dormancy = ScheduledJob(name: "standing_dormancy", interval: 86_400) { app, now in
        try await runDormancy(app, now: now)
    }

    static let nonPayment = ScheduledJob(name: "standing_non_payment", interval: 86_400) { app, now in
        try await runNonPayment(app, now: now)
    }

    /// STD-7: warns, then deactivates, accounts without usage. Accounts never used count from
    /// their creation (their activity row is written with the account). Candidates come only
    /// from the `account_activity_due_idx` index: the job never reads the accounts table whole.
    static func runDormancy(_ app: Application, now: Date, batch: Int = 500) async throws {
        let configuration = app.trustDeskConfiguration
        let policy = configuration.dormancyPolicy
        let due = try await AccountActivity.query(on: app.db).filter(\.$dormancyDueAt <= now)
            .sort(\.$dormancyDueAt).limit(batch).all()
        for activity in due {
            try await app.db.transaction { db in
                guard let account = try await Account.find(activity.id ?? "", on: db),
                      let fresh = try await AccountActivity.find(activity.id ?? "", on: db) else { return }
                guard account.standing == Standing.active.rawValue else {
                    fresh.dormancyDueAt = now.addingTimeInterval(TimeInterval(policy.thresholdDays) * 86_400)
                    try await fresh.save(on: db)
                    return
                }
                let service = StandingService(database: db, now: now, configuration: configuration)
                switch policy.step(lastUsage: fresh.lastUsedAt, warnedAt: fresh.dormancyWarnedAt, now: now) {
                case .nothing:
                    // Never `now` itself, so a row can't hold the head of the due queue.
                    fresh.dormancyDueAt = max(now.addingTimeInterval(3600), policy.nextCheck(lastUsage: fresh.lastUsedAt, warnedAt: fresh.dormancyWarnedAt, now: now))
                case let .warn(deactivateOn):
                    let (subject, body) = StandingMail.dormancyWarning(deactivateOn: deactivateOn, service.mailContext(account))
                    for owner in try await service.owners(of: account) {
                        try await Outbox(database: db, now: now).enqueue(to: owner.email, subject: subject, body: body, kind: "standing_dormancy_warning")
                    }
                    fresh.dormancyWarnedAt = now
                    fresh.dormancyDueAt = deactivateOn
                case .deactivate:
                    try await service.apply(StandingDecision(to: .dormant, reason: .dormancy, decider: .rule(StandingRule.dormancy),
                                                             evidence: "No usage since \(DateDisplay.utc(fresh.lastUsedAt)) (\(policy.thresholdDays) days)."), to: account)
                    fresh.dormancyDueAt = now.addingTimeInterval(TimeInterval(policy.thresholdDays) * 86_400)
                }
                try await fresh.save(on: db)
            }
        }
    }

    /// STD-8: warnings 3, 10 and 17 days past due; in the final 7 days of a month, terminates
    /// accounts still owing the previous month's bill run (or an older one).
    static func runNonPayment(_ app: Application, now: Date, batch: Int = 500) async throws {
        let configuration = app.trustDeskConfiguration
        let policy = NonPaymentPolicy()
        let unpaid = try await Invoice.query(on: app.db).filter(\.$nextCheckAt <= now)
            .sort(\.$nextCheckAt).limit(batch).all()
        for candidate in unpaid {
            try await app.db.transaction { db in
                guard let invoice = try await Invoice.find(candidate.id, on: db), invoice.paidAt == nil,
                      let account = try await Account.find(invoice.accountSID, on: db) else { return }
                // Looked at again tomorrow; a termination or payment ends the checks.
                invoice.nextCheckAt = now.addingTimeInterval(86_400)
                let service = StandingService(database: db, now: now, configuration: configuration)
                if policy.terminates(billRun: invoice.billRun, on: now) {
                    let standing = Standing(stored: account.standing)
                    if [.active, .suspended, .dormant].contains(standing) {
                        try await service.apply(StandingDecision(to: .terminated, reason: .nonPayment, decider: .rule(StandingRule.nonPayment),
                                                                 evidence: "Invoice \(invoice.reference) of the \(invoice.billRun) bill run is unpaid (\(invoice.owedCents) cents owed)."), to: account)
                    }
                    invoice.nextCheckAt = nil
                    try await invoice.save(on: db)
                    return
                }
                if let days = policy.warningDue(dueDate: invoice.dueAt, now: now, sent: invoice.sentWarnings) {
                    let (subject, body) = StandingMail.paymentWarning(invoice: invoice, days: days, service.mailContext(account))
                    for owner in try await service.owners(of: account) {
                        try await Outbox(database: db, now: now).enqueue(to: owner.email, subject: subject, body: body, kind: "standing_payment_warning")
                    }
                    invoice.warningsSent = (invoice.sentWarnings.union([days])).sorted().map(String.init).joined(separator: ",")
                }
                try await invoice.save(on: db)
            }
        }
    }
}
