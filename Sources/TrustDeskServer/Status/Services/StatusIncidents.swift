import Fluent
import Foundation
import SQLKit
import TrustDeskCore

/// What staff type to open an incident or announce a maintenance.
struct IncidentInput: Sendable {
    var kind: StatusIncident.Kind
    var name = ""
    var status = ""
    var body = ""
    var impact = ""
    var impactReason = ""
    /// Component id -> chosen status ("" not affected). A maintenance only names them ("affected").
    var components: [String: String] = [:]
    var scheduledFor = ""
    var scheduledUntil = ""
    var notify = true
}

/// What staff type to post an update.
struct UpdateInput: Sendable {
    var status = ""
    var body = ""
    var impact = ""
    var impactReason = ""
    /// Component id -> chosen status ("" leaves it as it is).
    var components: [String: String] = [:]
    var notify = true
}

/// Incidents and scheduled maintenances (STS-2) and their reasons for outage (STS-4): every
/// change in one transaction with its updates, component changes, subscriber mailing, the page
/// revision and the staff audit record.
struct StatusIncidents {
    let database: any Database
    let now: Date
    let settings: StatusPageSettings

    private var componentStore: StatusComponents { StatusComponents(database: database, now: now) }

    // MARK: Reading

    func find(_ id: String?) async throws -> StatusIncident {
        guard let id, StatusID.isWellFormed(id), let incident = try await StatusIncident.find(id, on: database) else {
            throw DomainError.notFound("incident")
        }
        return incident
    }

    func updates(of incident: StatusIncident) async throws -> [StatusIncidentUpdate] {
        try await StatusIncidentUpdate.query(on: database).filter(\.$incidentID == incident.id ?? "")
            .sort(\.$displayAt, .descending).sort(\.$createdAt, .descending).limit(500).all()
    }

    func componentIDs(of incident: StatusIncident) async throws -> [String] {
        try await StatusIncidentComponent.query(on: database).filter(\.$incidentID == incident.id ?? "").all().map(\.componentID)
    }

    // MARK: Opening

    struct CheckedIncident {
        let input: IncidentInput
        let name: String
        let body: String
        let incidentStatus: IncidentStatus
        let requested: [String: ComponentStatus]
        let affected: [String]
        let impactOverride: IncidentImpact?
        let window: (Date, Date)?
    }

    /// Checks every field of a new incident or maintenance, collecting every problem.
    func check(_ input: IncidentInput, errors: inout FormErrors) async throws -> CheckedIncident? {
        let name = errors.check("name") { () throws(DomainError) in try StatusText.name(input.name) }
        let body = errors.check("body") { () throws(DomainError) in try StatusText.body(input.body) }
        let known = Set(try await StatusComponent.query(on: database).all().compactMap(\.id))
        switch input.kind {
        case .incident:
            let status = errors.check("status") { () throws(DomainError) -> IncidentStatus in
                let status = try IncidentStatus.parse(input.status)
                guard IncidentStatus.initial.contains(status) else {
                    throw DomainError(.invalidParameter, "status: a new incident starts as \(IncidentStatus.initial.map(\.rawValue).joined(separator: ", ")).")
                }
                return status
            }
            let requested = errors.check("components") { () throws(DomainError) in try Self.requested(input.components, known: known) }
            let impact = errors.check("impact") { () throws(DomainError) in try Self.impactOverride(input.impact) }
            guard let name, let body, let status, let requested, let impact else { return nil }
            if errors.check("impact_reason", { () throws(DomainError) in
                try IncidentImpact.resolve(components: Array(requested.values), override: impact, reason: input.impactReason)
            }) == nil { return nil }
            return CheckedIncident(input: input, name: name, body: body, incidentStatus: status, requested: requested,
                                   affected: requested.keys.sorted(), impactOverride: impact, window: nil)
        case .maintenance:
            let affected = errors.check("components") { () throws(DomainError) -> [String] in
                let ids = input.components.filter { !$0.value.isEmpty }.keys.sorted()
                guard ids.allSatisfy(known.contains) else { throw DomainError(.invalidParameter, "components: choose components of this page.") }
                return ids
            }
            let start = errors.check("scheduled_for") { () throws(DomainError) in try StatusTime.parseLocal(input.scheduledFor, zone: settings.timeZone, field: "scheduled_for") }
            let end = errors.check("scheduled_until") { () throws(DomainError) in try StatusTime.parseLocal(input.scheduledUntil, zone: settings.timeZone, field: "scheduled_until") }
            guard let name, let body, let affected, let start, let end else { return nil }
            guard let window = errors.check("scheduled_until", { () throws(DomainError) -> (Date, Date) in
                let window = try MaintenanceSchedule.window(from: StatusTime.wholeSeconds(start), until: StatusTime.wholeSeconds(end))
                guard window.1 > now else { throw DomainError(.invalidParameter, "scheduled_until: the window is already over; announce a maintenance ahead.") }
                return window
            }) else { return nil }
            return CheckedIncident(input: input, name: name, body: body, incidentStatus: .investigating, requested: [:],
                                   affected: affected, impactOverride: nil, window: window)
        }
    }

    static func requested(_ raw: [String: String], known: Set<String>) throws(DomainError) -> [String: ComponentStatus] {
        var result: [String: ComponentStatus] = [:]
        for (id, value) in raw where !value.isEmpty {
            guard known.contains(id) else { throw DomainError(.invalidParameter, "components: choose components of this page.") }
            result[id] = try ComponentStatus.parse(value, field: "components")
        }
        return result
    }

    static func impactOverride(_ raw: String) throws(DomainError) -> IncidentImpact? {
        raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : try IncidentImpact.parse(raw)
    }

    /// Opens an incident or announces a maintenance.
    func open(_ checked: CheckedIncident, by staff: User) async throws -> StatusIncident {
        let incident = StatusIncident()
        incident.id = StatusID.generate()
        incident.kind = checked.input.kind.rawValue
        incident.name = checked.name
        incident.impactOverridden = false
        incident.createdBy = staff.sid
        incident.createdAt = now
        incident.updatedAt = now
        let actor = StatusActor(staff: staff)
        try await database.transaction { db in
            let id = incident.id ?? ""
            for component in checked.affected {
                try await StatusIncidentComponent(incident: id, component: component).create(on: db)
            }
            switch checked.input.kind {
            case .incident:
                let status = checked.incidentStatus
                incident.status = status.rawValue
                incident.startedAt = StatusTime.wholeSeconds(now)
                let resolved = try IncidentImpact.resolve(components: Array(checked.requested.values), override: checked.impactOverride, reason: checked.input.impactReason)
                incident.impact = resolved.impact.rawValue
                incident.impactOverridden = resolved.overridden
                incident.impactReason = resolved.overridden ? checked.input.impactReason.trimmingCharacters(in: .whitespacesAndNewlines) : nil
                stamp(incident, status)
                try await incident.create(on: db)
                let current = try await statuses(of: checked.affected, on: db)
                let changes = checked.requested.filter { current[$0.key] != $0.value }
                try await post(to: incident, status: status.rawValue, body: checked.body, changes: changes, current: current,
                               notify: checked.input.notify, actor: actor, on: db)
            case .maintenance:
                guard let window = checked.window else { throw DomainError(.invalidParameter, "scheduled_for: give the maintenance window.") }
                incident.status = MaintenanceStatus.scheduled.rawValue
                incident.impact = "maintenance"
                incident.startedAt = window.0
                incident.scheduledFor = window.0
                incident.scheduledUntil = window.1
                incident.nextDueAt = incident.schedule(reminderLead: settings.reminderLead)?.nextDue
                try await incident.create(on: db)
                try await post(to: incident, status: MaintenanceStatus.scheduled.rawValue, body: checked.body, changes: [:], current: [:],
                               notify: checked.input.notify, actor: actor, on: db)
            }
            try await StatusAudit.record(staff, "status_\(checked.input.kind.rawValue)_open", detail: "\(id) \(checked.name)", now: now, on: db)
        }
        return incident
    }

    // MARK: Updates

    struct CheckedUpdate {
        let input: UpdateInput
        let body: String
        let incidentStatus: IncidentStatus?
        let maintenanceStatus: MaintenanceStatus?
        let requested: [String: ComponentStatus]
        let impactOverride: IncidentImpact?
    }

    func check(_ input: UpdateInput, for incident: StatusIncident, errors: inout FormErrors) async throws -> CheckedUpdate? {
        let body = errors.check("body") { () throws(DomainError) in try StatusText.body(input.body) }
        if incident.isMaintenance {
            let current = incident.maintenanceStatus ?? .completed
            let status = errors.check("status") { () throws(DomainError) in try current.update(to: MaintenanceStatus.parse(input.status)) }
            guard let body, let status else { return nil }
            return CheckedUpdate(input: input, body: body, incidentStatus: nil, maintenanceStatus: status, requested: [:], impactOverride: nil)
        }
        let current = incident.incidentStatus ?? .postmortem
        let status = errors.check("status") { () throws(DomainError) in try current.update(to: IncidentStatus.parse(input.status)) }
        let known = Set(try await StatusComponent.query(on: database).all().compactMap(\.id))
        let requested = errors.check("components") { () throws(DomainError) in try Self.requested(input.components, known: known) }
        let impact = errors.check("impact") { () throws(DomainError) in try Self.impactOverride(input.impact) }
        guard let body, let status, let requested, let impact else { return nil }
        if impact != nil, input.impactReason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            errors.add(DomainError(.invalidParameter, "impact_reason: say why the impact is set by hand; it is kept with the incident."))
            return nil
        }
        return CheckedUpdate(input: input, body: body, incidentStatus: status, maintenanceStatus: nil, requested: requested, impactOverride: impact)
    }

    /// Posts an update. The incident is re-read and re-checked inside the transaction, so two
    /// staff posting at once can't both move it out of a status it has already left.
    func post(_ checked: CheckedUpdate, to incident: StatusIncident, by staff: User) async throws {
        try await database.transaction { db in
            let fresh = try await locked(incident, on: db)
            if let status = checked.maintenanceStatus {
                _ = try (fresh.maintenanceStatus ?? .completed).update(to: status)
                try await moveMaintenance(fresh, to: status, body: checked.body, notify: checked.input.notify, actor: StatusActor(staff: staff), on: db)
            } else if let status = checked.incidentStatus {
                _ = try (fresh.incidentStatus ?? .postmortem).update(to: status)
                try await moveIncident(fresh, to: status, checked: checked, staff: staff, on: db)
            }
            try await StatusAudit.record(staff, "status_update", detail: "\(fresh.id ?? "") \(fresh.status)", now: now, on: db)
        }
    }

    /// Takes the incident's row for this transaction (PostgreSQL waits for another writer;
    /// SQLite has one writer anyway) and returns it as it is now.
    private func locked(_ incident: StatusIncident, on db: any Database) async throws -> StatusIncident {
        let id = incident.id ?? ""
        try await db.sql.update(StatusIncident.schema).set("updated_at", to: SQLBind(now)).where("id", .equal, SQLBind(id)).run()
        guard let fresh = try await StatusIncident.find(id, on: db) else { throw DomainError.notFound("incident") }
        return fresh
    }

    private func moveIncident(_ incident: StatusIncident, to status: IncidentStatus, checked: CheckedUpdate, staff: User, on db: any Database) async throws {
        let id = incident.id ?? ""
        var affected = Set(try await StatusIncidentComponent.query(on: db).filter(\.$incidentID == id).all().map(\.componentID))
        for component in checked.requested.keys where !affected.contains(component) {
            try await StatusIncidentComponent(incident: id, component: component).create(on: db)
            affected.insert(component)
        }
        let current = try await statuses(of: Array(affected), on: db)
        let held = status == .resolved ? try await heldElsewhere(affected, besides: id, on: db) : []
        let changes = IncidentComponents.afterUpdate(status: status, requested: checked.requested, current: current, affected: affected, heldElsewhere: held)
        let after = current.merging(changes) { _, new in new }
        let previous = IncidentImpact(rawValue: incident.impact) ?? .none
        let impact = try IncidentImpact.afterUpdate(previous: previous, previousOverridden: incident.impactOverridden,
                                                    components: Array(after.values), override: checked.impactOverride, reason: checked.input.impactReason)
        incident.impact = impact.impact.rawValue
        if checked.impactOverride != nil {
            incident.impactOverridden = true
            incident.impactReason = checked.input.impactReason.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        incident.status = status.rawValue
        stamp(incident, status)
        incident.updatedAt = now
        try await incident.save(on: db)
        try await post(to: incident, status: status.rawValue, body: checked.body, changes: changes, current: current,
                       notify: checked.input.notify, actor: StatusActor(staff: staff), on: db)
    }

    /// A maintenance moves: starting puts its components under maintenance, completing gives
    /// them back.
    private func moveMaintenance(_ incident: StatusIncident, to status: MaintenanceStatus, body: String, notify: Bool, actor: StatusActor, on db: any Database) async throws {
        let id = incident.id ?? ""
        let previous = incident.maintenanceStatus ?? .scheduled
        let rows = try await StatusIncidentComponent.query(on: db).filter(\.$incidentID == id).all()
        let current = try await statuses(of: rows.map(\.componentID), on: db)
        var changes: [String: ComponentStatus] = [:]
        if status.isActive, !previous.isActive {
            changes = IncidentComponents.atMaintenanceStart(current: current)
            for row in rows where changes[row.componentID] != nil {
                row.priorStatus = current[row.componentID]?.rawValue
                try await row.save(on: db)
            }
        } else if status == .completed, previous.isActive {
            let prior = Dictionary(rows.compactMap { row in row.priorStatus.flatMap(ComponentStatus.init(rawValue:)).map { (row.componentID, $0) } },
                                   uniquingKeysWith: { first, _ in first })
            changes = IncidentComponents.atMaintenanceEnd(current: current, prior: prior, heldElsewhere: try await heldElsewhere(Set(current.keys), besides: id, on: db))
        }
        incident.status = status.rawValue
        if status == .completed { incident.resolvedAt = now }
        incident.nextDueAt = incident.schedule(reminderLead: settings.reminderLead)?.nextDue
        incident.updatedAt = now
        try await incident.save(on: db)
        try await post(to: incident, status: status.rawValue, body: body, changes: changes, current: current, notify: notify, actor: actor, on: db)
    }

    /// Timestamps Statuspage reports: when monitoring began and when it was resolved.
    private func stamp(_ incident: StatusIncident, _ status: IncidentStatus) {
        if status == .monitoring, incident.monitoringAt == nil { incident.monitoringAt = now }
        if status == .resolved { incident.resolvedAt = now }
    }

    /// Components that another unresolved incident or active maintenance affects.
    private func heldElsewhere(_ components: Set<String>, besides id: String, on db: any Database) async throws -> Set<String> {
        guard !components.isEmpty else { return [] }
        let rows = try await StatusIncidentComponent.query(on: db).filter(\.$componentID ~~ components.sorted()).filter(\.$incidentID != id).all()
        guard !rows.isEmpty else { return [] }
        let open = IncidentStatus.allCases.filter(\.isOpen).map(\.rawValue) + MaintenanceStatus.allCases.filter(\.isActive).map(\.rawValue)
        let holding = Set(try await StatusIncident.query(on: db).filter(\.$id ~~ Set(rows.map(\.incidentID)).sorted()).filter(\.$status ~~ open).all().compactMap(\.id))
        return Set(rows.filter { holding.contains($0.incidentID) }.map(\.componentID))
    }

    private func statuses(of ids: [String], on db: any Database) async throws -> [String: ComponentStatus] {
        guard !ids.isEmpty else { return [:] }
        let components = try await StatusComponent.query(on: db).filter(\.$id ~~ ids).all()
        return Dictionary(components.compactMap { component in component.id.map { ($0, component.componentStatus) } }, uniquingKeysWith: { first, _ in first })
    }

    /// Writes the update, moves the components, queues the subscriber mailing and marks the
    /// page changed.
    private func post(to incident: StatusIncident, status: String, body: String, changes: [String: ComponentStatus], current: [String: ComponentStatus],
                      notify: Bool, actor: StatusActor, on db: any Database) async throws {
        let id = incident.id ?? ""
        let names = Dictionary(try await StatusComponent.query(on: db).filter(\.$id ~~ changes.keys.sorted()).all().compactMap { component in
            component.id.map { ($0, component.name) }
        }, uniquingKeysWith: { first, _ in first })
        let affected = changes.keys.sorted().map { component in
            StatusIncidentUpdate.AffectedComponent(code: component, name: names[component] ?? component,
                                                   oldStatus: current[component]?.rawValue ?? ComponentStatus.operational.rawValue,
                                                   newStatus: changes[component]?.rawValue ?? ComponentStatus.operational.rawValue)
        }
        try await StatusComponents(database: db, now: now).set(changes, incident: id, actor: actor.sid, on: db)
        let update = StatusIncidentUpdate()
        update.id = StatusID.generate()
        update.incidentID = id
        update.status = status
        update.body = body
        update.displayAt = now
        update.deliverNotifications = notify
        update.affectedComponentsJSON = try StatusIncidentUpdate.encode(affected)
        update.createdBy = actor.sid
        update.createdAt = now
        update.updatedAt = now
        try await update.create(on: db)
        if notify {
            try await StatusMailings(database: db, now: now, settings: settings).queue(update, of: incident, on: db)
        }
        try await StatusRevision.bump(on: db, now: now)
    }

    // MARK: Maintenance job

    /// Maintenances whose next step is due, oldest first.
    func dueMaintenances(limit: Int) async throws -> [StatusIncident] {
        try await StatusIncident.query(on: database).filter(\.$nextDueAt <= now).sort(\.$nextDueAt).limit(limit).all()
    }

    /// Takes one maintenance's due step, if it still is due once its row is held.
    @discardableResult
    func advance(_ incident: StatusIncident) async throws -> MaintenanceSchedule.Step? {
        try await database.transaction { db in
            let fresh = try await locked(incident, on: db)
            guard let schedule = fresh.schedule(reminderLead: settings.reminderLead) else {
                fresh.nextDueAt = nil
                try await fresh.save(on: db)
                return nil
            }
            let step = schedule.due(at: now)
            switch step {
            case .remind:
                fresh.remindedAt = now
                fresh.nextDueAt = fresh.schedule(reminderLead: settings.reminderLead)?.nextDue
                try await fresh.save(on: db)
                try await StatusMailings(database: db, now: now, settings: settings).queueReminder(of: fresh, on: db)
            case .start:
                try await moveMaintenance(fresh, to: .inProgress, body: StatusMail.maintenanceStarted, notify: true, actor: .system, on: db)
            case .complete:
                let missed = fresh.maintenanceStatus == .scheduled
                try await moveMaintenance(fresh, to: .completed, body: missed ? StatusMail.maintenanceWindowPassed : StatusMail.maintenanceCompleted,
                                          notify: !missed, actor: .system, on: db)
            case nil:
                fresh.nextDueAt = schedule.nextDue
                try await fresh.save(on: db)
            }
            return step
        }
    }
}
