import Fluent
import Foundation
import Logging
import TrustDeskCore

/// PRV-2, PRV-3: privacy requests from the console, the API and the public form: verified,
/// acknowledged at once, due in 30 days (never after one calendar month), extendable once with
/// a reason, flagged when overdue. The processing job carries out the work of each type.
struct PrivacyRequests {
    let database: any Database
    let now: Date
    var configuration = TrustDeskConfiguration()

    var publicURL: String { configuration.publicURL }
    var logger = Logger(label: "trustdesk.privacy.requests")

    /// Who a request is about and who made it.
    struct Requester {
        var scope: PrivacyRequest.Scope
        var accountSID: String?
        var userSID: String?
        var replyTo: String
        var channel: String
    }

    // MARK: Making requests

    /// A request from someone already verified: a signed-in owner who re-entered password and
    /// code, or an API credential of the account.
    func submitVerified(_ type: PrivacyRequestType, by requester: Requester) async throws -> PrivacyRequest {
        let request = try await make(type, requester)
        try await accept(request)
        return request
    }

    /// A request from the public form: a mailed link must confirm it (PRV-3). Unknown addresses
    /// get no request and no mail; the caller answers both the same way.
    func submitByEmail(_ type: PrivacyRequestType, email: String) async throws {
        guard let user = try await User.query(on: database).filter(\.$email == email).sort(\.$createdAt).first() else { return }
        let request = try await make(type, Requester(scope: .user, accountSID: nil, userSID: user.sid, replyTo: email, channel: "public"))
        let token = Secrets.generate(.link)
        request.verificationTokenHash = Secrets.hash(token)
        request.verificationExpiresAt = now.addingTimeInterval(PrivacyVerification.linkLifetime)
        try await request.save(on: database)
        let mail = PrivacyMail.verification(type: type, link: "\(publicURL)/privacy/request/verify?id=\(request.id?.uuidString.lowercased() ?? "")&token=\(token)")
        try await Outbox(database: database, now: now).enqueue(to: email, subject: mail.subject, body: mail.body, kind: "privacy_verification")
    }

    /// The mailed link's answer: right token within the hour, at most three tries.
    func verify(id: UUID, token: String) async throws -> PrivacyRequest {
        guard let request = try await PrivacyRequest.find(id, on: database), request.channel == "public",
              let expires = request.verificationExpiresAt else {
            throw DomainError(.linkExpired, "This verification link is not valid. Make the request again for a new link.")
        }
        let matches = Secrets.matchesFormat(token, kind: .link) && Secrets.hash(token) == request.verificationTokenHash
        do {
            try PrivacyVerification.check(tokenMatches: matches, attempts: request.verificationAttempts, expiresAt: expires,
                                          verifiedAt: request.verifiedAt, now: now)
        } catch {
            if !matches, request.verifiedAt == nil {
                request.verificationAttempts += 1
                if request.verificationAttempts >= PrivacyVerification.attemptLimit, request.requestStatus == .identityUnverified {
                    request.status = PrivacyRequestStatus.canceled.rawValue
                    request.openDeletionKey = nil
                    request.progress = "Canceled: the verification link was tried too often."
                }
                request.updatedAt = now
                try await request.save(on: database)
            }
            throw error
        }
        request.verificationTokenHash = nil
        try await accept(request)
        return request
    }

    private func make(_ type: PrivacyRequestType, _ requester: Requester) async throws -> PrivacyRequest {
        let request = PrivacyRequest()
        request.id = UUID()
        request.type = type.rawValue
        request.status = PrivacyRequestStatus.identityUnverified.rawValue
        request.scope = requester.scope.rawValue
        request.accountSID = requester.accountSID
        request.userSID = requester.userSID
        request.channel = requester.channel
        request.replyTo = requester.replyTo
        request.receivedAt = now
        request.dueAt = PrivacyDeadline.due(receivedAt: now)
        request.progress = "Waiting for the email verification."
        request.verificationAttempts = 0
        request.updatedAt = now
        if type == .deletion {
            request.openDeletionKey = requester.scope == .account ? "account:\(requester.accountSID ?? "")" : "user:\(requester.userSID ?? "")"
        }
        do {
            try await request.create(on: database)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another deletion request of the same data arrived at the same moment.
            throw DomainError(.privacyRequestOpen, "A deletion request is already open for this data; follow its progress instead of asking again.")
        }
        // Written first, read after: on SQLite a transaction that starts by writing waits for
        // the writer instead of failing to upgrade a read.
        let id = request.id ?? UUID()
        var open = PrivacyRequest.query(on: database).filter(\.$id != id)
            .filter(\.$status ~~ PrivacyRequestStatus.allCases.filter(\.isOpen).map(\.rawValue))
        switch requester.scope {
        case .account: open = open.filter(\.$accountSID == requester.accountSID).filter(\.$scope == PrivacyRequest.Scope.account.rawValue)
        case .user: open = open.filter(\.$userSID == requester.userSID).filter(\.$scope == PrivacyRequest.Scope.user.rawValue)
        }
        try PrivacyRequestRules.checkNoOpenDeletion(type: type, openTypes: try await open.all().map(\.requestType))
        return request
    }

    /// Verified: acknowledged by mail at once, due date running, queued for the job.
    private func accept(_ request: PrivacyRequest) async throws {
        request.status = try request.requestStatus.move(to: .pending).rawValue
        request.verifiedAt = now
        request.overdueCheckAt = request.effectiveDue
        request.processAt = now
        request.progress = "Received; we are working on it."
        request.updatedAt = now
        try await request.save(on: database)
        let mail = PrivacyMail.acknowledgement(request, statusLink: "\(publicURL)/console/privacy")
        try await Outbox(database: database, now: now).enqueue(to: request.replyTo, subject: mail.subject, body: mail.body, kind: "privacy_acknowledgement")
    }

    // MARK: Reading

    func find(_ id: UUID, account: String? = nil) async throws -> PrivacyRequest {
        guard let request = try await PrivacyRequest.find(id, on: database), account == nil || request.accountSID == account else {
            throw DomainError.notFound("privacy request")
        }
        return request
    }

    func list(account: String? = nil, user: String? = nil, limit: Int = 50) async throws -> [PrivacyRequest] {
        var query = PrivacyRequest.query(on: database)
        if let account { query = query.filter(\.$accountSID == account).filter(\.$scope == PrivacyRequest.Scope.account.rawValue) }
        if let user { query = query.filter(\.$userSID == user) }
        return try await query.sort(\.$receivedAt, .descending).limit(limit).all()
    }

    /// The desk: open requests, soonest due first.
    func open(limit: Int = 200) async throws -> [PrivacyRequest] {
        try await PrivacyRequest.query(on: database)
            .filter(\.$status ~~ [PrivacyRequestStatus.pending, .inProcessing, .error].map(\.rawValue))
            .sort(\.$dueAt).limit(limit).all()
    }

    // MARK: Staff decisions

    func extend(_ request: PrivacyRequest, to date: Date, reason: String, by staff: User) async throws {
        guard request.requestStatus.isOpen, request.requestStatus != .identityUnverified else {
            throw DomainError(.conflict, "Only an open, verified request can be extended.")
        }
        let (until, why) = try PrivacyDeadline.extend(receivedAt: request.receivedAt, dueAt: request.dueAt, extendedTo: request.extendedTo,
                                                      to: date, reason: reason, now: now)
        request.extendedTo = until
        request.extensionReason = why
        if request.overdueFlaggedAt == nil { request.overdueCheckAt = until }
        request.updatedAt = now
        try await request.save(on: database)
        try await audit(staff, "privacy_request_extended", request)
        let mail = PrivacyMail.extended(request, reason: why)
        try await Outbox(database: database, now: now).enqueue(to: request.replyTo, subject: mail.subject, body: mail.body, kind: "privacy_update")
    }

    func deny(_ request: PrivacyRequest, reason: String, by staff: User) async throws {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard why.count >= 10 else { throw DomainError(.invalidParameter, "reason: say why the request is denied, in at least 10 characters; the requester is told.") }
        try await finish(request, as: .denied, progress: "Denied: \(why)")
        try await audit(staff, "privacy_request_denied", request)
    }

    /// Staff mark a request done that needed a person (a correction asked through the API).
    func completeByStaff(_ request: PrivacyRequest, note: String, by staff: User) async throws {
        let text = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw DomainError(.invalidParameter, "note: say what was done; the requester is told.") }
        try await complete(request, progress: text)
        try await audit(staff, "privacy_request_completed", request)
    }

    func complete(_ request: PrivacyRequest, progress: String) async throws {
        try await finish(request, as: .complete, progress: progress)
    }

    private func finish(_ request: PrivacyRequest, as status: PrivacyRequestStatus, progress: String) async throws {
        request.status = try request.requestStatus.move(to: status).rawValue
        request.progress = progress
        request.completedAt = now
        request.openDeletionKey = nil
        request.processAt = nil
        request.overdueCheckAt = nil
        request.legalHoldCases = nil
        request.updatedAt = now
        try await request.save(on: database)
        let mail = PrivacyMail.finished(request)
        try await Outbox(database: database, now: now).enqueue(to: request.replyTo, subject: mail.subject, body: mail.body, kind: "privacy_update")
    }

    private func audit(_ staff: User, _ action: String, _ request: PrivacyRequest) async throws {
        try await StaffAuditEvent(staff: staff.sid, action: action, account: request.accountSID,
                                  detail: "privacy request \(request.id?.uuidString.lowercased() ?? "")", at: now).create(on: database)
    }

    // MARK: Overdue (PRV-3)

    /// Flags requests past their due date and alerts the privacy desk. Returns how many.
    @discardableResult
    func flagOverdue() async throws -> Int {
        let due = try await PrivacyRequest.query(on: database).filter(\.$overdueCheckAt < now).sort(\.$overdueCheckAt).limit(200).all()
        let desk = try await User.query(on: database).filter(\.$staffRoleRaw ~~ StaffRole.allCases.filter { $0.can(.handlePrivacy) }.map { Optional($0.rawValue) }).all()
        var flagged = 0
        for request in due {
            request.overdueCheckAt = nil
            guard PrivacyDeadline.isOverdue(dueAt: request.dueAt, extendedTo: request.extendedTo, status: request.requestStatus, now: now) else {
                try await request.save(on: database)
                continue
            }
            request.overdueFlaggedAt = now
            request.updatedAt = now
            try await request.save(on: database)
            let mail = PrivacyMail.overdueAlert(request)
            for person in desk {
                try await Outbox(database: database, now: now).enqueue(to: person.email, subject: mail.subject, body: mail.body, kind: "privacy_staff_alert")
            }
            logger.warning("privacy request overdue", metadata: ["privacy_request_id": "\(request.id?.uuidString.lowercased() ?? "")"])
            flagged += 1
        }
        return flagged
    }

    // MARK: Processing (the job)

    /// Archives whose link expired are removed from disk; the ledger keeps their hash.
    func removeExpiredExports() async throws {
        let expired = try await PrivacyRequest.query(on: database).filter(\.$exportExpiresAt < now).filter(\.$exportPath != nil).limit(100).all()
        for request in expired {
            if let path = request.exportPath { try? FileManager.default.removeItem(atPath: path) }
            request.exportPath = nil
            request.exportTokenHash = nil
            try await request.save(on: database)
        }
    }

    func processDue() async throws {
        let due = try await PrivacyRequest.query(on: database).filter(\.$processAt <= now).sort(\.$processAt).limit(20).all()
        for request in due {
            do {
                try await process(request)
            } catch {
                logger.error("privacy request failed", metadata: ["privacy_request_id": "\(request.id?.uuidString.lowercased() ?? "")", "error": "\(String(reflecting: error))"])
                request.status = PrivacyRequestStatus.error.rawValue
                request.processAt = now.addingTimeInterval(3600)
                request.progress = "Something failed on our side; we retry within the hour."
                request.updatedAt = now
                try? await request.save(on: database)
            }
        }
    }

    func process(_ request: PrivacyRequest) async throws {
        guard [.pending, .inProcessing, .error].contains(request.requestStatus) else {
            request.processAt = nil
            try await request.save(on: database)
            return
        }
        if request.requestStatus != .inProcessing { request.status = PrivacyRequestStatus.inProcessing.rawValue }
        switch request.requestType {
        case .access:
            try await complete(request, progress: "What we hold is listed by category on your privacy page: \(publicURL)/console/privacy")
        case .restriction:
            if let user = request.userSID { try await PrivacyPreferences(database: database, now: now).restrict(user) }
            try await complete(request, progress: "Use of your data is restricted: no marketing, no reports naming you. Staff see the restriction.")
        case .correction:
            // Corrections are self-service in the console; one asked through the API waits for staff.
            request.processAt = nil
            request.progress = "Waiting for our privacy team to make the correction."
            request.updatedAt = now
            try await request.save(on: database)
        case .export:
            try await export(request)
        case .deletion:
            try await delete(request)
        case .usageDeletion:
            guard let sid = request.accountSID, let account = try await Account.find(sid, on: database) else {
                try await finish(request, as: .denied, progress: "Usage deletion needs an account.")
                return
            }
            let deletion = try await UsageDeletions(database: database, now: now)
                .create(for: account, from: Date(timeIntervalSince1970: 0), to: now, by: request.userSID ?? sid, request: request.id)
            request.processAt = nil
            request.progress = "Deleting \(deletion.rowsTotal) usage records in batches."
            request.updatedAt = now
            try await request.save(on: database)
        }
    }

    func subject(of request: PrivacyRequest) async throws -> DataSubject {
        var subject = DataSubject()
        if request.requestScope == .account, let sid = request.accountSID {
            let subs = try await Account.query(on: database).filter(\.$ownerAccountSID == sid).all().map(\.sid)
            subject.accountSIDs = [sid] + subs
        }
        if let userSID = request.userSID, let user = try await User.find(userSID, on: database) {
            subject.userSIDs = [userSID]
            subject.emails = [user.email]
        }
        return subject
    }

    private func export(_ request: PrivacyRequest) async throws {
        guard let id = request.id else { return }
        let subject = try await subject(of: request)
        let archive = try await PersonalDataExporter(database: database, now: now, directory: configuration.exportsDirectory)
            .export(subject, name: id.uuidString.lowercased())
        let token = Secrets.generate(.link)
        request.exportPath = archive.path
        request.exportSHA256 = archive.sha256
        request.exportTokenHash = Secrets.hash(token)
        request.exportExpiresAt = now.addingTimeInterval(PrivacyVerification.exportLinkLifetime)
        try await PrivacyLedger(database: database, now: now).record(
            "export", .init(requestID: id, accountSID: request.accountSID, userSID: request.userSID),
            tables: archive.tables, archiveSHA256: archive.sha256, actor: request.userSID ?? request.accountSID ?? "system")
        let link = "\(publicURL)/privacy/exports/\(id.uuidString.lowercased())?token=\(token)"
        let mail = PrivacyMail.exportReady(link: link, expires: request.exportExpiresAt ?? now)
        try await Outbox(database: database, now: now).enqueue(to: request.replyTo, subject: mail.subject, body: mail.body, kind: "privacy_update")
        try await complete(request, progress: "Your export is ready: we mailed a download link that works once for 5 days. SHA-256 \(archive.sha256).")
    }

    private func delete(_ request: PrivacyRequest) async throws {
        let gate = DeletionGate(database: database, now: now)
        if request.requestScope == .account, let sid = request.accountSID {
            let subject = try await subject(of: request)
            if case let .held(cases) = try await gate.verdict(for: subject.accountSIDs) {
                return try await hold(request, cases)
            }
            guard let account = try await Account.find(sid, on: database) else { throw DomainError.notFound("account") }
            if Standing(stored: account.standing) != .closed, let owner = request.userSID {
                // Closing starts the retention schedule (STD-10); the deletion then runs it now.
                try await StandingService(database: database, now: now, configuration: configuration)
                    .apply(StandingDecision(to: .closed, reason: .ownerRequest, decider: .owner(sid: owner),
                                            justification: "Privacy deletion request"), to: account)
            }
            let retention = PrivacyRetention(database: database, now: now, policy: configuration.retentionPolicy)
            for accountSID in subject.accountSIDs {
                _ = try await retention.expedite(accountSID: accountSID, closedAt: now)
            }
            try await complete(request, progress: "Account data is deleted or de-identified. Support communications are kept 3 years and invoices and legal records 7 years after closure, then deleted.")
        } else if let userSID = request.userSID {
            if case let .held(cases) = try await gate.verdict(forUser: userSID) { return try await hold(request, cases) }
            guard try await Team.accountsOwned(by: userSID, on: database).isEmpty else {
                try await finish(request, as: .denied, progress: "You own an account: transfer its ownership or ask for the account's deletion first.")
                return
            }
            let subject = try await subject(of: request)
            let tables = try await PersonalDataEraser(database: database, now: now).erase(subject, disposals: RetentionStep.accountData.disposals)
            try await Membership.query(on: database).filter(\.$userSID == userSID).delete()
            try await PrivacyLedger(database: database, now: now).record("deletion", .init(requestID: request.id, userSID: userSID), tables: tables, actor: userSID)
            try await complete(request, progress: "Your login is de-identified and your sessions ended. What you wrote on support tickets stays with the ticket for up to 3 years.")
        }
    }

    private func hold(_ request: PrivacyRequest, _ cases: [String]) async throws {
        if request.legalHoldCases != cases.joined(separator: ",") {
            try await PrivacyLedger(database: database, now: now).record(
                "held", .init(requestID: request.id, accountSID: request.accountSID, userSID: request.userSID), tables: [], holdCases: cases, actor: "system")
        }
        request.legalHoldCases = cases.joined(separator: ",")
        request.progress = "On legal hold: nothing is deleted until the hold is released."
        request.processAt = now.addingTimeInterval(PrivacyRetention.heldRecheck)
        request.updatedAt = now
        try await request.save(on: database)
    }
}
