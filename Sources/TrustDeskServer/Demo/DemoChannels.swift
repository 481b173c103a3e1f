import Fluent
import Foundation
import TrustDeskCore

/// The support channels' part of the demo world: support numbers, phones for the TAMs and the
/// PSEs, Acme's sealed phone PIN (4821), a support-management rota that covers every hour of the
/// week (SUP-9's on-call), and a conversation in Acme's chat channel. Numbers are fictional:
/// 555 in North America, Ofcom's drama range in London, ACMA's in Sydney.
enum DemoChannels {
    static let pin = "4821"

    static let bannerLine = "  Support channels: support line +1 800 555 0100 with Acme's PIN \(pin); support_manager on-call rota staff.sasha, staff.ola, staff.remy; chat #tam-acme-rockets"

    static let managers: [(username: String, fullName: String, zone: String, hours: String)] = [
        ("staff.sasha", "Sasha Bell", "America/New_York", "Mon-Fri 08:00-20:00"),
        ("staff.ola", "Ola Berg", "Europe/London", "Mon-Fri 00:00-13:00"),
        ("staff.remy", "Remy Lark", "America/New_York", "Fri 20:00-24:00, Sat-Sun 00:00-24:00"),
    ]

    static let phones: [String: String] = [
        "staff.taylor": "+12125550101", "staff.lee": "+442079460102", "staff.dana": "+12125550120",
        "staff.parker": "+12125550111", "staff.emil": "+442079460112", "staff.noor": "+912255550113", "staff.kai": "+61255500114",
        "staff.sasha": "+12125550130", "staff.ola": "+442079460131", "staff.remy": "+12125550132",
    ]

    static let lines: [(country: String, number: String, kind: String)] = [
        ("US", "+18005550100", "toll_free"), ("US", "+12125550100", "local"), ("GB", "+442079460100", "local"),
        ("AU", "+61255500100", "local"), ("IN", "+912255550100", "local"), ("BR", "+551155550100", "local"),
    ]

    static func load(on db: any Database, now: Date, passwordHash: String, sealedTOTP: String, acmeSID: String, box: SecretBox) async throws {
        for manager in managers {
            let user = User(sid: SID.generate(.user), username: manager.username, email: "\(manager.username.replacingOccurrences(of: "staff.", with: ""))@trustdesk.example.com",
                            fullName: manager.fullName, passwordHash: passwordHash, staffRole: .supportManager, now: now)
            user.totpSecretSealed = sealedTOTP
            user.totpEnabledAt = now
            try await user.create(on: db)
            let calendar = SupportCalendarRecord(name: "\(manager.fullName) (support management on-call)", calendar: try BusinessCalendar(
                name: manager.fullName, timeZone: manager.zone, intervals: BusinessCalendar.parseWeekly(manager.hours)), now: now)
            try await calendar.create(on: db)
            try await StaffSupportProfile(userSID: user.sid, group: SupportGroup.supportManagement, calendarID: calendar.id, now: now).create(on: db)
        }
        for (username, phone) in phones {
            guard let user = try await User.query(on: db).filter(\.$username == username).first(),
                  let profile = try await StaffSupportProfile.find(user.sid, on: db) else { continue }
            profile.phone = phone
            try await profile.save(on: db)
        }
        for line in lines {
            let record = SupportLine()
            record.id = UUID()
            record.country = line.country
            record.countryName = Locale(identifier: "en_US").localizedString(forRegionCode: line.country) ?? line.country
            record.number = line.number
            record.kind = line.kind
            record.createdAt = now
            try await record.create(on: db)
        }
        try await SupportPINs(database: db, now: now, box: box).set(pin, for: acmeSID)
        try await addChat(on: db, now: now, acmeSID: acmeSID)
    }

    private static func addChat(on db: any Database, now: Date, acmeSID: String) async throws {
        guard let acme = try await Account.find(acmeSID, on: db),
              let casey = try await User.query(on: db).filter(\.$username == "casey").first(),
              let taylor = try await User.query(on: db).filter(\.$username == "staff.taylor").first() else { return }
        let chat = SupportChat(database: db, now: now, settings: SupportSettings(publicURL: "", replyToken: nil))
        let channel = try await chat.channel(of: acme)
        let conversation: [(minutesAgo: Double, text: String, type: ChatMessageType, user: User)] = [
            (95, "Morning! Are calls to +44 20 still degraded since yesterday's incident?", .incoming, casey),
            (80, "Hi Casey, the carrier fixed it at 06:10 UTC; calls look clean since. Tell us if you still see choppy audio.", .outgoing, taylor),
            (20, "All good, thanks. One more: do recordings of conference calls count against storage?", .incoming, casey),
        ]
        for line in conversation {
            try await SupportChat(database: db, now: now.addingTimeInterval(-line.minutesAgo * 60), settings: chat.settings)
                .post(line.text, in: channel, type: line.type, by: TicketActor(user: line.user))
        }
    }
}
