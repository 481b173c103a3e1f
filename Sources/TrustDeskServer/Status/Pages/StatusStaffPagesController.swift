import Fluent
import Foundation
import TrustDeskCore
import Vapor

/// The staff console of the status page (STS-1..STS-4): components, incidents, maintenances
/// and reasons for outage. Needs `StaffPermission.manageStatus`; every change is audited.
struct StatusStaffPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let status = routes.grouped("staff", "status")
        status.get(use: overview)
        status.get("components", "new", use: newComponent)
        status.post("components", use: createComponent)
        status.get("components", ":id", use: editComponent)
        status.post("components", ":id", use: updateComponent)
        status.get("incidents", "new", use: newIncident)
        status.post("incidents", use: createIncident)
        status.get("incidents", ":id", use: incident)
        status.post("incidents", ":id", "updates", use: postUpdate)
        status.post("incidents", ":id", "rfo", use: publishRFO)
    }

    private func staff(_ request: Request) throws -> User {
        guard let user = request.signedIn?.user, let role = user.staffRole else { throw DomainError.notFound("page") }
        guard StaffPage.statusConsole.mayOpen(role) else { throw DomainError(.permissionDenied, "The status console is for staff who manage the status page (admins and personalized support engineers).") }
        return user
    }

    /// After a change on this node, its snapshot is rebuilt on the next read; other nodes see
    /// the new revision within a second.
    private func changed(_ request: Request) {
        request.application.statusSnapshots.invalidate()
    }

    // MARK: Overview

    struct OverviewBody: Encodable {
        let components: [StaffComponentRow]
        let open: [StaffIncidentRow]
        let maintenances: [StaffIncidentRow]
        let awaitingRFO: [StaffIncidentRow]
        let recent: [StaffIncidentRow]
        let subscribers: Int
        let timeZone: String
    }

    func overview(request: Request) async throws -> Response {
        _ = try staff(request)
        let zone = request.statusSettings.timeZone
        let components = try await request.statusComponents.all()
        let names = Dictionary(components.compactMap { component in component.id.map { ($0, component.name) } }, uniquingKeysWith: { first, _ in first })
        let incidents = try await StatusIncident.query(on: request.db).sort(\.$startedAt, .descending).limit(200).all()
        let rows = components.map { component in
            StaffComponentRow(id: component.id ?? "", name: component.name, status: component.status, statusTitle: component.componentStatus.title,
                              product: component.statusProduct.title, group: component.groupID.flatMap { names[$0] } ?? "", isGroup: component.isGroup,
                              position: component.position)
        }
        return try await request.page("status/staff-overview", title: "Status page", OverviewBody(
            components: rows,
            open: incidents.filter(\.isUnresolved).map { .make($0, zone: zone) },
            maintenances: incidents.filter { $0.isMaintenance && $0.maintenanceStatus != .completed }.map { .make($0, zone: zone) },
            awaitingRFO: incidents.filter { $0.incidentStatus == .resolved }.map { .make($0, zone: zone) },
            recent: incidents.filter { $0.incidentStatus == .postmortem || $0.maintenanceStatus == .completed }.prefix(20).map { .make($0, zone: zone) },
            subscribers: try await request.statusSubscribers.confirmedCount(),
            timeZone: request.statusSettings.zoneName))
    }

    // MARK: Components

    struct ComponentBody: Encodable {
        let isNew: Bool
        let action: String
        let id: String
        let values: [String: String]
        let products: [StatusOption]
        let statuses: [StatusOption]
        let groups: [StatusOption]
        let isGroup: Bool
        let showcase: Bool
        let onlyShowIfDegraded: Bool
    }

    private func renderComponent(_ request: Request, component: StatusComponent?, form: PageForm?, errors: FormErrors?) async throws -> Response {
        var values: [String: String] = ["name": component?.name ?? "", "description": component?.details ?? "", "product": component?.product ?? StatusProduct.sms.rawValue,
                                        "position": String(component?.position ?? 1), "status": component?.status ?? ComponentStatus.operational.rawValue,
                                        "group_id": component?.groupID ?? ""]
        if let form { values.merge(form.redisplay()) { _, typed in typed } }
        let groups = try await request.statusComponents.all().filter { $0.isGroup && $0.id != component?.id }
        let flag = { (name: String, stored: Bool?) -> Bool in form.map { $0.isChecked(name) } ?? stored ?? false }
        let body = ComponentBody(
            isNew: component == nil, action: component.map { "/staff/status/components/\($0.id ?? "")" } ?? "/staff/status/components",
            id: component?.id ?? "", values: values,
            products: StatusOption.list(StatusProduct.allCases.map { ($0.rawValue, $0.title) }, selected: values["product"] ?? ""),
            statuses: StatusOption.list(ComponentStatus.allCases.map { ($0.rawValue, $0.title) }, selected: values["status"] ?? ""),
            groups: StatusOption.list([("", "No group")] + groups.map { ($0.id ?? "", $0.name) }, selected: values["group_id"] ?? ""),
            isGroup: flag("is_group", component?.isGroup), showcase: flag("showcase", component?.showcase ?? true),
            onlyShowIfDegraded: flag("only_show_if_degraded", component?.onlyShowIfDegraded))
        return try await request.page("status/staff-component", title: component.map { "Component: \($0.name)" } ?? "New component", body, form: form, errors: errors)
    }

    func newComponent(request: Request) async throws -> Response {
        _ = try staff(request)
        return try await renderComponent(request, component: nil, form: nil, errors: nil)
    }

    private static func input(_ form: PageForm) -> ComponentInput {
        ComponentInput(name: form.text("name"), description: form.text("description"), product: form.text("product"), position: form.text("position"),
                       status: form.text("status"), groupID: form.text("group_id"), isGroup: form.isChecked("is_group"),
                       showcase: form.isChecked("showcase"), onlyShowIfDegraded: form.isChecked("only_show_if_degraded"))
    }

    func createComponent(request: Request) async throws -> Response {
        let user = try staff(request)
        let form = request.pageForm()
        let input = Self.input(form)
        var errors = FormErrors()
        guard let checked = try await request.statusComponents.check(input, editing: nil, errors: &errors) else {
            return try await renderComponent(request, component: nil, form: form, errors: errors)
        }
        let component = try await request.statusComponents.create(checked, input: input, by: user)
        changed(request)
        return request.redirect("/staff/status?created=\(component.id ?? "")")
    }

    func editComponent(request: Request) async throws -> Response {
        _ = try staff(request)
        return try await renderComponent(request, component: try await request.statusComponents.find(request.parameters.get("id")), form: nil, errors: nil)
    }

    func updateComponent(request: Request) async throws -> Response {
        let user = try staff(request)
        let component = try await request.statusComponents.find(request.parameters.get("id"))
        let form = request.pageForm()
        let input = Self.input(form)
        var errors = FormErrors()
        guard let checked = try await request.statusComponents.check(input, editing: component, errors: &errors) else {
            return try await renderComponent(request, component: component, form: form, errors: errors)
        }
        do {
            try await request.statusComponents.update(component, checked, input: input, by: user)
        } catch let error as DomainError {
            return try await renderComponent(request, component: component, form: form, errors: FormErrors(error))
        }
        changed(request)
        return request.redirect("/staff/status")
    }

    // MARK: Incidents and maintenances

    struct NewIncidentBody: Encodable {
        let isMaintenance: Bool
        let kind: String
        let values: [String: String]
        let statuses: [StatusOption]
        let impacts: [StatusOption]
        let components: [StaffComponentChoice]
        let notify: Bool
        let timeZone: String
    }

    private func renderNew(_ request: Request, kind: StatusIncident.Kind, form: PageForm?, errors: FormErrors?) async throws -> Response {
        let zone = request.statusSettings.timeZone
        let start = request.now.addingTimeInterval(86_400)
        var values = ["name": "", "body": "", "status": IncidentStatus.investigating.rawValue, "impact": "", "impact_reason": "",
                      "scheduled_for": StatusDateDisplay.field(start, zone: zone),
                      "scheduled_until": StatusDateDisplay.field(start.addingTimeInterval(7_200), zone: zone)]
        if let form { values.merge(form.redisplay()) { _, typed in typed } }
        let components = try await request.statusComponents.all()
        let choices = kind == .maintenance
            ? StaffComponentChoice.list(components, values: form?.componentChoices() ?? [:], blank: "Not affected")
            : StaffComponentChoice.list(components, values: form?.componentChoices() ?? [:], blank: "Not affected")
        let body = NewIncidentBody(
            isMaintenance: kind == .maintenance, kind: kind.rawValue, values: values,
            statuses: StatusOption.list(IncidentStatus.initial.map { ($0.rawValue, $0.title) }, selected: values["status"] ?? ""),
            impacts: StatusOption.list([("", "From the components")] + IncidentImpact.allCases.map { ($0.rawValue, $0.title) }, selected: values["impact"] ?? ""),
            components: choices, notify: form.map { $0.isChecked("notify") } ?? true, timeZone: request.statusSettings.zoneName)
        return try await request.page("status/staff-new", title: kind == .maintenance ? "Schedule maintenance" : "Open an incident", body, form: form, errors: errors)
    }

    func newIncident(request: Request) async throws -> Response {
        _ = try staff(request)
        let kind: String = request.query["kind"] ?? ""
        return try await renderNew(request, kind: StatusIncident.Kind(rawValue: kind) ?? .incident, form: nil, errors: nil)
    }

    func createIncident(request: Request) async throws -> Response {
        let user = try staff(request)
        let form = request.pageForm()
        let kind = StatusIncident.Kind(rawValue: form.text("kind")) ?? .incident
        let input = IncidentInput(kind: kind, name: form.text("name"), status: form.text("status"), body: form.text("body"), impact: form.text("impact"),
                                  impactReason: form.text("impact_reason"), components: form.componentChoices(),
                                  scheduledFor: form.text("scheduled_for"), scheduledUntil: form.text("scheduled_until"), notify: form.isChecked("notify"))
        var errors = FormErrors()
        guard let checked = try await request.statusIncidents.check(input, errors: &errors) else {
            return try await renderNew(request, kind: kind, form: form, errors: errors)
        }
        let incident = try await request.statusIncidents.open(checked, by: user)
        changed(request)
        return request.redirect("/staff/status/incidents/\(incident.id ?? "")")
    }

    struct RFOCandidateView: Encodable {
        let sid: String
        let name: String
        let checked: Bool
        let ticketNumber: Int?
    }

    struct IncidentBody: Encodable {
        let incident: StatusIncidentView
        let isMaintenance: Bool
        let canUpdate: Bool
        let statuses: [StatusOption]
        let impacts: [StatusOption]
        let components: [StaffComponentChoice]
        let values: [String: String]
        let notify: Bool
        let impactOverridden: Bool
        let impactReason: String?
        let canPublishRFO: Bool
        let rfoPublished: Bool
        let candidates: [RFOCandidateView]
        let narrowed: Bool
        let timeZone: String
    }

    private func renderIncident(_ request: Request, _ incident: StatusIncident, form: PageForm?, errors: FormErrors?, notice: String? = nil) async throws -> Response {
        let id = incident.id ?? ""
        let details = try await StatusHistory(database: request.db).details(of: [incident])
        let zone = request.statusSettings.timeZone
        let view = StatusIncidentView.make(incident, updates: details.updates[id] ?? [], components: details.components[id] ?? [], zone: zone)
        let next: [(String, String)] = incident.isMaintenance
            ? (incident.maintenanceStatus?.nextUpdates ?? []).map { ($0.rawValue, $0.title) }
            : (incident.incidentStatus?.nextUpdates ?? []).map { ($0.rawValue, $0.title) }
        var values = ["status": next.first?.0 ?? "", "body": "", "impact": "", "impact_reason": "", "rfo": ""]
        if let form { values.merge(form.redisplay()) { _, typed in typed } }
        let components = try await request.statusComponents.all()
        var candidates: [RFOCandidateView] = []
        var narrowed = false
        let resolvedOrLater = incident.incidentStatus == .resolved || incident.incidentStatus == .postmortem
        if resolvedOrLater {
            let found = try await request.statusRFO.candidates(for: incident)
            narrowed = found.narrowed
            let ticked = form.map { Set($0.fields.filter { $0.key.hasPrefix("organisation_") }.map { String($0.key.dropFirst("organisation_".count)) }) }
            candidates = found.candidates.map { candidate in
                RFOCandidateView(sid: candidate.organisationSID, name: candidate.name,
                                 checked: ticked.map { $0.contains(candidate.organisationSID) } ?? (candidate.suggested || candidate.ticketNumber != nil),
                                 ticketNumber: candidate.ticketNumber)
            }
        }
        let body = IncidentBody(
            incident: view, isMaintenance: incident.isMaintenance, canUpdate: !next.isEmpty,
            statuses: StatusOption.list(next, selected: values["status"] ?? ""),
            impacts: StatusOption.list([("", incident.impactOverridden ? "Keep the impact set by hand" : "From the components")]
                                       + IncidentImpact.allCases.map { ($0.rawValue, $0.title) }, selected: values["impact"] ?? ""),
            components: StaffComponentChoice.list(components, values: form?.componentChoices() ?? [:], blank: "Unchanged"),
            values: values, notify: form.map { $0.isChecked("notify") } ?? true,
            impactOverridden: incident.impactOverridden, impactReason: incident.impactReason,
            canPublishRFO: incident.incidentStatus == .resolved, rfoPublished: incident.incidentStatus == .postmortem,
            candidates: candidates, narrowed: narrowed, timeZone: request.statusSettings.zoneName)
        return try await request.page("status/staff-incident", title: incident.name, body, notice: notice, form: form, errors: errors)
    }

    func incident(request: Request) async throws -> Response {
        _ = try staff(request)
        let incident = try await request.statusIncidents.find(request.parameters.get("id"))
        let notice: String? = request.query["published"] == "1" ? "The reason for outage is published; the tickets open within a minute." : nil
        return try await renderIncident(request, incident, form: nil, errors: nil, notice: notice)
    }

    func postUpdate(request: Request) async throws -> Response {
        let user = try staff(request)
        let incident = try await request.statusIncidents.find(request.parameters.get("id"))
        let form = request.pageForm()
        let input = UpdateInput(status: form.text("status"), body: form.text("body"), impact: form.text("impact"), impactReason: form.text("impact_reason"),
                                components: form.componentChoices(), notify: form.isChecked("notify"))
        var errors = FormErrors()
        guard let checked = try await request.statusIncidents.check(input, for: incident, errors: &errors) else {
            return try await renderIncident(request, incident, form: form, errors: errors)
        }
        do {
            try await request.statusIncidents.post(checked, to: incident, by: user)
        } catch let error as DomainError {
            return try await renderIncident(request, try await request.statusIncidents.find(incident.id), form: form, errors: FormErrors(error))
        }
        changed(request)
        return request.redirect("/staff/status/incidents/\(incident.id ?? "")")
    }

    func publishRFO(request: Request) async throws -> Response {
        let user = try staff(request)
        let incident = try await request.statusIncidents.find(request.parameters.get("id"))
        let form = request.pageForm()
        let organisations = form.fields.filter { $0.key.hasPrefix("organisation_") }.map { String($0.key.dropFirst("organisation_".count)) }
        var errors = FormErrors()
        guard let checked = try await request.statusRFO.check(body: form.text("rfo"), organisations: organisations, errors: &errors) else {
            return try await renderIncident(request, incident, form: form, errors: errors)
        }
        do {
            try await request.statusRFO.publish(incident, checked, by: user)
        } catch let error as DomainError {
            return try await renderIncident(request, incident, form: form, errors: FormErrors(error))
        }
        changed(request)
        return request.redirect("/staff/status/incidents/\(incident.id ?? "")?published=1")
    }
}
