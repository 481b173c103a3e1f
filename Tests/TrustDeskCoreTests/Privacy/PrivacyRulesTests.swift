import Foundation
import PropertyBased
import Testing
@testable import TrustDeskCore

@Suite("PRV: privacy rules")
struct PrivacyRulesTests {
    // MARK: PRV-1

    @Test("PRV-1: an unclassified table or column, a declared column the schema lacks, and a de-identified field without a replacement are all gaps")
    func inventoryGaps() {
        let declared = [TableInventory("users", key: "sid", links: [.user("sid")], columns: [
            "sid": .notPersonal, "email": .deidentified(.accountData, as: .deletedAddress), "nickname": .personal(.accountData, .deidentify),
            "old": .notPersonal,
        ])]
        let gap = PersonalDataInventory.gaps(schema: ["users": ["sid", "email", "nickname", "phone"], "notes": ["id"], "_fluent_migrations": ["id"]],
                                             declared: declared, ignoring: ["_fluent_migrations"])
        #expect(gap.unclassifiedTables == ["notes"])
        #expect(gap.unclassifiedColumns == ["users.phone"])
        #expect(gap.missingColumns == ["users.old"])
        #expect(gap.badDisposals == ["users.nickname"])
        #expect(!gap.isEmpty)
        let clean = PersonalDataInventory.gaps(schema: ["users": ["sid", "email"]], declared: [TableInventory("users", key: "sid", columns: [
            "sid": .notPersonal, "email": .deidentified(.accountData, as: .deletedAddress)])])
        #expect(clean.isEmpty, "\(clean)")
    }

    @Test("PRV-1: categories and disposals are the ones the issue names")
    func vocabulary() {
        #expect(DataCategory.allCases.map(\.rawValue) == ["account_data", "usage_data", "content"])
        #expect(Disposal.allCases.map(\.rawValue) == ["delete", "deidentify", "keep_7y", "keep_support_3y", "keep_subscriber"])
        let table = TableInventory("t", key: "id", columns: ["id": .notPersonal, "secret": .secret(.null), "name": .personal(.content, .delete)])
        #expect(table.exportedColumns == ["id", "name"], "secrets are never exported")
        #expect(table.holdsPersonalData)
    }

    // MARK: PRV-3

    @Test("PRV-3: a request received 31 January is due 28 February, 29 in a leap year, not 30 days on")
    func dueEndOfMonth() {
        #expect(PrivacyDeadline.due(receivedAt: utc("2027-01-31T10:00:00")) == utc("2027-02-28T10:00:00"))
        #expect(PrivacyDeadline.due(receivedAt: utc("2028-01-31T10:00:00")) == utc("2028-02-29T10:00:00"))
        // Where 30 days come first, 30 days it is.
        #expect(PrivacyDeadline.due(receivedAt: utc("2027-01-15T10:00:00")) == utc("2027-02-14T10:00:00"))
        #expect(PrivacyDeadline.due(receivedAt: utc("2027-03-01T00:00:00")) == utc("2027-03-31T00:00:00"))
    }

    @Test("PRV-3: one extension, with a reason, before the due date, at most 60 more days; overdue one second after")
    func oneExtension() throws {
        let received = utc("2027-03-01T00:00:00")
        let due = PrivacyDeadline.due(receivedAt: received)
        let before = due.addingTimeInterval(-3600)
        let (until, reason) = try PrivacyDeadline.extend(receivedAt: received, dueAt: due, extendedTo: nil, to: due.addingTimeInterval(30 * 86_400),
                                                         reason: "  Large organisation, many systems  ", now: before)
        #expect(until == due.addingTimeInterval(30 * 86_400))
        #expect(reason == "Large organisation, many systems")
        #expect(throws: DomainError(.privacyExtensionUsed, "This request was already extended once; it can't be extended again.")) {
            _ = try PrivacyDeadline.extend(receivedAt: received, dueAt: due, extendedTo: until, to: until.addingTimeInterval(86_400), reason: "Still more systems", now: before)
        }
        func code(_ body: () throws(DomainError) -> Void) -> ErrorCode? {
            do { try body(); return nil } catch { return error.code }
        }
        #expect(code { () throws(DomainError) in _ = try PrivacyDeadline.extend(receivedAt: received, dueAt: due, extendedTo: nil, to: due.addingTimeInterval(86_400), reason: "", now: before) } == .invalidParameter)
        #expect(code { () throws(DomainError) in _ = try PrivacyDeadline.extend(receivedAt: received, dueAt: due, extendedTo: nil, to: due.addingTimeInterval(86_400), reason: "Needs more time", now: due) } == .invalidParameter,
                "an extension after the due date is refused")
        #expect(code { () throws(DomainError) in _ = try PrivacyDeadline.extend(receivedAt: received, dueAt: due, extendedTo: nil, to: due.addingTimeInterval(61 * 86_400), reason: "Needs more time", now: before) } == .invalidParameter)
        #expect(PrivacyDeadline.latestExtension(receivedAt: received, dueAt: due) == due.addingTimeInterval(60 * 86_400))
        #expect(!PrivacyDeadline.isOverdue(dueAt: due, extendedTo: nil, status: .pending, now: due))
        #expect(PrivacyDeadline.isOverdue(dueAt: due, extendedTo: nil, status: .pending, now: due.addingTimeInterval(1)))
        #expect(!PrivacyDeadline.isOverdue(dueAt: due, extendedTo: until, status: .inProcessing, now: due.addingTimeInterval(1)))
        #expect(!PrivacyDeadline.isOverdue(dueAt: due, extendedTo: nil, status: .complete, now: due.addingTimeInterval(1)))
    }

    @Test("PRV-3: the latest extension is 60 days after the due date, within three calendar months of receipt")
    func extensionCap() {
        let received = utc("2027-01-31T00:00:00")
        let due = PrivacyDeadline.due(receivedAt: received)
        #expect(PrivacyDeadline.latestExtension(receivedAt: received, dueAt: due) == utc("2027-04-29T00:00:00"))
        #expect(PrivacyDeadline.latestExtension(receivedAt: received, dueAt: due) <= PrivacyCalendar.adding(months: 3, to: received))
    }

    @Test("PRV-3: statuses after Fides, and which moves are allowed")
    func statuses() throws {
        #expect(PrivacyRequestStatus.allCases.map(\.rawValue) == ["identity_unverified", "pending", "in_processing", "complete", "denied", "canceled", "error"])
        #expect(try PrivacyRequestStatus.identityUnverified.move(to: .pending) == .pending)
        #expect(throws: DomainError.self) { try PrivacyRequestStatus.complete.move(to: .inProcessing) }
        #expect(throws: DomainError.self) { try PrivacyRequestStatus.identityUnverified.move(to: .complete) }
    }

    @Test("PRV-3: the mailed link lives an hour, works once, and three wrong tries spend it")
    func verification() {
        let now = utc("2027-03-01T12:00:00")
        let expires = now.addingTimeInterval(PrivacyVerification.linkLifetime)
        func code(_ matches: Bool, attempts: Int = 0, at: Date = now, verified: Date? = nil) -> ErrorCode? {
            do { try PrivacyVerification.check(tokenMatches: matches, attempts: attempts, expiresAt: expires, verifiedAt: verified, now: at); return nil } catch { return error.code }
        }
        #expect(code(true) == nil)
        #expect(code(false) == .linkExpired)
        #expect(code(true, at: expires) == .linkExpired)
        #expect(code(true, attempts: 3) == .linkUsed)
        #expect(code(true, verified: now) == .linkUsed)
        #expect(PrivacyVerification.exportLinkLifetime == 432_000)
    }

    @Test("PRV-2: request types, an unknown one is 20001, and a second open deletion is 23001")
    func requestTypes() throws {
        #expect(PrivacyRequestType.allCases.map(\.rawValue) == ["access", "export", "correction", "deletion", "restriction", "usage_deletion"])
        #expect(try PrivacyRequestType.parse("Export") == .export)
        #expect(throws: DomainError.self) { try PrivacyRequestType.parse("erase-everything") }
        #expect(throws: DomainError(.privacyRequestOpen, "A deletion request is already open for this data; follow its progress instead of asking again.")) {
            try PrivacyRequestRules.checkNoOpenDeletion(type: .deletion, openTypes: [.export, .deletion])
        }
        try PrivacyRequestRules.checkNoOpenDeletion(type: .export, openTypes: [.deletion])
        #expect(ErrorCode.privacyRequestOpen.rawValue == 23001 && ErrorCode.privacyExtensionUsed.rawValue == 23002)
    }

    // MARK: PRV-4, STD-10

    @Test("PRV-4: account data at closure + 60 days (59 days 23 hours: nothing); support after 3 years, legal records after 7")
    func retentionSteps() {
        let policy = RetentionPolicy(subscriberYears: 5)
        let closed = utc("2027-05-10T08:00:00")
        #expect(policy.dueSteps(closedAt: closed, done: [], now: closed.addingTimeInterval(59 * 86_400 + 23 * 3600)).isEmpty)
        #expect(policy.dueSteps(closedAt: closed, done: [], now: closed.addingTimeInterval(60 * 86_400)) == [.accountData])
        #expect(policy.nextAction(closedAt: closed, done: []) == closed.addingTimeInterval(60 * 86_400))
        #expect(policy.nextAction(closedAt: closed, done: [.accountData]) == utc("2030-05-10T08:00:00"))
        #expect(policy.due(.subscriberRecords, closedAt: closed) == utc("2032-05-10T08:00:00"))
        #expect(policy.dueSteps(closedAt: closed, done: [.accountData], now: utc("2034-05-10T08:00:00")) == [.supportCommunications, .legalRecords, .subscriberRecords])
        #expect(policy.nextAction(closedAt: closed, done: Set(RetentionStep.allCases)) == nil)
        #expect(RetentionStep.accountData.disposals == [.delete, .deidentify])
    }

    @Test("PRV-4: 3 and 7 years from 29 February 2028 land on 28 February")
    func leapDayYears() {
        let closed = utc("2028-02-29T12:00:00")
        let policy = RetentionPolicy()
        #expect(policy.due(.supportCommunications, closedAt: closed) == utc("2031-02-28T12:00:00"))
        #expect(policy.due(.legalRecords, closedAt: closed) == utc("2035-02-28T12:00:00"))
    }

    @Test("STD-10: closing an account starts the retention schedule, whoever closes it")
    func closingStartsRetention() throws {
        let owner = try StandingPolicy.check(StandingChange(from: .active, to: .closed, reason: .ownerRequest, decider: .owner(sid: "US1")))
        #expect(owner.contains(.startRetention))
        let rejected = try StandingPolicy.check(StandingChange(from: .pendingVetting, to: .closed, reason: .vettingRejected, decider: .rule(StandingRule.signupVetting)))
        #expect(rejected.contains(.startRetention))
        let underage = try StandingPolicy.check(StandingChange(
            from: .active, to: .closed, reason: .underage, decider: .staff(sid: "US2", role: .consumerTrust),
            justification: "Under-age report confirmed", evidence: "Report 41 and the parent's letter",
            confirmation: "Acme", accountName: "Acme"))
        #expect(underage.contains(.startRetention) && underage.contains(.endSessions))
        #expect(throws: DomainError.self) {
            _ = try StandingPolicy.check(StandingChange(from: .active, to: .closed, reason: .underage, decider: .staff(sid: "US3", role: .agent)))
        }
    }

    // MARK: PRV-6

    @Test("PRV-6: an active hold on any of the accounts holds the deletion and names its cases; a released one doesn't")
    func holdVerdict() {
        let now = utc("2027-06-01T00:00:00")
        let holds = [
            LegalHoldState(accountSID: "AC1", caseReference: "CASE-2", placedAt: now.addingTimeInterval(-10), releasedAt: nil),
            LegalHoldState(accountSID: "AC1", caseReference: "CASE-1", placedAt: now.addingTimeInterval(-10), releasedAt: nil),
            LegalHoldState(accountSID: "AC2", caseReference: "OLD", placedAt: now.addingTimeInterval(-100), releasedAt: now.addingTimeInterval(-5)),
        ]
        #expect(LegalHoldPolicy.verdict(for: ["AC1", "AC9"], holds: holds, now: now) == .held(["CASE-1", "CASE-2"]))
        #expect(LegalHoldPolicy.verdict(for: ["AC2"], holds: holds, now: now) == .allowed)
        #expect(LegalHoldPolicy.verdict(for: [], holds: holds, now: now) == .allowed)
        #expect(throws: DomainError.self) { try LegalHoldPolicy.checkPlacer(.trustSafety) }
        #expect(throws: DomainError.self) { _ = try LegalHoldPolicy.checkPlacement(caseReference: "C-1", reason: "short") }
        #expect(throws: DomainError.self) { _ = try LegalHoldPolicy.checkPlacement(caseReference: "", reason: "A reason long enough to keep") }
    }

    @Test("PRV-6: no sequence of holds, releases and retention runs deletes held data")
    func holdsProperty() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...1_000_000)) { seed in
            var generator = TrustRulesTests.SplitMix(state: UInt64(seed))
            let accounts = ["AC1", "AC2", "AC3"]
            var holds: [LegalHoldState] = []
            var deleted: [String: Date] = [:]
            var now = utc("2027-01-01T00:00:00")
            for _ in 0..<40 {
                now = now.addingTimeInterval(Double(generator.next() % 5 + 1) * 3600)
                let account = accounts[Int(generator.next() % 3)]
                switch generator.next() % 3 {
                case 0:
                    holds.append(LegalHoldState(accountSID: account, caseReference: "C\(holds.count)", placedAt: now, releasedAt: nil))
                case 1:
                    if let index = holds.indices.first(where: { holds[$0].accountSID == account && holds[$0].releasedAt == nil }) {
                        let hold = holds[index]
                        holds[index] = LegalHoldState(accountSID: hold.accountSID, caseReference: hold.caseReference, placedAt: hold.placedAt, releasedAt: now)
                    }
                default:
                    // A retention run: deletes whatever the gate allows.
                    for candidate in accounts where deleted[candidate] == nil {
                        if LegalHoldPolicy.verdict(for: [candidate], holds: holds, now: now).isAllowed { deleted[candidate] = now }
                    }
                }
            }
            for (account, at) in deleted {
                #expect(!holds.contains { $0.accountSID == account && $0.isActive(at: at) }, "deleted \(account) while held")
            }
        }
    }

    // MARK: PRV-7

    @Test("PRV-7: marketing needs opt-in and stops on opt-out; service mail goes until deactivation; status always")
    func mailConsent() {
        #expect(MailConsentRule.decide(kind: "announcement", recipientKnown: true, optedIn: false, deactivated: false) != .send)
        #expect(MailConsentRule.decide(kind: "announcement", recipientKnown: true, optedIn: true, deactivated: false) == .send)
        #expect(MailConsentRule.decide(kind: "announcement", recipientKnown: true, optedIn: true, deactivated: true) != .send)
        #expect(MailConsentRule.decide(kind: "password_reset", recipientKnown: true, optedIn: false, deactivated: false) == .send)
        #expect(MailConsentRule.decide(kind: "password_reset", recipientKnown: true, optedIn: false, deactivated: true) != .send)
        #expect(MailConsentRule.decide(kind: "standing_ban", recipientKnown: true, optedIn: false, deactivated: true) == .send,
                "the notice of a deactivation reaches the deactivated")
        #expect(MailConsentRule.decide(kind: "never_classified", recipientKnown: true, optedIn: false, deactivated: false) != .send,
                "an unclassified kind is treated as marketing")
        #expect(MailKinds.kind("announcement")?.purpose == .marketing)
        for reason in StandingReason.allCases { #expect(MailKinds.kind("standing_\(reason.rawValue)") != nil) }
    }

    // MARK: PRV-5, PRV-8

    @Test("PRV-5: a usage deletion needs a range that ends after it starts and not in the future")
    func usageRange() throws {
        let now = utc("2027-06-01T00:00:00")
        #expect(try UsageDeletionRule.range(from: now.addingTimeInterval(-86_400), to: now, now: now) == (now.addingTimeInterval(-86_400), now))
        #expect(throws: DomainError.self) { _ = try UsageDeletionRule.range(from: now, to: now, now: now) }
        #expect(throws: DomainError.self) { _ = try UsageDeletionRule.range(from: now, to: now.addingTimeInterval(60), now: now) }
        #expect(throws: DomainError.self) { _ = try UsageDeletionRule.range(from: nil, to: now, now: now) }
        #expect(UsageDeletionRule.dueBy(requestedAt: now) == now.addingTimeInterval(30 * 86_400))
    }

    @Test("PRV-8: 13 in the US and the UK, 16 in the EEA; under-age cases are a Consumer Trust topic")
    func underage() throws {
        #expect(UnderAgeRule.minimumAge(country: "US") == 13)
        #expect(UnderAgeRule.minimumAge(country: "GB") == 13)
        #expect(UnderAgeRule.minimumAge(country: "de") == 16)
        #expect(UnderAgeRule.minimumAge(country: "NO") == 16)
        #expect(ConsumerTrustTopic(rawValue: "underage_user") == .underageUser)
        #expect(throws: DomainError.self) { _ = try UnderAgeRule.details("short") }
        #expect(StaffRole.consumerTrust.can(.handlePrivacy) && StaffRole.admin.can(.handlePrivacy) && !StaffRole.agent.can(.handlePrivacy))
    }
}
