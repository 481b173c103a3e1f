import Fluent
import Foundation
import TrustDeskCore

/// The support desk's part of the demo world: Acme Rockets on the personalized plan with a
/// New York primary TAM (staff.taylor), a London secondary TAM and a TAM manager; a PSE pool
/// whose shifts follow the sun; Blue Harbor on the standard plan; and tickets in every status.
enum DemoSupport {
    struct StaffMember {
        let username: String
        let fullName: String
        let role: StaffRole
    }

    /// Support staff beyond the platform's demo staff.
    static let extraStaff: [StaffMember] = [
        StaffMember(username: "staff.lee", fullName: "Lee Park", role: .tam),
        StaffMember(username: "staff.dana", fullName: "Dana Whitfield", role: .agent),
        StaffMember(username: "staff.kai", fullName: "Kai Nakamura", role: .pse),
        StaffMember(username: "staff.noor", fullName: "Noor Haddad", role: .pse),
        StaffMember(username: "staff.emil", fullName: "Emil Sorensen", role: .pse),
    ]

    static func load(on db: any Database, now: Date, passwordHash: String, sealedTOTP: String, acmeSID: String, harborSID: String, settings: SupportSettings) async throws {
        for member in extraStaff {
            let user = User(sid: SID.generate(.user), username: member.username, email: "\(member.username.replacingOccurrences(of: "staff.", with: ""))@trustdesk.example.com",
                            fullName: member.fullName, passwordHash: passwordHash, staffRole: member.role, now: now)
            user.totpSecretSealed = sealedTOTP
            user.totpEnabledAt = now
            try await user.create(on: db)
        }

        func calendar(_ name: String, _ zone: String, _ hours: String, group: String? = nil) async throws -> SupportCalendarRecord {
            let record = SupportCalendarRecord(name: name, calendar: try BusinessCalendar(name: name, timeZone: zone, intervals: BusinessCalendar.parseWeekly(hours),
                                                                                           holidays: BusinessCalendar.parseHolidays("2026-12-25")), group: group, now: now)
            try await record.create(on: db)
            return record
        }
        let taylorHours = try await calendar("Taylor Reed (New York)", "America/New_York", "Mon-Fri 09:00-18:00")
        let leeHours = try await calendar("Lee Park (London)", "Europe/London", "Mon-Fri 09:00-18:00")
        let danaHours = try await calendar("Dana Whitfield (New York)", "America/New_York", "Mon-Fri 09:00-17:00")
        // Follow-the-sun PSE shifts: New York, London, Kolkata and Sydney between them cover
        // every hour.
        let parkerShift = try await calendar("PSE shift New York", "America/New_York", "Mon-Sun 08:00-16:00")
        let emilShift = try await calendar("PSE shift London", "Europe/London", "Mon-Sun 09:00-17:00")
        let noorShift = try await calendar("PSE shift Kolkata", "Asia/Kolkata", "Mon-Sun 08:00-16:00")
        let kaiShift = try await calendar("PSE shift Sydney", "Australia/Sydney", "Mon-Sun 08:00-16:00")
        _ = try await calendar("PSE pool (24x7)", "UTC", "Mon-Sun 00:00-24:00", group: SupportGroup.pse)
        let general = try await calendar("General support", "UTC", "Mon-Fri 08:00-20:00", group: SupportGroup.general)
        let trust = try await calendar("Consumer Trust", "America/Chicago", "Mon-Fri 09:00-17:00", group: SupportGroup.consumerTrust)

        func staff(_ username: String) async throws -> User? {
            try await User.query(on: db).filter(\.$username == username).first()
        }
        let placements: [(String, String, SupportCalendarRecord)] = [
            ("staff.taylor", "tam", taylorHours), ("staff.lee", "tam", leeHours), ("staff.dana", SupportGroup.general, danaHours),
            ("staff.parker", SupportGroup.pse, parkerShift), ("staff.emil", SupportGroup.pse, emilShift),
            ("staff.noor", SupportGroup.pse, noorShift), ("staff.kai", SupportGroup.pse, kaiShift),
            ("staff.alex", SupportGroup.general, general), ("staff.morgan", SupportGroup.general, general),
            ("staff.quinn", SupportGroup.consumerTrust, trust),
        ]
        for (username, group, hours) in placements {
            guard let user = try await staff(username) else { continue }
            try await StaffSupportProfile(userSID: user.sid, group: group, calendarID: hours.id, now: now).create(on: db)
        }

        let acmeProfile = SupportProfile(accountSID: acmeSID, plan: SupportPlan.personalized.id, now: now)
        acmeProfile.primaryTAMSID = try await staff("staff.taylor")?.sid
        acmeProfile.secondaryTAMSID = try await staff("staff.lee")?.sid
        acmeProfile.tamManagerSID = try await staff("staff.dana")?.sid
        acmeProfile.accountExecutiveName = "Robin Castillo"
        acmeProfile.accountExecutiveEmail = "robin.castillo@trustdesk.example.com"
        acmeProfile.chatChannel = "tam-acme-rockets"
        try await acmeProfile.create(on: db)
        try await SupportProfile(accountSID: harborSID, plan: SupportPlan.standard.id, now: now).create(on: db)

        try await addTickets(on: db, now: now, acmeSID: acmeSID, harborSID: harborSID, settings: settings)
    }

    private static func sid(_ prefix: SIDPrefix, _ digit: Character) -> String {
        prefix.rawValue + String(repeating: digit, count: 32)
    }

    /// One ticket in each status, made through the same service the console uses.
    private static func addTickets(on db: any Database, now: Date, acmeSID: String, harborSID: String, settings: SupportSettings) async throws {
        guard let acme = try await Account.find(acmeSID, on: db), let harbor = try await Account.find(harborSID, on: db),
              let avery = try await User.query(on: db).filter(\.$username == "avery").first(),
              let casey = try await User.query(on: db).filter(\.$username == "casey").first(),
              let harper = try await User.query(on: db).filter(\.$username == "harper").first(),
              let taylor = try await User.query(on: db).filter(\.$username == "staff.taylor").first()
        else { return }
        let staff = TicketActor(user: taylor)

        func open(_ account: Account, _ user: User, at time: Date, _ subject: String, _ description: String, priority: Int, _ intake: IntakeForm, topic: String = "") async throws -> Ticket {
            try await Tickets(database: db, now: time, settings: settings).open(NewTicket(subject: subject, description: description, priority: String(priority), topic: topic, intake: intake),
                                                              about: account, by: TicketActor(user: user)).ticket
        }

        // new
        _ = try await open(acme, avery, at: now, "Choppy audio on conference bridge +1 555 010 1212",
                           "Callers hear choppy audio after entering the PIN. Began this morning, no changes on our side.", priority: 2,
                           IntakeForm(product: .voice, sidsText: "\(sid(.call, "a")) \(sid(.call, "b"))", oldestExampleAt: now.addingTimeInterval(-3 * 3600), countries: "US"))
        // pending: support asked a question
        let pending = try await open(acme, casey, at: now.addingTimeInterval(-26 * 3600), "Some customers do not receive our texts",
                                     "About half the messages to three numbers are not delivered.", priority: 3,
                                     IntakeForm(product: .messaging, sidsText: "\(sid(.smsMessage, "c")) \(sid(.smsMessage, "d"))", oldestExampleAt: now.addingTimeInterval(-30 * 3600), direction: "outbound"))
        try await Tickets(database: db, now: now.addingTimeInterval(-25 * 3600), settings: settings).reply(to: pending, by: staff, body: "Could you send a third example from today?", isPublic: true)
        try await Tickets(database: db, now: now.addingTimeInterval(-25 * 3600), settings: settings).changeStatus(pending, to: .pending, by: staff, reason: "waiting for an example")
        // on hold: waiting on a carrier
        let held = try await open(acme, avery, at: now.addingTimeInterval(-5 * 3600), "Calls to one area code fail", "All calls to +1 555 02x fail with a fast busy.", priority: 1,
                                  IntakeForm(product: .voice, sidsText: "\(sid(.call, "e")) \(sid(.call, "f"))", oldestExampleAt: now.addingTimeInterval(-6 * 3600), countries: "US"))
        try await Tickets(database: db, now: now.addingTimeInterval(-4.5 * 3600), settings: settings).reply(to: held, by: staff, body: "We escalated to the carrier and put a temporary route in place.", isPublic: true)
        try await Tickets(database: db, now: now.addingTimeInterval(-4.5 * 3600), settings: settings).reply(to: held, by: staff, body: "Carrier case 555-0199, expect 24 h.", isPublic: false)
        try await Tickets(database: db, now: now.addingTimeInterval(-4.4 * 3600), settings: settings).changeStatus(held, to: .onHold, by: staff, reason: "waiting on the carrier")
        // open: a conversation in progress
        let working = try await open(acme, casey, at: now.addingTimeInterval(-3 * 3600), "Room recordings missing audio", "Compositions of some rooms have no audio track.", priority: 3,
                                  IntakeForm(product: .video, sidsText: sid(.room, "1"), sdk: "JavaScript", sdkVersion: "2.28.1"))
        try await Tickets(database: db, now: now.addingTimeInterval(-2 * 3600), settings: settings).reply(to: working, by: staff, body: "Which browser do the participants use?", isPublic: true)
        try await Tickets(database: db, now: now.addingTimeInterval(-1 * 3600), settings: settings).reply(to: working, by: TicketActor(user: casey), body: "Mostly Firefox.", isPublic: true)
        // Consumer Trust
        _ = try await open(acme, avery, at: now, "Please review the suspension of our subaccount", "We believe the automated decision was a mistake.", priority: 2,
                           IntakeForm(product: .other), topic: ConsumerTrustTopic.automatedDecisionReview.rawValue)
        // solved and closed on the standard plan
        let solved = try await open(harbor, harper, at: now.addingTimeInterval(-50 * 3600), "Password reset mail not arriving", "Our clinic staff do not get reset mails.", priority: 3,
                                    IntakeForm(product: .email, username: "blueharbor-clinics", emailArea: "ui"))
        try await Tickets(database: db, now: now.addingTimeInterval(-49 * 3600), settings: settings).reply(to: solved, by: staff, body: "The mails were caught by your spam filter; see the steps attached.", isPublic: true)
        try await Tickets(database: db, now: now.addingTimeInterval(-48 * 3600), settings: settings).changeStatus(solved, to: .solved, by: staff, reason: "answered")
        let closed = try await open(harbor, harper, at: now.addingTimeInterval(-8 * 86400), "How do subaccounts work?", "Can each clinic have its own credentials?", priority: 3, IntakeForm(product: .other))
        try await Tickets(database: db, now: now.addingTimeInterval(-7.9 * 86400), settings: settings).reply(to: closed, by: staff, body: "Yes: create one subaccount per clinic.", isPublic: true)
        try await Tickets(database: db, now: now.addingTimeInterval(-7.8 * 86400), settings: settings).changeStatus(closed, to: .solved, by: staff, reason: "answered")
        try await Tickets(database: db, now: now, settings: settings).closeSolved()
    }
}
