import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The demo world that `serve --demo` loads into an empty database: fictional people at
/// example.com, one password for everyone, staff with a known TOTP secret. Never for
/// production data.
enum DemoWorld {
    static let password = "demo-password-2026"
    /// Base32 TOTP secret shared by every demo staff user, so a demo can sign in with any
    /// authenticator app or `oathtool --totp -b`.
    static let staffTOTPSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

    struct Person {
        let username: String
        let fullName: String
        let email: String
    }

    static let staff: [(Person, StaffRole)] = [
        (Person(username: "staff.alex", fullName: "Alex Moreno", email: "alex.moreno@trustdesk.example.com"), .agent),
        (Person(username: "staff.taylor", fullName: "Taylor Reed", email: "taylor.reed@trustdesk.example.com"), .tam),
        (Person(username: "staff.parker", fullName: "Parker Quinn", email: "parker.quinn@trustdesk.example.com"), .pse),
        (Person(username: "staff.quinn", fullName: "Quinn Adler", email: "quinn.adler@trustdesk.example.com"), .consumerTrust),
        (Person(username: "staff.riley", fullName: "Riley Shaw", email: "riley.shaw@trustdesk.example.com"), .trustSafety),
        (Person(username: "staff.sam", fullName: "Sam Okafor", email: "sam.okafor@trustdesk.example.com"), .trustSafetyLead),
        (Person(username: "staff.morgan", fullName: "Morgan Hale", email: "morgan.hale@trustdesk.example.com"), .admin),
    ]

    static let acmeTeam: [(Person, TeammateRole)] = [
        (Person(username: "avery", fullName: "Avery Stone", email: "avery@acme-rockets.example.com"), .owner),
        (Person(username: "blake", fullName: "Blake Ito", email: "blake@acme-rockets.example.com"), .admin),
        (Person(username: "casey", fullName: "Casey Lund", email: "casey@acme-rockets.example.com"), .developer),
        (Person(username: "drew", fullName: "Drew Patel", email: "drew@acme-rockets.example.com"), .billing),
        (Person(username: "emery", fullName: "Emery Cole", email: "emery@acme-rockets.example.com"), .support),
    ]

    static let blueHarborTeam: [(Person, TeammateRole)] = [
        (Person(username: "harper", fullName: "Harper Vance", email: "harper@blueharbor.example.com"), .owner),
        (Person(username: "jordan", fullName: "Jordan Blake", email: "jordan@blueharbor.example.com"), .developer),
    ]

    struct Loaded {
        let acmeSID: String
        let acmeAuthToken: String
        let acmeSubaccountSID: String
        let blueHarborSID: String
    }

    /// Loads the world unless the database already has users. Returns nil when it did not.
    static func loadIfEmpty(_ app: Application) async throws -> Loaded? {
        guard try await User.query(on: app.db).count() == 0 else { return nil }
        let now = app.clock.now()
        let hash = try await app.password.async(on: app.threadPool, hopTo: app.eventLoopGroup.next()).hash(password)
        let sealedTOTP = try app.secretBox.seal(Base32.decode(staffTOTPSecret) ?? [])
        return try await app.db.transaction { db in
            for (person, role) in staff {
                let user = makeUser(person, hash: hash, now: now, staffRole: role)
                user.totpSecretSealed = sealedTOTP
                user.totpEnabledAt = now
                try await user.create(on: db)
            }
            let accounts = app.accounts(on: db, now: now)
            let acmeOwner = try await addTeam(acmeTeam, hash: hash, now: now, on: db)
            let (acme, acmeToken) = try await accounts.createAccount(named: "Acme Rockets", owner: acmeOwner.first ?? makeUser(acmeTeam[0].0, hash: hash, now: now))
            for member in acmeOwner.dropFirst() {
                let role = acmeTeam.first { $0.0.username == member.username }?.1 ?? .support
                try await Membership(account: acme.sid, user: member.sid, role: role, now: now).create(on: db)
            }
            let (acmeEU, _) = try await accounts.createSubaccount(of: acme, named: "Acme Rockets EU", limits: app.trustDeskConfiguration.subaccountLimits)

            let harborUsers = try await addTeam(blueHarborTeam, hash: hash, now: now, on: db)
            let (harbor, _) = try await accounts.createAccount(named: "Blue Harbor Clinics", owner: harborUsers.first ?? makeUser(blueHarborTeam[0].0, hash: hash, now: now))
            for member in harborUsers.dropFirst() {
                try await Membership(account: harbor.sid, user: member.sid, role: .developer, now: now).create(on: db)
            }
            try await addRegistrations(harbor: harbor, hash: hash, now: now, on: db)
            let settings = app.trustDeskConfiguration.supportSettings
            try await DemoSupport.load(on: db, now: now, passwordHash: hash, sealedTOTP: sealedTOTP, acmeSID: acme.sid, harborSID: harbor.sid, settings: settings)
            try await DemoChannels.load(on: db, now: now, passwordHash: hash, sealedTOTP: sealedTOTP, acmeSID: acme.sid, box: app.secretBox)
            try await DemoStanding.load(on: db, now: now, accounts: accounts, passwordHash: hash, acmeSID: acme.sid, acmeSubaccountSID: acmeEU.sid, settings: settings)
            try await DemoTrust.load(on: db, scores: app.trustScores(now: now, database: db), acmeSID: acme.sid, acmeSubaccountSID: acmeEU.sid, harborSID: harbor.sid)
            try await DemoPrivacy.load(on: db, now: now, accountHooks: app.accountCreationHooks, passwordHash: hash, supportSettings: settings)
            try await DemoStatus.load(on: db, now: now, settings: app.statusSettings, supportSettings: settings, acmeSID: acme.sid)
            return Loaded(acmeSID: acme.sid, acmeAuthToken: acmeToken, acmeSubaccountSID: acmeEU.sid, blueHarborSID: harbor.sid)
        }
    }

    private static func makeUser(_ person: Person, hash: String, now: Date, staffRole: StaffRole? = nil) -> User {
        User(sid: SID.generate(.user), username: person.username, email: person.email, fullName: person.fullName,
             passwordHash: hash, staffRole: staffRole, now: now)
    }

    private static func addTeam(_ team: [(Person, TeammateRole)], hash: String, now: Date, on db: any Database) async throws -> [User] {
        var users: [User] = []
        for (person, _) in team {
            let user = makeUser(person, hash: hash, now: now)
            try await user.create(on: db)
            users.append(user)
        }
        return users
    }

    /// One sign-up still waiting for its confirmation, and the confirmed one behind Blue Harbor.
    private static func addRegistrations(harbor: Account, hash: String, now: Date, on db: any Database) async throws {
        let pending = Registration()
        pending.id = UUID()
        pending.tokenHash = Secrets.hash(Secrets.generate(.link))
        pending.email = "pending.signup@example.com"
        pending.username = "pending.signup"
        pending.fullName = "Robin Pending"
        pending.passwordHash = hash
        pending.accountName = "Pending Ventures"
        pending.createdAt = now
        pending.expiresAt = SingleUseLink.expiry(for: .signupConfirmation, issuedAt: now)
        try await pending.create(on: db)

        let confirmed = Registration()
        confirmed.id = UUID()
        confirmed.tokenHash = Secrets.hash(Secrets.generate(.link))
        confirmed.email = blueHarborTeam[0].0.email
        confirmed.username = blueHarborTeam[0].0.username
        confirmed.fullName = blueHarborTeam[0].0.fullName
        confirmed.passwordHash = hash
        confirmed.accountName = harbor.friendlyName
        confirmed.createdAt = now.addingTimeInterval(-3600)
        confirmed.expiresAt = SingleUseLink.expiry(for: .signupConfirmation, issuedAt: confirmed.createdAt)
        confirmed.confirmedAt = now
        confirmed.accountSID = harbor.sid
        try await confirmed.create(on: db)
    }

    /// What `serve --demo` prints: everything needed to try the product.
    static func banner(_ loaded: Loaded?, publicURL: String) -> String {
        var lines = ["", "TrustDesk demo world" + (loaded == nil ? " (already loaded earlier; auth tokens were shown then)" : ""),
                     "  Open \(publicURL)/signin", "  Password for every demo user: \(password)",
                     "  Customers: avery (owner), blake (admin), casey (developer), drew (billing), emery (support) at Acme Rockets;",
                     "             harper (owner), jordan (developer) at Blue Harbor Clinics",
                     DemoStanding.bannerLine,
                     DemoPrivacy.bannerLine,
                     DemoChannels.bannerLine,
                     "  Staff (two-factor, TOTP secret \(staffTOTPSecret)):",
                     "             " + staff.map { "\($0.0.username) (\($0.1.rawValue))" }.joined(separator: ", ")]
        if let loaded {
            lines += ["  API: Account SID: \(loaded.acmeSID)", "       Auth token: \(loaded.acmeAuthToken)",
                      "       try: curl -u \(loaded.acmeSID):\(loaded.acmeAuthToken) \(publicURL)/v1/Accounts/\(loaded.acmeSID)"]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
