import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The staff privacy desk (PRV-1, PRV-3, PRV-6, PRV-7, PRV-8): open requests soonest due first
/// with overdue flagged, extensions, under-age reports, restrictions, legal holds, the data
/// inventory and the announcement sender. Requests and reports need
/// `StaffPermission.handlePrivacy`; holds need a trust-and-safety lead or an administrator.
struct PrivacyStaffPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let privacy = routes.grouped("staff", "privacy")
        privacy.get(use: desk)
        privacy.get("inventory", use: inventory)
        privacy.get("requests", ":id", use: showRequest)
        privacy.post("requests", ":id", "extend", use: extend)
        privacy.post("requests", ":id", "complete", use: complete)
        privacy.post("requests", ":id", "deny", use: deny)
        privacy.post("underage", ":id", "confirm", use: confirmUnderage)
        privacy.post("underage", ":id", "dismiss", use: dismissUnderage)
        privacy.get("holds", use: holds)
        privacy.post("holds", use: placeHold)
        privacy.post("holds", ":id", "release", use: releaseHold)
        privacy.get("announcements", use: announcementForm)
        privacy.post("announcements", use: sendAnnouncement)
    }

    private func staff(_ request: Request, _ permission: StaffPermission? = .handlePrivacy) throws -> User {
        guard let user = request.signedIn?.user, let role = user.staffRole else { throw Abort.redirect(to: "/signin") }
        if let permission, !role.can(permission) {
            throw DomainError(.permissionDenied, "Your staff role (\(role.displayName)) can't do this: the privacy desk is for Consumer Trust and administrators.")
        }
        return user
    }

    private func uuid(_ request: Request, _ what: String) throws -> UUID {
        guard let text = request.parameters.get("id"), let id = UUID(uuidString: text) else { throw DomainError.notFound(what) }
        return id
    }

    // MARK: Desk

    struct DeskView: Encodable {
        let requests: [PrivacyRequestView]
        let reports: [UnderAgeView]
        let restricted: [RestrictedView]
        let overdueCount: Int
    }

    struct UnderAgeView: Encodable {
        let id: String
        let reported: String
        let details: String
        let known: Bool
        let ticketNumber: Int?
        let status: String
        let received: String
        let onLegalHold: Bool
    }

    struct RestrictedView: Encodable {
        let userSid: String
        let since: String
    }

    private func deskPage(_ request: Request, notice: String? = nil, error: DomainError? = nil) async throws -> Response {
        let open = try await request.privacyRequests.open()
        let requests = open.map { PrivacyRequestView($0, now: request.now) }
        let reports = try await request.underAgeReports.open().map {
            UnderAgeView(id: $0.id?.uuidString.lowercased() ?? "", reported: $0.reported, details: $0.details, known: $0.userSID != nil,
                         ticketNumber: $0.ticketNumber, status: $0.status, received: DateDisplay.local($0.createdAt), onLegalHold: $0.heldCases != nil)
        }
        let restricted = try await request.privacyPreferences.restricted().map {
            RestrictedView(userSid: $0.id ?? "", since: $0.restrictedAt.map(DateDisplay.local) ?? "")
        }
        return try await request.page("privacy/staff-desk", title: "Privacy desk", DeskView(
            requests: requests, reports: reports, restricted: restricted, overdueCount: requests.filter(\.overdue).count), notice: notice, error: error)
    }

    func desk(request: Request) async throws -> Response {
        _ = try staff(request)
        return try await deskPage(request)
    }

    // MARK: Inventory (PRV-1)

    struct InventoryView: Encodable {
        let tables: [TableView]
    }

    struct TableView: Encodable {
        let name: String
        let note: String?
        let columns: [ColumnView]
    }

    struct ColumnView: Encodable {
        let name: String
        let category: String
        let disposal: String
    }

    func inventory(request: Request) async throws -> Response {
        _ = try staff(request, nil)
        let tables = PrivacyInventory.tables.filter(\.holdsPersonalData).map { table in
            TableView(name: table.table, note: table.note, columns: table.personalColumns.map {
                ColumnView(name: $0.name, category: $0.category.title, disposal: $0.disposal.title)
            })
        }
        return try await request.page("privacy/staff-inventory", title: "Personal data inventory", InventoryView(tables: tables))
    }

    // MARK: Requests (PRV-3)

    struct RequestDetailView: Encodable {
        let request: PrivacyRequestView
        let replyTo: String
        let latestExtension: String
        let ledger: [LedgerEntryView]
        let open: Bool
    }

    private func requestPage(_ request: Request, _ found: PrivacyRequest, notice: String? = nil, form: PageForm? = nil, errors: FormErrors? = nil) async throws -> Response {
        let latest = PrivacyDeadline.latestExtension(receivedAt: found.receivedAt, dueAt: found.dueAt)
        let view = RequestDetailView(
            request: PrivacyRequestView(found, now: request.now), replyTo: found.replyTo,
            latestExtension: Self.day(latest),
            ledger: try await request.privacyLedger.entries(request: found.id).map { try LedgerEntryView($0) },
            open: found.requestStatus.isOpen && found.requestStatus != .identityUnverified)
        return try await request.page("privacy/staff-request", title: "Privacy request", view, notice: notice, form: form, errors: errors)
    }

    func showRequest(request: Request) async throws -> Response {
        let user = try staff(request)
        let found = try await request.privacyRequests.find(try uuid(request, "privacy request"))
        try await StaffAuditEvent(staff: user.sid, action: "privacy_request_viewed", account: found.accountSID,
                                  detail: "privacy request \(found.id?.uuidString.lowercased() ?? "")", at: request.now).create(on: request.db)
        return try await requestPage(request, found)
    }

    func extend(request: Request) async throws -> Response {
        let user = try staff(request)
        let found = try await request.privacyRequests.find(try uuid(request, "privacy request"))
        let form = request.pageForm()
        var errors = FormErrors()
        let date = errors.check("extend_to") { () throws(DomainError) -> Date in try Self.parseDay(form.text("extend_to")) }
        if let date {
            _ = try await errors.attempt { try await request.privacyRequests.extend(found, to: date, reason: form.text("reason"), by: user) }
        }
        guard errors.isEmpty else { return try await requestPage(request, found, form: form, errors: errors) }
        return try await requestPage(request, found, notice: "Extended; the requester was told the new date and why.")
    }

    func complete(request: Request) async throws -> Response {
        let user = try staff(request)
        let found = try await request.privacyRequests.find(try uuid(request, "privacy request"))
        let form = request.pageForm()
        var errors = FormErrors()
        _ = try await errors.attempt("note") { try await request.privacyRequests.completeByStaff(found, note: form.text("note"), by: user) }
        guard errors.isEmpty else { return try await requestPage(request, found, form: form, errors: errors) }
        return try await requestPage(request, found, notice: "Marked complete; the requester was told.")
    }

    func deny(request: Request) async throws -> Response {
        let user = try staff(request)
        let found = try await request.privacyRequests.find(try uuid(request, "privacy request"))
        let form = request.pageForm()
        var errors = FormErrors()
        _ = try await errors.attempt("deny_reason") { try await request.privacyRequests.deny(found, reason: form.text("deny_reason"), by: user) }
        guard errors.isEmpty else { return try await requestPage(request, found, form: form, errors: errors) }
        return try await requestPage(request, found, notice: "Denied; the requester was told why.")
    }

    /// Days are typed as `YYYY-MM-DD` and mean the end of that day, UTC.
    static func parseDay(_ text: String) throws(DomainError) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        guard let start = formatter.date(from: text.trimmingCharacters(in: .whitespaces)) else {
            throw DomainError(.invalidParameter, "extend_to: give the new due date as YYYY-MM-DD.")
        }
        return start.addingTimeInterval(86_399)
    }

    static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }

    // MARK: Under-age (PRV-8)

    func confirmUnderage(request: Request) async throws -> Response {
        let user = try staff(request)
        let report = try await request.underAgeReports.find(try uuid(request, "report"))
        let now = request.now
        let application = request.application
        do {
            try await request.db.transaction { db in
                try await application.underAgeReports(now: now, database: db).confirm(report, by: user)
            }
        } catch let error as DomainError {
            return try await deskPage(request, error: error)
        }
        return try await deskPage(request, notice: "Confirmed: the accounts the person owns are closed and their sessions ended; their data goes at the removal job's next pass.")
    }

    func dismissUnderage(request: Request) async throws -> Response {
        let user = try staff(request)
        let report = try await request.underAgeReports.find(try uuid(request, "report"))
        do {
            try await request.underAgeReports.dismiss(report, by: user)
        } catch let error as DomainError {
            return try await deskPage(request, error: error)
        }
        return try await deskPage(request, notice: "Report dismissed.")
    }

    // MARK: Legal holds (PRV-6)

    struct HoldsView: Encodable {
        let holds: [HoldView]
        let canPlace: Bool
    }

    struct HoldView: Encodable {
        let id: String
        let accountSid: String
        let caseReference: String
        let reason: String
        let placedBy: String
        let placed: String
        let releasedBy: String?
        let released: String?
    }

    private func holdsPage(_ request: Request, _ user: User, notice: String? = nil, form: PageForm? = nil, errors: FormErrors? = nil) async throws -> Response {
        let holds = try await request.legalHolds.all().map {
            HoldView(id: $0.id?.uuidString.lowercased() ?? "", accountSid: $0.accountSID, caseReference: $0.caseReference, reason: $0.reason,
                     placedBy: $0.placedBy, placed: DateDisplay.local($0.placedAt), releasedBy: $0.releasedBy, released: $0.releasedAt.map(DateDisplay.local))
        }
        return try await request.page("privacy/staff-holds", title: "Legal holds",
                                      HoldsView(holds: holds, canPlace: user.staffRole.map { LegalHoldPolicy.roles.contains($0) } ?? false),
                                      notice: notice, form: form, errors: errors)
    }

    func holds(request: Request) async throws -> Response {
        let user = try staff(request, nil)
        return try await holdsPage(request, user)
    }

    func placeHold(request: Request) async throws -> Response {
        let user = try staff(request, nil)
        let form = request.pageForm()
        var errors = FormErrors()
        let sid = errors.check("account_sid") { () throws(DomainError) -> SID in
            guard let sid = try? SID(parsing: form.text("account_sid").trimmingCharacters(in: .whitespaces), expecting: .account) else {
                throw DomainError(.malformedSID, "account_sid: give an account SID: AC and 32 lowercase hex digits.")
            }
            return sid
        }
        var account: Account?
        if let sid {
            account = try await Account.find(sid.rawValue, on: request.db)
            if account == nil { errors.add(DomainError(.notFound, "account_sid: there is no account \(sid.rawValue).")) }
        }
        _ = errors.check("case_reference") { () throws(DomainError) -> String in try LegalHoldPolicy.caseReference(form.text("case_reference")) }
        _ = errors.check("reason") { () throws(DomainError) -> String in try LegalHoldPolicy.reason(form.text("reason")) }
        if let account, errors.isEmpty {
            _ = try await errors.attempt { try await request.legalHolds.place(on: account, caseReference: form.text("case_reference"), reason: form.text("reason"), by: user) }
        }
        guard errors.isEmpty else { return try await holdsPage(request, user, form: form, errors: errors) }
        return try await holdsPage(request, user, notice: "Legal hold placed: no deletion touches the account until it is released.")
    }

    func releaseHold(request: Request) async throws -> Response {
        let user = try staff(request, nil)
        do {
            _ = try await request.legalHolds.release(try uuid(request, "legal hold"), by: user)
        } catch let error as DomainError {
            return try await holdsPage(request, user, errors: FormErrors(error))
        }
        return try await holdsPage(request, user, notice: "Legal hold released; waiting deletions resume at their next run.")
    }

    // MARK: Announcements (PRV-7)

    func announcementForm(request: Request) async throws -> Response {
        _ = try staff(request, .manageStaff)
        return try await request.page("privacy/staff-announcements", title: "Send an announcement", EmptyBody())
    }

    /// Marketing mail: queued only for people who opted in; each carries its one-click link.
    func sendAnnouncement(request: Request) async throws -> Response {
        let user = try staff(request, .manageStaff)
        let form = request.pageForm()
        var errors = FormErrors()
        let subject = errors.check("subject") { () throws(DomainError) -> String in try Validate.displayName(form.text("subject"), field: "subject", maximum: 150) }
        let body = form.trimmed("body")
        if body == nil || (body?.count ?? 0) > 20_000 { errors.add(DomainError(.invalidParameter, "body: write the announcement, up to 20,000 characters.")) }
        guard errors.isEmpty, let subject, let body else {
            return try await request.page("privacy/staff-announcements", title: "Send an announcement", EmptyBody(), form: form, errors: errors)
        }
        let optedIn = try await PrivacyPreference.query(on: request.db).filter(\.$marketingOptIn == true).filter(\.$restrictedAt == nil).all().compactMap(\.id)
        let people = try await User.query(on: request.db).filter(\.$id ~~ optedIn).all()
        let publicURL = request.application.trustDeskConfiguration.publicURL
        let box = request.application.secretBox
        let now = request.now
        let queued = try await request.db.transaction { db in
            var queued = 0
            for person in people {
                let link = "\(publicURL)/privacy/unsubscribe?user=\(person.sid)&token=\(PrivacyPreferences.unsubscribeToken(for: person.sid, box: box))"
                let mail = PrivacyMail.announcement(subject: subject, body: body, unsubscribe: link)
                if try await Outbox(database: db, now: now).enqueue(to: person.email, subject: mail.subject, body: mail.body, kind: "announcement") != nil { queued += 1 }
            }
            try await StaffAuditEvent(staff: user.sid, action: "announcement_sent", account: nil, detail: "\(queued) recipients", at: now).create(on: db)
            return queued
        }
        return try await request.page("privacy/staff-announcements", title: "Send an announcement", EmptyBody(), notice: "Announcement queued for \(queued) people who opted in.")
    }
}
