import Fluent
import Foundation
import TrustDeskCore

/// What staff type to create or edit a component.
struct ComponentInput: Sendable {
    var name: String
    var description: String
    var product: String
    var position: String
    var status: String
    var groupID: String
    var isGroup: Bool
    var showcase: Bool
    var onlyShowIfDegraded: Bool
}

/// The page's components (STS-1): created and edited by staff, every status change recorded
/// append-only, every staff action audited (SEC-3).
struct StatusComponents {
    let database: any Database
    let now: Date

    /// Every component, in page order: groups and their members by position.
    func all() async throws -> [StatusComponent] {
        try await StatusComponent.query(on: database).sort(\.$position).sort(\.$name).all()
    }

    func find(_ id: String?) async throws -> StatusComponent {
        guard let id, StatusID.isWellFormed(id), let component = try await StatusComponent.find(id, on: database) else {
            throw DomainError.notFound("component")
        }
        return component
    }

    struct Checked {
        let name: String
        let description: String?
        let product: StatusProduct
        let position: Int
        let status: ComponentStatus
        let groupID: String?
    }

    /// Checks every field, collecting every problem so a page can show them all at once.
    func check(_ input: ComponentInput, editing: StatusComponent?, errors: inout FormErrors) async throws -> Checked? {
        let name = errors.check("name") { () throws(DomainError) in try StatusText.name(input.name) }
        let description = errors.check("description") { () throws(DomainError) in try StatusText.description(input.description) }
        let product = errors.check("product") { () throws(DomainError) in try StatusProduct.parse(input.product) }
        let position = errors.check("position") { () throws(DomainError) in try StatusText.position(input.position) }
        let status = errors.check("status") { () throws(DomainError) in try ComponentStatus.parse(input.status) }
        let group = try await errors.attempt("group_id") { try await self.group(input.groupID, for: input, editing: editing) }
        guard let name, let description, let product, let position, let status, let group else { return nil }
        return Checked(name: name, description: description, product: product, position: position, status: status, groupID: group.isEmpty ? nil : group)
    }

    /// The group a component goes in: none (""), or an existing group. Groups do not nest.
    private func group(_ raw: String, for input: ComponentInput, editing: StatusComponent?) async throws -> String {
        let id = raw.trimmingCharacters(in: .whitespaces)
        guard !id.isEmpty else { return "" }
        guard !input.isGroup else { throw DomainError(.invalidParameter, "group_id: a group can't be inside another group.") }
        guard StatusID.isWellFormed(id), let group = try await StatusComponent.find(id, on: database), group.isGroup, group.id != editing?.id else {
            throw DomainError(.invalidParameter, "group_id: choose one of the page's groups, or none.")
        }
        return id
    }

    func create(_ checked: Checked, input: ComponentInput, by staff: User) async throws -> StatusComponent {
        let component = StatusComponent()
        component.id = StatusID.generate()
        component.createdAt = now
        try await database.transaction { db in
            try await apply(checked, input: input, to: component, isNew: true, by: staff, on: db)
        }
        return component
    }

    func update(_ component: StatusComponent, _ checked: Checked, input: ComponentInput, by staff: User) async throws {
        if component.isGroup != input.isGroup, !input.isGroup,
           try await StatusComponent.query(on: database).filter(\.$groupID == component.id).count() > 0 {
            throw DomainError(.invalidParameter, "is_group: move its components out of the group first.")
        }
        try await database.transaction { db in
            try await apply(checked, input: input, to: component, isNew: false, by: staff, on: db)
        }
    }

    private func apply(_ checked: Checked, input: ComponentInput, to component: StatusComponent, isNew: Bool, by staff: User, on db: any Database) async throws {
        let previous = isNew ? "" : component.status
        component.name = checked.name
        component.details = checked.description
        component.product = checked.product.rawValue
        component.position = checked.position
        component.groupID = checked.groupID
        component.isGroup = input.isGroup
        component.showcase = input.showcase
        component.onlyShowIfDegraded = input.onlyShowIfDegraded
        component.updatedAt = now
        component.status = checked.status.rawValue
        if isNew {
            try await component.create(on: db)
        } else {
            try await component.save(on: db)
        }
        if previous != checked.status.rawValue, let id = component.id {
            try await StatusComponentChange(component: id, from: previous, to: checked.status.rawValue, incident: nil, actor: staff.sid, at: now).create(on: db)
        }
        try await StatusRevision.bump(on: db, now: now)
        try await StatusAudit.record(staff, isNew ? "status_component_create" : "status_component_update", detail: "\(component.id ?? "") \(checked.name): \(checked.status.rawValue)", now: now, on: db)
    }

    /// Moves components to new statuses for an incident or maintenance (or the job), each
    /// change recorded. Call inside the caller's transaction.
    func set(_ statuses: [String: ComponentStatus], incident: String?, actor: String, on db: any Database) async throws {
        guard !statuses.isEmpty else { return }
        for component in try await StatusComponent.query(on: db).filter(\.$id ~~ statuses.keys.sorted()).all() {
            guard let id = component.id, let next = statuses[id], component.status != next.rawValue else { continue }
            try await StatusComponentChange(component: id, from: component.status, to: next.rawValue, incident: incident, actor: actor, at: now).create(on: db)
            component.status = next.rawValue
            component.updatedAt = now
            try await component.save(on: db)
        }
    }
}

/// Staff actions on the status page, in the staff audit log (SEC-3).
enum StatusAudit {
    static func record(_ staff: User, _ action: String, detail: String, now: Date, on db: any Database) async throws {
        try await StaffAuditEvent(staff: staff.sid, action: action, account: nil, detail: String(detail.prefix(2_000)), at: now).create(on: db)
    }
}
