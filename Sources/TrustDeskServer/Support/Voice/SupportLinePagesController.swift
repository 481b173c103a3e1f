import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The support line's staff pages (SUP-10): the numbers callers dial (admins change them), the
/// phone each staff member is rung on, organisations' PINs (admins set them), and the call log.
struct SupportLinePagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let line = routes.grouped("staff", "support", "line")
        line.get(use: show)
        line.post("numbers", use: addNumber)
        line.post("numbers", ":id", "remove", use: removeNumber)
        line.post("phone", use: setPhone)
        line.post("pin", use: setPIN)
        routes.get("staff", "support", "calls", use: calls)
    }

    struct LineView: Encodable {
        let numbers: [NumberView]
        let kinds: [ChoiceView]
        let myPhone: String
        let onDesk: Bool
        let canEdit: Bool
    }

    struct NumberView: Encodable {
        let id: String
        let country: String
        let number: String
        let kind: String
    }

    private func page(_ request: Request, notice: String? = nil, form: PageForm? = nil, errors: FormErrors? = nil) async throws -> Response {
        let staff = try request.supportStaff()
        let lines = try await SupportLines(database: request.db, now: request.now).all()
        let profile = try await StaffSupportProfile.find(staff.sid, on: request.db)
        let chosenKind = form?.text("kind") ?? "toll_free"
        return try await request.page("support/staff-line", title: "Support line", LineView(
            numbers: lines.map { NumberView(id: $0.id?.uuidString.lowercased() ?? "", country: "\($0.countryName) (\($0.country))", number: E164.display($0.number),
                                            kind: SupportLine.kinds[$0.kind] ?? $0.kind) },
            kinds: SupportLine.kinds.sorted { $0.key > $1.key }.map { ChoiceView(value: $0.key, title: $0.value, selected: $0.key == chosenKind) },
            myPhone: profile?.phone.map(E164.display) ?? "", onDesk: profile != nil, canEdit: staff.staffRole.map(StaffPage.supportSetup.mayOpen) == true),
            notice: notice, form: form, errors: errors)
    }

    func show(request: Request) async throws -> Response {
        try await page(request)
    }

    /// Runs a change; a problem comes back beside its field with the form as typed.
    private func change(_ request: Request, notice: String, _ work: (User, PageForm) async throws -> Void) async throws -> Response {
        let staff = try request.supportStaff()
        let form = request.pageForm()
        do {
            try await work(staff, form)
        } catch let error as DomainError {
            return try await page(request, form: form, errors: FormErrors(error))
        }
        // Calls on this node see the change at once; other nodes within two seconds.
        request.application.voiceDesk.invalidate()
        return try await page(request, notice: notice)
    }

    func addNumber(request: Request) async throws -> Response {
        let staff = try request.supportStaff()
        let form = request.pageForm()
        var errors = FormErrors()
        _ = errors.check { () throws(DomainError) -> String in try SupportLines.country(form.text("country")) }
        _ = errors.check { () throws(DomainError) -> String in try E164.number(form.text("number"), field: "number") }
        _ = errors.check { () throws(DomainError) -> String in try SupportLines.kind(form.text("kind")) }
        guard errors.isEmpty else { return try await page(request, form: form, errors: errors) }
        return try await change(request, notice: "Support number added.") { _, _ in
            _ = try await SupportLines(database: request.db, now: request.now).add(country: form.text("country"), number: form.text("number"), kind: form.text("kind"), by: staff)
        }
    }

    func removeNumber(request: Request) async throws -> Response {
        try await change(request, notice: "Support number removed.") { staff, _ in
            try await SupportLines(database: request.db, now: request.now).remove(UUID(uuidString: request.parameters.get("id") ?? ""), by: staff)
        }
    }

    func setPhone(request: Request) async throws -> Response {
        try await change(request, notice: "Your phone for support calls is saved.") { staff, form in
            try await SupportLines(database: request.db, now: request.now).setPhone(form.text("phone"), of: staff)
        }
    }

    func setPIN(request: Request) async throws -> Response {
        let staff = try request.supportStaff()
        let form = request.pageForm()
        var errors = FormErrors()
        let sid = errors.check { () throws(DomainError) -> SID in
            guard let sid = try? SID(parsing: form.text("organisation_sid").trimmingCharacters(in: .whitespaces), expecting: .account) else {
                throw DomainError(.malformedSID, "organisation_sid: use the organisation's main account SID: AC and 32 lowercase hex digits.")
            }
            return sid
        }
        _ = errors.check { () throws(DomainError) -> String in try PhonePIN.validate(form.text("phone_pin")) }
        guard errors.isEmpty, let sid else { return try await page(request, form: form, errors: errors) }
        return try await change(request, notice: "Phone PIN set; tell the customer through their TAM.") { _, _ in
            guard staff.staffRole.map(StaffPage.supportSetup.mayOpen) == true else { throw DomainError(.permissionDenied, "Only staff admins set phone PINs.") }
            try await request.db.transaction { db in
                try await SupportPINs(database: db, now: request.now, box: request.application.secretBox).set(form.text("phone_pin"), for: sid.rawValue)
                try await StaffAuditEvent(staff: staff.sid, action: "set_phone_pin", account: sid.rawValue, detail: "", at: request.now).create(on: db)
            }
        }
    }

    // MARK: Call log

    struct CallsView: Encodable {
        let calls: [CallView]
        let next: String?
    }

    struct CallView: Encodable {
        let callSid: String
        let started: String
        let from: String
        let to: String
        let organisation: String?
        let pinAttempts: Int
        let outcome: String
        let status: String
        let duration: String
    }

    func calls(request: Request) async throws -> Response {
        _ = try request.supportStaff()
        var before: Date?
        if let text: String = request.query["before"], let seconds = Double(text) { before = Date(timeIntervalSince1970: seconds) }
        let rows = try await CallLog(database: request.db).page(before: before, organisationSID: nil, limit: 51)
        let shown = rows.prefix(50)
        return try await request.page("support/staff-calls", title: "Support calls", CallsView(
            calls: shown.map { call in
                CallView(callSid: call.id ?? "", started: DateDisplay.local(call.startedAt), from: call.fromNumber ?? "unknown", to: call.toNumber.map(E164.display) ?? "",
                         organisation: call.organisationSID, pinAttempts: call.pinAttempts, outcome: call.outcome ?? "",
                         status: call.callStatus ?? "in progress", duration: call.durationSeconds.map { "\($0 / 60) min \($0 % 60) s" } ?? "")
            },
            next: rows.count > 50 ? shown.last.map { String($0.startedAt.timeIntervalSince1970) } : nil))
    }
}
