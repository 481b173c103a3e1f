import Fluent
import Foundation
import TrustDeskCore

/// Progressive Trust's part of the demo world (PT-1..PT-10): Acme Rockets, an established
/// sender (score 2) with an open request for more messages and its ticket; Acme Rockets EU,
/// a new subaccount near its cap; Blue Harbor Clinics, young and with carrier filtering
/// (score 4), whose score review was decided by staff.riley. Each has 60 days of daily volume
/// for the chart. Trust & Safety (staff.riley, staff.sam) work the `trust_safety` group.
enum DemoTrust {
    struct Sender {
        let sid: String
        let ageDays: Double
        /// Admitted SMS on an ordinary weekday; weekends send a third, and volume grows ~20%
        /// over the 60 days.
        let weekday: Int
        /// Admitted in the current 24 hours.
        let usedToday: Int
    }

    /// Called once from `DemoWorld.loadIfEmpty`, inside its transaction.
    static func load(on db: any Database, scores: TrustScores, acmeSID: String, acmeSubaccountSID: String, harborSID: String) async throws {
        let now = scores.now
        let group = SupportCalendarRecord(name: "Trust & Safety", calendar: try BusinessCalendar(
            name: "Trust & Safety", timeZone: "Europe/Dublin", intervals: BusinessCalendar.parseWeekly("Mon-Fri 08:00-18:00"),
            holidays: BusinessCalendar.parseHolidays("2026-12-25")), group: SupportGroup.trustSafety, now: now)
        try await group.create(on: db)
        for username in ["staff.riley", "staff.sam"] {
            guard let user = try await User.query(on: db).filter(\.$username == username).first() else { continue }
            try await StaffSupportProfile(userSID: user.sid, group: SupportGroup.trustSafety, calendarID: group.id, now: now).create(on: db)
        }

        let senders = [
            Sender(sid: acmeSID, ageDays: 400, weekday: 20_000, usedToday: 9_500),
            Sender(sid: acmeSubaccountSID, ageDays: 45, weekday: 800, usedToday: 0),
            Sender(sid: harborSID, ageDays: 60, weekday: 2_400, usedToday: 1_100),
        ]
        for sender in senders {
            guard let account = try await Account.find(sender.sid, on: db) else { continue }
            account.createdAt = now.addingTimeInterval(-sender.ageDays * 86_400)
            try await account.save(on: db)
            try await volume(sender, on: db, now: now)
        }
        try await outcomes(harborSID, on: db, now: now)
        for sender in senders {
            guard let account = try await Account.find(sender.sid, on: db) else { continue }
            try await scores.refresh(account, source: "enrolment")
        }
        // The subaccount's limit is its floor-or-2x; fill 90% of it in the current window so it
        // shows on the staff "near the cap" list.
        if let profile = try await TrustProfile.find(acmeSubaccountSID, on: db), let limit = profile.dailyLimit {
            try await bucket(acmeSubaccountSID, QuotaRule.bucket(now) - 2, granted: limit * 9 / 10, on: db)
        }
        try await requests(on: db, scores: scores, acmeSID: acmeSID, harborSID: harborSID)
    }

    /// 60 complete days before today, each day's volume in its first hour (the chart and the
    /// 60-day average read days), plus this window's use spread over the last hours.
    private static func volume(_ sender: Sender, on db: any Database, now: Date) async throws {
        let today = UTCDay.start(of: now)
        for day in 1...MessageLimitRule.averageDays {
            let date = today.addingTimeInterval(Double(-day) * 86_400)
            let weekday = LocalDate(dayNumber: Int(date.timeIntervalSince1970 / 86_400)).weekday
            let grown = sender.weekday * (100 + (60 - day) / 3) / 100
            let amount = weekday == .saturday || weekday == .sunday ? grown / 3 : grown + (day * 37) % (sender.weekday / 10 + 1)
            try await bucket(sender.sid, QuotaRule.bucket(date), granted: amount, on: db)
        }
        guard sender.usedToday > 0 else { return }
        for hour in 1...5 {
            try await bucket(sender.sid, QuotaRule.bucket(now) - Int64(hour), granted: sender.usedToday / 5, on: db)
        }
    }

    private static func bucket(_ account: String, _ bucket: Int64, granted: Int, on db: any Database) async throws {
        let row = QuotaBucket()
        row.id = UUID()
        row.accountSID = account
        row.bucket = bucket
        row.granted = Int64(granted)
        try await row.create(on: db)
    }

    /// Blue Harbor's last 30 days of outcomes: 6% carrier-filtered, which with its age and
    /// short history puts it at score 4.
    private static func outcomes(_ account: String, on db: any Database, now: Date) async throws {
        let mix = [("delivered", 549), ("undelivered", 15), ("carrier_filtered", 36)]
        var rows: [AdmittedMessage] = []
        for (outcome, count) in mix {
            for index in 0..<count {
                let message = AdmittedMessage()
                message.id = SID.generate(.smsMessage).rawValue
                message.accountSID = account
                message.admittedAt = now.addingTimeInterval(-Double(index % 28 + 1) * 86_400)
                message.outcome = outcome
                message.outcomeAt = message.admittedAt.addingTimeInterval(60)
                rows.append(message)
            }
        }
        try await rows.create(on: db)
    }

    /// Acme's open request for a launch week (its ticket waits in the trust_safety queue) and
    /// Blue Harbor's score review, already approved by staff.riley on its ticket.
    private static func requests(on db: any Database, scores: TrustScores, acmeSID: String, harborSID: String) async throws {
        let now = scores.now
        let policies = TrustPolicies(database: db, now: now, scores: scores)
        if let acme = try await Account.find(acmeSID, on: db), let avery = try await User.query(on: db).filter(\.$username == "avery").first() {
            _ = try await policies.request(acme, kind: TrustSafetyTopic.moreMessages.rawValue, amount: 120_000,
                                           startsOn: UTCDay.key(now.addingTimeInterval(2 * 86_400)), endsOn: UTCDay.key(now.addingTimeInterval(8 * 86_400)),
                                           reason: "Product launch: order confirmations and delivery updates to opted-in customers, about 5x our usual volume for a week.",
                                           by: avery.sid, ticketFor: TicketActor(user: avery))
        }
        if let harbor = try await Account.find(harborSID, on: db), let harper = try await User.query(on: db).filter(\.$username == "harper").first(),
           let riley = try await User.query(on: db).filter(\.$username == "staff.riley").first() {
            let review = try await policies.request(harbor, kind: TrustSafetyTopic.scoreReview.rawValue, amount: nil, startsOn: nil, endsOn: nil,
                                                    reason: "The filtering came from one appointment-reminder template with a shortened link; we replaced it last week.",
                                                    by: harper.sid, ticketFor: TicketActor(user: harper))
            try await policies.decide(review, .init(approve: true, score: 3,
                                                    note: "Confirmed: the template was changed and filtering stopped. Score 3 for a year; keep links on your own domain."),
                                      staff: riley)
        }
    }
}
