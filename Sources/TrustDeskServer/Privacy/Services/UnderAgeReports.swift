import Fluent
import Foundation
import Logging
import TrustDeskCore

/// PRV-8: reports of under-age users. A report names a user by username, email or account
/// SID; one about a known user opens a Consumer Trust case. The public answer is the same
/// either way. Staff confirm or dismiss; a confirmed report closes the accounts the person owns
/// (`StandingReason.underage`) and the removal job removes the person's data within 24 hours.
struct UnderAgeReports {
    let database: any Database
    let now: Date
    var configuration = TrustDeskConfiguration()
    var logger = Logger(label: "trustdesk.privacy.underage")

    static let maximumReported = 254

    func report(reported rawReported: String, reporterEmail: String, details rawDetails: String) async throws -> UnderAgeReport {
        let reported = rawReported.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reported.isEmpty, reported.count <= Self.maximumReported else {
            throw DomainError(.invalidParameter, "reported: give the user's username, email address or account SID.")
        }
        let email = try Validate.email(reporterEmail, field: "reporter_email")
        let details = try UnderAgeRule.details(rawDetails)
        let (user, account) = try await resolve(reported)
        let report = UnderAgeReport()
        report.id = UUID()
        report.reported = reported
        report.reporterEmail = email
        report.details = details
        report.userSID = user?.sid
        report.accountSID = account?.sid
        report.status = UnderAgeReport.Status.open.rawValue
        report.createdAt = now
        if let account {
            let opened = try await Tickets(database: database, now: now, settings: configuration.supportSettings).open(
                NewTicket(subject: "Under-age user report", description: "Report \(report.id?.uuidString.lowercased() ?? ""): \(details)",
                          priority: "3", topic: ConsumerTrustTopic.underageUser.rawValue, intake: IntakeForm(product: .other)),
                about: account, by: TicketActor(sid: "system", name: "Under-age report", email: "", isStaff: false))
            report.ticketNumber = opened.ticket.number
        }
        try await report.create(on: database)
        let mail = PrivacyMail.underageAcknowledgement()
        try await Outbox(database: database, now: now).enqueue(to: email, subject: mail.subject, body: mail.body, kind: "privacy_acknowledgement")
        return report
    }

    /// The user named, and the account a case about them belongs to.
    private func resolve(_ reported: String) async throws -> (User?, Account?) {
        var user: User?
        if let sid = try? SID(parsing: reported, expecting: .account) {
            user = try await Team.owners(of: sid.rawValue, on: database).first
        } else {
            let lowered = reported.lowercased()
            user = try await User.query(on: database).group(.or) { $0.filter(\.$username == lowered).filter(\.$email == lowered) }.first()
        }
        guard let user, !user.isStaff else { return (nil, nil) }
        let membership = try await Membership.query(on: database).filter(\.$userSID == user.sid).sort(\.$createdAt).first()
        let account = try await membership.asyncFlatMap { try await Account.find($0.accountSID, on: database) }
        return (user, account)
    }

    func open(limit: Int = 100) async throws -> [UnderAgeReport] {
        try await UnderAgeReport.query(on: database).filter(\.$status ~~ [UnderAgeReport.Status.open.rawValue, UnderAgeReport.Status.confirmed.rawValue])
            .sort(\.$createdAt).limit(limit).all()
    }

    func find(_ id: UUID) async throws -> UnderAgeReport {
        guard let report = try await UnderAgeReport.find(id, on: database) else { throw DomainError.notFound("report") }
        return report
    }

    /// Confirmed by Consumer Trust: the accounts the person owns close now, the data goes at
    /// the removal job's next pass.
    func confirm(_ report: UnderAgeReport, by staff: User) async throws {
        guard let role = staff.staffRole, role.can(.handlePrivacy) else {
            throw DomainError(.permissionDenied, "Only Consumer Trust or an administrator decides under-age reports.")
        }
        guard report.reportStatus == .open else { throw DomainError(.conflict, "This report was already decided.") }
        guard let userSID = report.userSID else {
            throw DomainError(.conflict, "This report names no known user; dismiss it.")
        }
        let owned = try await Team.accountsOwned(by: userSID, on: database)
        let standing = StandingService(database: database, now: now, configuration: configuration)
        for accountSID in owned {
            guard let account = try await Account.find(accountSID, on: database),
                  Standing(stored: account.standing) != .closed, Standing(stored: account.standing) != .banned else { continue }
            // Confirming the report on the privacy desk is the deliberate, reviewed step STD-9
            // asks of a final change: the report is the evidence and the confirmation names the account.
            let reportName = "Under-age report \(report.id?.uuidString.lowercased() ?? "")"
            try await standing.apply(StandingDecision(
                to: .closed, reason: .underage, decider: .staff(sid: staff.sid, role: role),
                justification: "\(reportName) confirmed",
                evidence: String("\(reportName)\(report.ticketNumber.map { " (ticket #\($0))" } ?? ""): \(report.details)".prefix(StandingGuardRails.evidenceLength.upperBound)),
                confirmation: StandingGuardRails.confirmationName(friendlyName: account.friendlyName, sid: account.sid)), to: account)
        }
        try await Sessions.endAll(forUser: userSID, on: database)
        report.status = UnderAgeReport.Status.confirmed.rawValue
        report.decidedBy = staff.sid
        report.decidedAt = now
        report.removalDueAt = now
        try await report.save(on: database)
        try await StaffAuditEvent(staff: staff.sid, action: "underage_confirmed", account: report.accountSID,
                                  detail: "report \(report.id?.uuidString.lowercased() ?? "")", at: now).create(on: database)
    }

    func dismiss(_ report: UnderAgeReport, by staff: User) async throws {
        guard let role = staff.staffRole, role.can(.handlePrivacy) else {
            throw DomainError(.permissionDenied, "Only Consumer Trust or an administrator decides under-age reports.")
        }
        guard report.reportStatus == .open else { throw DomainError(.conflict, "This report was already decided.") }
        report.status = UnderAgeReport.Status.dismissed.rawValue
        report.decidedBy = staff.sid
        report.decidedAt = now
        try await report.save(on: database)
    }

    /// The removal job: each confirmed report whose removal is due.
    func removeDue() async throws {
        let due = try await UnderAgeReport.query(on: database).filter(\.$removalDueAt <= now).sort(\.$removalDueAt).limit(20).all()
        for report in due {
            do {
                try await remove(report)
            } catch {
                logger.error("under-age removal failed", metadata: ["report_id": "\(report.id?.uuidString.lowercased() ?? "")", "error": "\(String(reflecting: error))"])
            }
        }
    }

    func remove(_ report: UnderAgeReport) async throws {
        guard let userSID = report.userSID, let user = try await User.find(userSID, on: database) else {
            report.removalDueAt = nil
            try await report.save(on: database)
            return
        }
        if case let .held(cases) = try await DeletionGate(database: database, now: now).verdict(forUser: userSID) {
            if report.heldCases != cases.joined(separator: ",") {
                try await PrivacyLedger(database: database, now: now).record("held", .init(accountSID: report.accountSID, userSID: userSID),
                                                                            tables: [], holdCases: cases, actor: "system")
            }
            report.heldCases = cases.joined(separator: ",")
            report.removalDueAt = now.addingTimeInterval(3600)
            try await report.save(on: database)
            return
        }
        let owned = try await Team.accountsOwned(by: userSID, on: database)
        let retention = PrivacyRetention(database: database, now: now, policy: configuration.retentionPolicy)
        for accountSID in owned {
            guard let account = try await Account.find(accountSID, on: database), Standing(stored: account.standing) == .closed else { continue }
            _ = try await retention.expedite(accountSID: account.sid, closedAt: now)
        }
        let tables = try await PersonalDataEraser(database: database, now: now)
            .erase(DataSubject(userSIDs: [userSID], emails: [user.email]), disposals: RetentionStep.accountData.disposals)
        try await Membership.query(on: database).filter(\.$userSID == userSID).delete()
        try await PrivacyLedger(database: database, now: now).record("underage_removal", .init(accountSID: report.accountSID, userSID: userSID), tables: tables, actor: report.decidedBy ?? "system")
        report.status = UnderAgeReport.Status.complete.rawValue
        report.heldCases = nil
        report.removalDueAt = nil
        report.completedAt = now
        try await report.save(on: database)
    }
}

extension Optional {
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
