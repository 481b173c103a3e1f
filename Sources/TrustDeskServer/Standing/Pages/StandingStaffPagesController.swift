import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// Staff pages for standing: current standing, history, the changes the viewer's role may
/// make, takeover (STD-4), exposed credentials by hand (STD-5) and review decisions (STD-3).
/// Every change carries a written justification; a ban, termination or closing also carries
/// evidence and passes a confirmation step that names what it will touch (`StandingGuardRails`).
/// Every change is also a staff audit event (SEC-3).
struct StandingStaffPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let account = routes.grouped("staff", "accounts", ":accountSid", "standing")
        account.get(use: show)
        account.post(use: change)
        account.post("takeover", use: takeover)
        account.post("exposed", use: exposed)
        account.post("ips", use: assignIP)
        account.post("ips", ":ipId", "release", use: releaseIP)
        let reviews = routes.grouped("staff", "standing", "reviews")
        reviews.get(use: listReviews)
        reviews.post(":reviewId", use: decideReview)
    }

    struct ActionView: Encodable {
        let value: String
        let title: String
        /// Chosen before a form error, so the page shows it chosen again.
        let selected: Bool
        /// Ends the account's use: evidence and a confirmation step follow.
        let final: Bool
    }

    struct Body: Encodable {
        let sid: String
        let friendlyName: String
        let standing: String
        let standingTitle: String
        let ownerAccountSid: String?
        let role: String
        let actions: [ActionView]
        let hasActions: Bool
        /// Each special form only where it can succeed from this standing for this role.
        let canTakeOver: Bool
        let canReportExposed: Bool
        let dedicatedIPs: [IPView]
        let canManageIPs: Bool
        let records: [RecordView]
        let rules: RulesView
    }

    /// The guard rails in words, beside the fields they govern.
    struct RulesView: Encodable {
        let justificationMinimum = StandingGuardRails.justificationLength.lowerBound
        let justificationMaximum = StandingGuardRails.justificationLength.upperBound
        let justificationRange = StandingGuardRails.justificationRangeText
        let banLiftedMinimum = StandingGuardRails.banLiftedMinimumJustification
        let evidenceMinimum = StandingGuardRails.evidenceLength.lowerBound
        let evidenceMaximum = StandingGuardRails.evidenceLength.upperBound
        let caseReferenceMaximum = StandingGuardRails.maximumCaseReference
    }

    struct IPView: Encodable {
        let id: String
        let address: String
        let assigned: String
    }

    private func staff(_ request: Request) throws -> (User, StaffRole) {
        guard let user = request.signedIn?.user, let role = user.staffRole else { throw DomainError.notFound("page") }
        return (user, role)
    }

    private func account(_ request: Request) async throws -> Account {
        let sid = try request.sidParameter("accountSid", .account)
        guard let account = try await Account.find(sid.rawValue, on: request.db) else { throw DomainError.notFound("account") }
        return account
    }

    private func body(_ request: Request, _ account: Account, role: StaffRole, chosen: String?) async throws -> Body {
        let records = try await request.standing.history(of: account.sid)
        let ips = try await DedicatedIPs(database: request.db, now: request.now).held(by: account.sid)
        let standing = Standing(stored: account.standing)
        let actions = StandingActionViews.offered(from: standing, role: role, chosen: chosen)
        let reasons = Set(StandingPolicy.actions(from: standing, role: role).map(\.reason))
        return Body(sid: account.sid, friendlyName: account.friendlyName, standing: standing.rawValue, standingTitle: standing.displayName,
                    ownerAccountSid: account.ownerAccountSID, role: role.displayName, actions: actions, hasActions: !actions.isEmpty,
                    canTakeOver: reasons.contains(.accountTakeover), canReportExposed: reasons.contains(.exposedCredentials),
                    dedicatedIPs: ips.map { IPView(id: $0.id?.uuidString ?? "", address: $0.address, assigned: DateDisplay.local($0.assignedAt)) },
                    canManageIPs: DedicatedIPPolicy.managers.contains(role),
                    records: try await RecordView.forStaff(records, on: request.db, now: request.now), rules: RulesView())
    }

    /// The standing page, fresh from the database; after a refused form, with what was typed
    /// and every problem beside its field.
    private func render(_ request: Request, _ account: Account, role: StaffRole, notice: String? = nil,
                        form: PageForm? = nil, errors: FormErrors? = nil) async throws -> Response {
        let fresh = try await Account.find(account.sid, on: request.db) ?? account
        let body = try await body(request, fresh, role: role, chosen: form?["action"])
        return try await request.page("standing/staff", title: "Standing of \(fresh.friendlyName)", body, notice: notice, form: form, errors: errors)
    }

    func show(request: Request) async throws -> Response {
        let (user, role) = try staff(request)
        let account = try await account(request)
        try await StaffDirectory(database: request.db, now: request.now).record(user, action: "view_standing", account: account.sid, detail: "")
        return try await render(request, account, role: role)
    }

    /// The change form. A ban, termination or closing answers first with the confirmation step
    /// (nothing changes yet); the confirmation posts here again with `confirm`, the account's
    /// name. "Back" from that step (`step=edit`) shows the form again as it was filled in.
    func change(request: Request) async throws -> Response {
        let (user, role) = try staff(request)
        let account = try await account(request)
        let form = request.pageForm()
        if form["step"] == "edit" { return try await render(request, account, role: role, form: form) }
        let decider = StandingDecider.staff(sid: user.sid, role: role)
        var errors = FormErrors()
        let choice = errors.check("action") { () throws(DomainError) in try Self.chosenAction(form.text("action")) }
        let needs = choice.map { StandingGuardRails.requirements(to: $0.to, reason: $0.reason, decider: decider) } ?? .anyStaffChange
        _ = errors.check("justification") { () throws(DomainError) in try StandingGuardRails.justification(form.text("justification"), for: needs) }
        _ = errors.check("evidence") { () throws(DomainError) in try StandingGuardRails.evidence(form.text("evidence"), for: needs) }
        let confirming = form["confirm"] != nil
        if confirming {
            let name = StandingGuardRails.confirmationName(friendlyName: account.friendlyName, sid: account.sid)
            _ = errors.check("confirm") { () throws(DomainError) in try StandingGuardRails.confirmation(form["confirm"], accountName: name, for: needs) }
        }
        guard let choice, errors.items.allSatisfy({ $0.field == "confirm" }) else {
            return try await render(request, account, role: role, form: form, errors: errors)
        }
        let decision = StandingDecision(to: choice.to, reason: choice.reason, decider: decider,
                                        justification: form.text("justification"), evidence: form.text("evidence"),
                                        confirmation: form["confirm"], expectedFrom: Standing(rawValue: form.text("from")))
        if needs.confirmation, !confirming || !errors.isEmpty {
            do {
                let impact = try await request.standing.preview(decision, of: account)
                return try await request.page("standing/confirm", title: "Confirm the change for \(account.friendlyName)",
                                              ConfirmView(impact, title: choice.title), form: form, errors: errors)
            } catch let error as DomainError {
                errors.add(error)
                return try await render(request, account, role: role, form: form, errors: errors)
            }
        }
        do {
            try await request.db.transaction { db in
                let standing = request.standing(on: db)
                try await standing.apply(decision, to: try await standing.lockedAccount(account.sid))
            }
            return try await render(request, account, role: role, notice: "\(account.friendlyName) is now \(choice.to.displayName.lowercased()).")
        } catch let error as DomainError {
            errors.add(error)
            return try await render(request, account, role: role, form: form, errors: errors)
        }
    }

    /// One offered change as the form posts it: `to:reason`.
    static func chosenAction(_ value: String) throws(DomainError) -> StandingPolicy.Path {
        let parts = value.split(separator: ":").map(String.init)
        guard !value.isEmpty else { throw DomainError(.invalidParameter, "action: choose the change to make.") }
        guard parts.count == 2, let to = Standing(rawValue: parts[0]), let reason = StandingReason(rawValue: parts[1]),
              let path = StandingPolicy.paths.first(where: { $0.to == to && $0.reason == reason })
        else { throw DomainError(.invalidParameter, "action: choose one of the offered changes.") }
        return path
    }

    /// STD-4: suspends with a case reference, ends sessions, optionally revokes credentials.
    func takeover(request: Request) async throws -> Response {
        let (user, role) = try staff(request)
        let account = try await account(request)
        let form = request.pageForm()
        let decider = StandingDecider.staff(sid: user.sid, role: role)
        let needs = StandingGuardRails.requirements(to: .suspended, reason: .accountTakeover, decider: decider)
        var errors = FormErrors()
        let reference = errors.check("case_reference") { () throws(DomainError) in try StandingGuardRails.caseReference(form["case_reference"], for: needs) }
        _ = errors.check("takeover_justification") { () throws(DomainError) in
            try Self.field("takeover_justification") { () throws(DomainError) in
                try StandingGuardRails.justification(form.text("takeover_justification"), for: needs)
            }
        }
        guard errors.isEmpty, let reference = reference ?? nil else {
            return try await render(request, account, role: role, form: form, errors: errors)
        }
        let revoke = form.isChecked("revoke_credentials")
        let now = request.now
        do {
            try await request.db.transaction { db in
                let standing = request.standing(on: db)
                let locked = try await standing.lockedAccount(account.sid)
                if revoke { try await TakeoverResponse.revokeCredentials(of: locked, now: now, on: db) }
                try await standing.apply(StandingDecision(
                    to: .suspended, reason: .accountTakeover, decider: decider, justification: form.text("takeover_justification"),
                    evidence: revoke ? "Every auth token and API key was revoked." : "", caseReference: reference,
                    expectedFrom: Standing(rawValue: form.text("from"))), to: locked)
            }
            return try await render(request, account, role: role, notice: "\(account.friendlyName) is suspended for account takeover (case \(reference)).")
        } catch let error as DomainError {
            errors.add(error)
            return try await render(request, account, role: role, form: form, errors: errors)
        }
    }

    /// STD-5 by hand.
    func exposed(request: Request) async throws -> Response {
        let (user, role) = try staff(request)
        let account = try await account(request)
        let form = request.pageForm()
        let decider = StandingDecider.staff(sid: user.sid, role: role)
        let needs = StandingGuardRails.requirements(to: .suspended, reason: .exposedCredentials, decider: decider)
        var errors = FormErrors()
        _ = errors.check("credential") { () throws(DomainError) in
            guard form.trimmed("credential") != nil else { throw DomainError(.invalidParameter, "credential: name it: primary, secondary or an API key SID.") }
        }
        let url = errors.check("url") { () throws(DomainError) -> String in
            guard let url = form.trimmed("url"), url.count <= 500 else { throw DomainError(.invalidParameter, "url: say where the credential was found (up to 500 characters).") }
            return url
        }
        _ = errors.check("exposed_justification") { () throws(DomainError) in
            try Self.field("exposed_justification") { () throws(DomainError) in
                try StandingGuardRails.justification(form.text("exposed_justification"), for: needs)
            }
        }
        guard errors.isEmpty, let url else { return try await render(request, account, role: role, form: form, errors: errors) }
        do {
            guard StandingPolicy.enforcers.union([.consumerTrust]).contains(role) else {
                throw DomainError(.permissionDenied, "\(role.displayName) can't report exposed credentials.")
            }
            try await request.db.transaction { db in
                let standing = request.standing(on: db)
                let locked = try await standing.lockedAccount(account.sid)
                let exposed = ExposedCredentials(standing: standing)
                let found = try await exposed.find(credential: form.trimmed("credential") ?? "", of: locked)
                try await exposed.enforce(found, url: url, source: "staff report", decider: decider, justification: form.text("exposed_justification"))
            }
            return try await render(request, account, role: role, notice: "The credential is revoked and \(account.friendlyName) is suspended for exposed credentials.")
        } catch let error as DomainError {
            errors.add(error)
            return try await render(request, account, role: role, form: form, errors: errors)
        }
    }

    /// A core check whose message names the field by its generic name (`justification: ...`),
    /// re-addressed to the field of this form, so the page shows it beside the right box.
    static func field<T>(_ name: String, _ check: () throws(DomainError) -> T) throws(DomainError) -> T {
        do {
            return try check()
        } catch {
            throw DomainError(error.code, "\(name): \(error.detail)")
        }
    }

    /// STD-9's dedicated addresses: assigned by trust and safety or an admin, audited.
    func assignIP(request: Request) async throws -> Response {
        let (user, role) = try staff(request)
        let account = try await account(request)
        let form = request.pageForm()
        let typed = String(form.text("address").prefix(64))
        let now = request.now
        do {
            let ip = try await request.db.transaction { db in
                guard let locked = try await Account.find(account.sid, on: db) else { throw DomainError.notFound("account") }
                return try await DedicatedIPs(database: db, now: now).assign(typed, to: locked, by: user, role: role)
            }
            return try await render(request, account, role: role, notice: "\(ip.address) is assigned to this account.")
        } catch let error as DomainError {
            return try await render(request, account, role: role, form: form, errors: FormErrors(error, field: error.field ?? "address"))
        }
    }

    func releaseIP(request: Request) async throws -> Response {
        let (user, role) = try staff(request)
        let account = try await account(request)
        guard let text = request.parameters.get("ipId"), let id = UUID(uuidString: text) else { throw DomainError.notFound("dedicated IP address") }
        let now = request.now
        do {
            let ip = try await request.db.transaction { db in
                try await DedicatedIPs(database: db, now: now).release(id, of: account, by: user, role: role)
            }
            return try await render(request, account, role: role, notice: "\(ip.address) is released.")
        } catch let error as DomainError {
            return try await render(request, account, role: role, errors: FormErrors(error))
        }
    }

    struct ReviewsBody: Encodable {
        let reviews: [ReviewRow]
        let canDecide: Bool
        let minimumJustification = StandingGuardRails.justificationLength.lowerBound
        let maximumJustification = StandingGuardRails.justificationLength.upperBound
        let justificationRange = StandingGuardRails.justificationRangeText
    }

    /// One open review with its decision form; after a refused decision, the form that was
    /// sent keeps its justification and shows why beside it.
    struct ReviewRow: Encodable {
        let review: ReviewView
        let justification: String
        let error: String?
    }

    private func reviewsPage(_ request: Request, role: StaffRole, notice: String? = nil, failed: (id: UUID, form: PageForm, errors: FormErrors)? = nil) async throws -> Response {
        let reviews = try await StandingReviews(standing: request.standing).open()
        let rows = reviews.map { review in
            let isFailed = failed != nil && review.id == failed?.id
            return ReviewRow(review: ReviewView(review), justification: isFailed ? failed?.form.text("justification") ?? "" : "",
                             error: isFailed ? failed?.errors.byField["justification"] : nil)
        }
        return try await request.page("standing/reviews", title: "Review requests",
                                      ReviewsBody(reviews: rows, canDecide: StandingPolicy.reviewers.contains(role)),
                                      notice: notice, errors: failed?.errors)
    }

    func listReviews(request: Request) async throws -> Response {
        let (_, role) = try staff(request)
        return try await reviewsPage(request, role: role)
    }

    func decideReview(request: Request) async throws -> Response {
        let (user, role) = try staff(request)
        guard let text = request.parameters.get("reviewId"), let id = UUID(uuidString: text),
              let review = try await ReviewRequest.find(id, on: request.db)
        else { throw DomainError.notFound("review request") }
        let form = request.pageForm()
        var errors = FormErrors()
        _ = errors.check { () throws(DomainError) in try StandingReviews.reviewerRole(of: user) }
        let decision = errors.check("decision") { () throws(DomainError) -> String in
            guard let decision = form["decision"], ["uphold", "reinstate"].contains(decision) else {
                throw DomainError(.invalidParameter, "decision: uphold or reinstate.")
            }
            return decision
        }
        let justification = errors.check("justification") { () throws(DomainError) in try ConsumerTrustDesk.reviewJustification(form.text("justification")) }
        guard errors.isEmpty, let decision, let justification else {
            return try await reviewsPage(request, role: role, failed: (id, form, errors))
        }
        do {
            try await request.db.transaction { db in
                guard let locked = try await ReviewRequest.find(id, on: db) else { throw DomainError.notFound("review request") }
                try await StandingReviews(standing: request.standing(on: db)).decide(locked, reinstate: decision == "reinstate", by: user, justification: justification)
            }
            return try await reviewsPage(request, role: role,
                                         notice: decision == "reinstate" ? "The account \(review.accountSID) is reinstated." : "The decision on \(review.accountSID) is upheld.")
        } catch let error as DomainError {
            errors.add(error)
            return try await reviewsPage(request, role: role, failed: (id, form, errors))
        }
    }
}

/// STD-4: revoking every credential of a taken-over account.
enum TakeoverResponse {
    static func revokeCredentials(of account: Account, now: Date, on db: any Database) async throws {
        account.primaryTokenHash = Secrets.hash(Secrets.generate(.authToken))
        account.primaryTokenHint = "revoked"
        account.secondaryTokenHash = nil
        account.secondaryTokenHint = nil
        account.secondaryTokenCreatedAt = nil
        try await account.save(on: db)
        try await APIKey.query(on: db).filter(\.$accountSID == account.sid).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: now).update()
    }
}
